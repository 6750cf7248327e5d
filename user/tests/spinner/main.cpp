// spinner: announces itself, then spins forever without entering the kernel. Only the
// timer can take the processor from it; processes of its priority must still finish.
#include <isok/rt/console.hpp>
#include <isok/startup.hpp>

int main(const isok::startup::Info&) {
    isok::rt::print("spinning forever\n");
    for (volatile isok::u64 n = 0;; n = n + 1) {
    }
}

// faulter: stores to an address it has no right to and so faults. The target follows
// from the process name: a name containing "kernel" writes into the kernel's half of
// the address space, any other name to an unmapped user address. Its fault handler is
// told and kills it; were it to go on, it would say so.
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>

using namespace isok;

namespace {

constexpr u64 unmapped_user = 0x50000000;      // between the program and the stack: nothing there
constexpr u64 kernel_half = 0xffffffc000000000; // Sv39 upper half: kernel pages, not user-accessible

bool contains(const char* text, const char* word) {
    for (; *text; ++text) {
        usize i = 0;
        while (word[i] && text[i] == word[i]) ++i;
        if (!word[i]) return true;
    }
    return false;
}

} // namespace

int main(const startup::Info&) {
    u64 target = contains(rt::process_name(), "kernel") ? kernel_half : unmapped_user;
    rt::print("writing to %p\n", reinterpret_cast<void*>(target));
    *reinterpret_cast<volatile u64*>(target) = 0xbad;
    rt::print("the write to %p went through: isolation is broken\n", reinterpret_cast<void*>(target));
    return 1;
}

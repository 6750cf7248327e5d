// worker: computes for about `rounds` x 20 instructions without a system call and
// counts how often the processor was taken from it: rdinstret counts every instruction
// of the machine (under QEMU -icount), so a jump between two of its loop iterations
// means other threads ran in between. Beside a spinner of the same priority it still
// finishes, because time slices pre-empt the spinner as they pre-empt the worker.
#include <isok/rt/console.hpp>
#include <isok/rt/counters.hpp>
#include <isok/startup.hpp>

using namespace isok;

namespace {
constexpr u64 rounds = 5'000'000;
constexpr u64 gap = 100'000; // far more than one loop iteration: someone else ran
} // namespace

int main(const startup::Info&) {
    u64 hash = 0xcbf29ce484222325, taken = 0, away = 0;
    u64 last = rt::instret();
    for (u64 i = 0; i < rounds; ++i) {
        hash = (hash ^ i) * 0x100000001b3; // FNV-1a over the loop counter
        u64 now = rt::instret();
        if (now - last > gap) ++taken, away += now - last;
        last = now;
    }
    rt::print("finished %lu rounds (hash %lx); the processor was taken from me %lu times, for %lu instructions\n", rounds,
              hash, taken, away);
    return 0;
}

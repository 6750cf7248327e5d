// role=starve spinner=apart|together: the first thread works on hart 0 at the process's
// priority while a thread of a higher priority spins without a system call. Apart (on
// hart 1, forever) it must not keep the worker from finishing, and must spin while the
// worker works; together (on hart 0, for a bounded time, started halfway through the
// work) the worker must make no progress at all until the spinner has exited.
#include "smp.hpp"

namespace smp {
namespace {

constexpr u64 work_rounds = 40'000'000; // many time slices of either hart
constexpr u64 spin_rounds = 30'000'000; // many one-tick time slices
constexpr u64 spinner_priority = 200;   // the process's max_priority; the worker runs at 100

volatile u64 progress = 0; // rounds the worker has done, as seen by the spinner
volatile u64 spins = 0;
volatile u64 spinner_hart = ~u64{0};
volatile u64 progress_at_start = 0, progress_at_end = 0;

[[noreturn]] void spin_forever(u64) {
    spinner_hart = sys::hart_info().hart;
    for (;;) spins = spins + 1;
}

[[noreturn]] void spin_bounded(u64 rounds) {
    spinner_hart = sys::hart_info().hart;
    progress_at_start = progress;
    for (u64 i = 0; i < rounds; ++i) spins = spins + 1;
    progress_at_end = progress;
    sys::exit(0);
}

} // namespace

int starve() {
    bool together = arg_is("spinner", "together");
    u64 sp = stacks(1, 8192);
    u64 spinner = 0;
    if (together) {
        spinner = make_thread(spin_bounded, spin_rounds, sp, spinner_priority, 0);
    } else {
        spinner = make_thread(spin_forever, 0, sp, spinner_priority, 1);
        expect_ok(sys::start(spinner), "start the spinner");
    }
    u64 hash = 0xcbf29ce484222325, spins_before = spins;
    for (u64 i = 0; i < work_rounds; ++i) {
        hash = (hash ^ i) * 0x100000001b3;
        progress = i + 1;
        // On its own hart at a higher priority the spinner runs from here until it exits.
        if (together && i + 1 == work_rounds / 2) expect_ok(sys::start(spinner), "start the spinner");
    }
    u64 spun = spins - spins_before;
    u64 here = sys::hart_info().hart;
    if (together)
        isok::rt::print("worker on hart %lu finished %lu rounds (hash %lx); the spinner on hart %lu spun %lu rounds "
                        "while the worker stood at %lu..%lu\n",
                        here, work_rounds, hash, spinner_hart, spun, progress_at_start, progress_at_end);
    else
        isok::rt::print("worker on hart %lu finished %lu rounds (hash %lx); the spinner on hart %lu spun %lu rounds "
                        "meanwhile\n",
                        here, work_rounds, hash, spinner_hart, spun);
    return 0;
}

} // namespace smp

// Periodic tick. Deadlines advance by a fixed period from the previous deadline,
// not from "now", so the rate does not drift with interrupt latency.
#include <arch/timer.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/timer.hpp>

namespace kernel::timer {
namespace {
isok::u64 period_ = 0;
isok::u64 next_deadline = 0;
volatile isok::u64 tick_count = 0;
} // namespace

bool start(isok::u64 timebase_hz, isok::u64 hz) {
    if (hz == 0 || timebase_hz / hz == 0) return false;
    period_ = timebase_hz / hz;
    next_deadline = arch::timer::now() + period_;
    arch::timer::program(next_deadline);
    arch::timer::enable();
    return true;
}

void on_interrupt() {
    tick_count = tick_count + 1;
    scheduler::tick();
    isok::u64 now = arch::timer::now();
    next_deadline += period_;
    // After a long stall, skip missed periods instead of firing a burst of catch-up ticks.
    if (next_deadline <= now) next_deadline = now + period_;
    arch::timer::program(next_deadline);
}

isok::u64 ticks() { return tick_count; }
isok::u64 period() { return period_; }

} // namespace kernel::timer

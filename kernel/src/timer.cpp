// Periodic tick, plus one-shot wake-ups for guests' timers. Tick deadlines advance by
// a fixed period from the previous deadline, not from "now", so the rate does not
// drift with interrupt latency.
#include <arch/timer.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/timer.hpp>
#include <kernel/vcpu.hpp>

namespace kernel::timer {
namespace {
isok::u64 period_ = 0;
isok::u64 next_tick = ~isok::u64{0};
isok::u64 next_wakeup = ~isok::u64{0};
volatile isok::u64 tick_count = 0;

void program_next() { arch::timer::program(isok::min(next_tick, next_wakeup)); }
} // namespace

bool start(isok::u64 timebase_hz, isok::u64 hz) {
    if (hz == 0 || timebase_hz / hz == 0) return false;
    period_ = timebase_hz / hz;
    next_tick = arch::timer::now() + period_;
    program_next();
    arch::timer::enable();
    return true;
}

void wake_at(isok::u64 deadline) {
    if (deadline >= next_wakeup) return;
    next_wakeup = deadline;
    program_next();
}

void on_interrupt() {
    isok::u64 now = arch::timer::now();
    if (now >= next_tick) {
        tick_count = tick_count + 1;
        scheduler::tick();
        next_tick += period_;
        // After a long stall, skip missed periods instead of firing a burst of catch-up ticks.
        if (next_tick <= now) next_tick = now + period_;
    }
    next_wakeup = vcpu::on_timer(now);
    program_next();
}

isok::u64 ticks() { return tick_count; }

} // namespace kernel::timer

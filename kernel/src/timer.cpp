// Periodic tick, plus one-shot wake-ups for guests' timers. Tick deadlines advance by
// a fixed period from the previous deadline, not from "now", so the rate does not
// drift with interrupt latency.
#include <arch/timer.hpp>
#include <kernel/console.hpp>
#include <kernel/hart.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/timer.hpp>
#include <kernel/vcpu.hpp>

namespace kernel::timer {
namespace {
isok::u64 period_ = 0;
volatile isok::u64 tick_count = 0; // the boot hart's ticks: time since boot

// Each hart has its own timer: its tick and the wake-ups of its own vCPUs.
void program_next(Hart& h) { arch::timer::program(isok::min(h.next_tick, h.next_wakeup)); }
} // namespace

bool start(isok::u64 timebase_hz, isok::u64 hz) {
    if (hz == 0 || timebase_hz / hz == 0) return false;
    period_ = timebase_hz / hz;
    start_hart();
    return true;
}

void start_hart() {
    Hart& h = this_hart();
    h.next_tick = arch::timer::now() + period_;
    program_next(h);
    arch::timer::enable();
}

void wake_at(isok::u64 deadline) {
    Hart& h = this_hart();
    if (deadline >= h.next_wakeup) return;
    h.next_wakeup = deadline;
    program_next(h);
}

void on_interrupt() {
    Hart& h = this_hart();
    isok::u64 now = arch::timer::now();
    if (now >= h.next_tick) {
        if (h.index == 0) tick_count = tick_count + 1;
        scheduler::tick();
        console::tell_listener(); // kernel lines printed since
        h.next_tick += period_;
        // After a long stall, skip missed periods instead of firing a burst of catch-up ticks.
        if (h.next_tick <= now) h.next_tick = now + period_;
    }
    h.next_wakeup = vcpu::on_timer(now);
    program_next(h);
}

isok::u64 ticks() { return tick_count; }

} // namespace kernel::timer

// Tick counting: deadlines advance by a fixed interval from the first, and a
// deadline already past fires at once, so a late interrupt delays ticks but never
// loses one and the rate has no drift from interrupt latency.
#include "timer.hpp"

#include "console.hpp"
#include "csr.hpp"
#include "sbi.hpp"
#include "trap.hpp"

namespace mini::timer {
namespace {

Path path_in_use = Path::sbi;
u64 interval = 0;
u64 next_deadline = 0;
volatile u64 ticks = 0;
volatile u64 one_shot_arrival = 0; // interval 0: a single deadline is armed

void program(u64 deadline) {
    if (path_in_use == Path::sbi) sbi::set_timer(deadline);
    else csr::write_stimecmp(deadline);
}

void wait_ticks(u64 count) {
    for (u64 start = ticks; ticks - start < count;) csr::wait_for_interrupt();
}

u64 distance(u64 a, u64 b) { return a > b ? a - b : b - a; }

struct Span {
    u64 time = 0;
    u64 instructions = 0;
    u64 ticks = 0;
};

template <class F> Span measure(F&& body) {
    u64 t = ticks, time = csr::read_time(), instret = csr::read_instret();
    body();
    return {csr::read_time() - time, csr::read_instret() - instret, ticks - t};
}

} // namespace

void on_interrupt() {
    ticks = ticks + 1;
    if (interval == 0) {
        one_shot_arrival = csr::read_time();
        program(~u64(0));
        return;
    }
    next_deadline += interval;
    program(next_deadline);
}

u64 one_shot(u64 deadline, u64 patience) {
    interval = 0;
    one_shot_arrival = 0;
    path_in_use = Path::sbi;
    csr::set_sie(csr::sie_stie);
    program(deadline);
    csr::set_sstatus(csr::sstatus_sie);
    while (!one_shot_arrival && csr::read_time() < deadline + patience) {
    }
    csr::clear_sstatus(csr::sstatus_sie);
    csr::clear_sie(csr::sie_stie);
    return one_shot_arrival;
}

bool check(Path path, u64 timebase_hz) {
    const char* name = path == Path::sbi ? "timer sbi" : "timer sstc";
    if (path == Path::sstc) {
        trap::expect_fault();
        (void)csr::read_stimecmp();
        trap::Fault f = trap::take_fault();
        if (f.taken) return console::fail(name, "riscv,isa lists sstc but stimecmp traps (scause %lu)", f.cause);
    }
    interval = timebase_hz / rate_hz;
    if (interval == 0) return console::fail(name, "timebase %lu Hz is below %lu Hz", timebase_hz, rate_hz);

    path_in_use = path;
    ticks = 0;
    u64 first_deadline = next_deadline = csr::read_time() + interval;
    program(next_deadline);
    csr::set_sie(csr::sie_stie);
    csr::set_sstatus(csr::sstatus_sie);
    wait_ticks(1); // start on a tick
    Span wfi = measure([] { wait_ticks(wfi_ticks); });
    Span busy = measure([] {
        for (u64 start = csr::read_time(); csr::read_time() - start < busy_intervals * interval;) {
        }
    });
    u64 total = ticks, end = csr::read_time();
    csr::clear_sstatus(csr::sstatus_sie);
    csr::clear_sie(csr::sie_stie);
    program(~u64(0));

    u64 expected = wfi_ticks * interval;
    u64 millihertz = wfi.time ? wfi_ticks * timebase_hz * 1000 / wfi.time : 0;
    u64 deadlines_passed = end >= first_deadline ? (end - first_deadline) / interval + 1 : 0;
    console::line("%s: wanted %lu Hz (interval %lu at timebase %lu Hz), measured %lu.%03lu Hz over %u ticks in WFI",
                  name, rate_hz, interval, timebase_hz, millihertz / 1000, millihertz % 1000, wfi_ticks);
    console::line("%s: busy for %lu timebase ticks (%lu instructions): %lu ticks", name, busy.time, busy.instructions,
                  busy.ticks);
    if (distance(wfi.time, expected) > expected / 20)
        return console::fail(name, "%u ticks took %lu timebase ticks, expected %lu", wfi_ticks, wfi.time, expected);
    if (busy.ticks == 0) return console::fail(name, "no tick while busy for %lu timebase ticks", busy.time);
    if (total > deadlines_passed)
        return console::fail(name, "%lu ticks but only %lu deadlines passed", total, deadlines_passed);
    return console::pass(name);
}

} // namespace mini::timer

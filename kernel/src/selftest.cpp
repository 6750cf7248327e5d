// Self-tests of the test kernel (see selftest.hpp).
#include <arch/cpu.hpp>
#include <kernel/power.hpp>
#include <isok/string.hpp>
#include <kernel/console.hpp>
#include <kernel/selftest.hpp>
#include <kernel/timer.hpp>

namespace kernel::selftest {
namespace {

// Spins for a known number of retired instructions with the tick running and
// reports how many ticks arrived; the test derives the expected count from the
// instruction count (under -icount shift=0, one instruction is one nanosecond).
[[noreturn]] void timer_rate(const Platform& p) {
    constexpr isok::u64 hz = 1000;
    constexpr isok::u64 span = 50'000'000;
    if (!timer::start(p.timebase_hz, hz)) console::print("selftest timer: cannot tick at %lu Hz\n", hz);
    arch::enable_interrupts();
    isok::u64 first_tick = timer::ticks();
    while (timer::ticks() == first_tick) arch::wait_for_interrupt();
    isok::u64 start_ticks = timer::ticks(), start = arch::instructions_retired();
    while (arch::instructions_retired() - start < span) {
    }
    isok::u64 ticks = timer::ticks() - start_ticks, spent = arch::instructions_retired() - start;
    arch::disable_interrupts();
    console::print("selftest timer: ticks=%lu instructions=%lu hz=%lu timebase=%lu sstc=%d\n", ticks, spent, hz,
                   p.timebase_hz, int(p.has_sstc));
    power::off(false);
}

// A wild store from kernel code: must end in the panic report and a failing exit.
[[noreturn]] void wild_access() {
    console::print("selftest panic: storing to an unmapped kernel address\n");
    *reinterpret_cast<volatile isok::u64*>(0x10) = 0xdead;
    console::print("selftest panic: the store did not fault\n");
    power::off(false);
}

// A store into the kernel's own text: W^X means it faults.
[[noreturn]] void write_text() {
    console::print("selftest wx: storing into kernel text\n");
    auto* text = reinterpret_cast<volatile isok::u32*>(&write_text);
    *text = 0;
    console::print("selftest wx: kernel text is writable\n");
    power::off(false);
}

const char* requested(const char* bootargs) {
    for (const char* s = bootargs; *s; ++s)
        if ((s == bootargs || s[-1] == ' ') && isok::str_starts_with(s, "selftest=")) return s + 9;
    return nullptr;
}

bool is(const char* arg, const char* name) {
    return isok::str_starts_with(arg, name) && (arg[isok::str_length(name)] == 0 || arg[isok::str_length(name)] == ' ');
}

} // namespace

bool reveals_free_frames() { return true; }

void run_if_requested(const Platform& p) {
    const char* arg = requested(p.bootargs);
    if (!arg) return;
    if (is(arg, "timer")) timer_rate(p);
    if (is(arg, "panic")) wild_access();
    if (is(arg, "wx")) write_text();
    console::print("selftest: unknown test '%s'\n", arg);
    power::off(true);
}

} // namespace kernel::selftest

// vmbench: what the exact machine costs a guest, in instructions. Under QEMU with
// -icount shift=0, rdinstret counts every instruction the hart retires, the
// hypervisor's and the VMM's included, so an exit's figure is its whole round trip.
// Each figure is the best of `runs` runs (after a warm-up) minus the same loop with an
// empty body, divided by the iterations; lines are exactly "BENCH <name> <value> <unit>".
// On bare QEMU the exits go to the firmware instead: the figures mean nothing there.
#include "../mini/csr.hpp"
#include "../mini/trap.hpp"

#include <isok/guest/console.hpp>
#include <isok/guest/machine.hpp>
#include <isok/guest/sbi.hpp>
#include <isok/workload.hpp>

namespace {

using namespace isok;
using namespace isok::guest;

constexpr u64 iterations = 10000;
constexpr u64 warmup = 1000;
constexpr u64 runs = 3;
constexpr u64 uart_scr = 7; // scratch: a register every read of which the VMM answers
constexpr u64 uart_lsr = 5; // line status: answered by the kernel while the VMM allows it

Machine machine;

void say(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void say(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    console::vprint("vmbench: ", true, fmt, args);
    __builtin_va_end(args);
}

// Instructions for n calls of f after `warm` unmeasured ones, the least of `runs` tries.
template <class F> u64 measure(u64 n, u64 warm, F f) {
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < warm; ++i) f();
    u64 best = ~u64{0};
    for (u64 r = 0; r < runs; ++r) {
        u64 start = mini::csr::read_instret();
#pragma clang loop unroll(disable)
        for (u64 i = 0; i < n; ++i) f();
        u64 spent = mini::csr::read_instret() - start;
        if (spent < best) best = spent;
    }
    return best;
}

// The figure per iteration, rounded; never below zero when the body costs less than
// the empty loop's barrier (an MMIO read on bare QEMU can).
void bench(const char* name, u64 total, u64 empty, u64 n) {
    u64 spent = total > empty ? total - empty : 0;
    console::line("BENCH %s %lu instructions", name, (spent + n / 2) / n);
}

void empty_body() { asm volatile("" ::: "memory"); }

} // namespace

extern "C" void mini_trap(mini::TrapFrame& f) {
    say("unexpected trap: scause 0x%lx sepc 0x%lx stval 0x%lx", f.scause, f.sepc, f.stval);
    sbi::shutdown(true);
}

extern "C" [[noreturn]] void mini_main(u64 hart, u64 dtb) {
    console::init();
    if (const char* why = read_device_tree(hart, dtb, machine)) {
        say("device tree at 0x%lx unusable: %s", dtb, why);
        sbi::shutdown(true);
    }
    const Device* uart = machine.find("ns16550a");
    say("hart %lu, RAM 0x%lx-0x%lx, %s, console through %s", hart, machine.ram.base, machine.ram.end(),
        uart ? "a UART" : "no UART", console::uses_dbcn() ? "SBI DBCN" : "the legacy SBI putchar");

    // Exits: a deadline in the far future is the one set_timer that changes nothing.
    u64 empty = measure(iterations, warmup, empty_body);
    bench("vm_exit_sbi_time", measure(iterations, warmup, [] { (void)sbi::set_timer(~u64{0}); }), empty, iterations);
    if (uart) {
        auto scr = reinterpret_cast<volatile u8*>(uart->reg.base + uart_scr);
        bench("vm_exit_mmio", measure(iterations, warmup, [scr] { (void)*scr; }), empty, iterations);
        // The console's own register: the guest's poll before each character it writes.
        auto lsr = reinterpret_cast<volatile u8*>(uart->reg.base + uart_lsr);
        bench("vm_mmio_uart_status", measure(iterations, warmup, [lsr] { (void)*lsr; }), empty, iterations);
    } else {
        say("vm_exit_mmio skipped: no ns16550a in my device tree");
    }

    // The workload: one run per try, after a checked one (a wrong answer has no figure).
    u64 result = workload::run_measured(workload::default_rounds);
    if (result != workload::default_checksum) {
        say("workload result 0x%016lx, expected 0x%016lx", result, workload::default_checksum);
        sbi::shutdown(true);
    }
    u64 empty_once = measure(1, 0, empty_body);
    bench("vm_cpu_loop", measure(1, 0, [] { (void)workload::run_measured(workload::default_rounds); }), empty_once, 1);

    say("done: %lu iterations per exit figure, best of %lu runs, empty loop %lu instructions", iterations, runs, empty);
    sbi::shutdown(false);
}

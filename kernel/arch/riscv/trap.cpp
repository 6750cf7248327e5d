// Trap dispatch for traps taken in the kernel: interrupts go to their handlers,
// a probed instruction that traps is skipped, anything else is a kernel bug.
#include <arch/cpu.hpp>
#include <arch/exception_message.hpp>
#include <arch/interrupt.hpp>
#include <arch/trap_frame.hpp>
#include <kernel/console.hpp>
#include <kernel/panic.hpp>

extern "C" void trap_entry();

namespace arch {

namespace detail {
// Set while the kernel deliberately executes an instruction that may trap.
volatile bool probing = false;
volatile bool probe_trapped = false;
} // namespace detail

namespace {

const char* const register_names[32] = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
                                         "a1",   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
                                         "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};


[[noreturn]] void report_and_panic(const TrapFrame& f) {
    using kernel::console::print;
    print("\nKERNEL TRAP: %s (scause %lu)\n", exception_name(f.scause), f.scause);
    print("  sepc %016lx  stval %016lx  sstatus %016lx\n", f.sepc, f.stval, f.sstatus);
    for (int i = 1; i < 32; ++i) print("  %-4s %016lx%s", register_names[i], f.x[i], i % 4 == 3 ? "\n" : "");
    print("\n");
    kernel::panic("unexpected %s at sepc %lx, stval %lx", exception_name(f.scause), f.sepc, f.stval);
}

} // namespace

void install_trap_vector() { csr_write(stvec, reinterpret_cast<isok::u64>(&trap_entry)); }

bool hart_has_hypervisor() {
    return probe([] { (void)csr_read(CSR_HSTATUS); });
}

bool hart_has_sstc() {
    return probe([] { (void)csr_read(CSR_STIMECMP); });
}

} // namespace arch

extern "C" [[noreturn]] void kernel_stack_overflow(arch::TrapFrame* f) {
    kernel::console::print("\nKERNEL STACK OVERFLOW: sp %016lx\n", f->x[2]);
    arch::report_and_panic(*f);
}

extern "C" void trap_from_kernel(arch::TrapFrame* f) {
    if (f->scause & arch::csr::scause_interrupt) {
        arch::interrupt::handle(f->scause & ~arch::csr::scause_interrupt);
        return;
    }
    if (arch::detail::probing) {
        arch::detail::probe_trapped = true;
        f->sepc += 4; // probed instructions are never compressed
        return;
    }
    arch::report_and_panic(*f);
}

// Traps from user mode (or from a guest, for a vCPU): a system call, an interrupt, an
// exception of the thread or a VM exit, both of which go to the handler. Every path
// leaves through the scheduler.
#include <arch/csr.hpp>
#include <arch/interrupt.hpp>
#include <arch/vm_exit.hpp>
#include <kernel/exception.hpp>
#include <kernel/fastpath.hpp>
#include <kernel/hart.hpp>
#include <kernel/kernel_lock.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/syscall.hpp>

namespace {
constexpr isok::u64 cause_user_ecall = 8;
}

extern "C" [[noreturn]] void trap_from_user(arch::TrapFrame* frame) {
    kernel::Hart& self = kernel::this_hart();
    if (self.shared) {
        kernel::kernel_lock::acquire();
        // Another hart took the thread away while this one waited for the lock: whatever
        // it trapped for happens again when it next runs (sepc was not moved).
        if (!self.running || &self.running->frame() != frame) kernel::scheduler::exit_to_user();
    }
    kernel::Thread& t = *self.running;
    kernel::scheduler::save_fpu_if_dirty(t);
    if (t.vcpu) {
        arch::handle_guest_trap(t, csr_read(CSR_HTVAL), csr_read(CSR_HTINST));
        kernel::scheduler::exit_to_user();
    }
    isok::u64 cause = frame->scause;
    if (cause == cause_user_ecall && kernel::fastpath::applies(frame->a(7))) kernel::fastpath::try_ipc(t);
    if (cause == cause_user_ecall) {
        kernel::handle_syscall(t);
        kernel::scheduler::return_to(t);
    }
    if (cause & arch::csr::scause_interrupt)
        arch::interrupt::handle(cause & ~arch::csr::scause_interrupt);
    else
        kernel::raise_exception(t);
    kernel::scheduler::exit_to_user();
}

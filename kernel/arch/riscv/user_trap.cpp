// Traps from user mode: a system call, an interrupt, or an exception of the thread,
// which goes to its handler. Every path leaves through the scheduler.
#include <arch/csr.hpp>
#include <arch/interrupt.hpp>
#include <kernel/exception.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/syscall.hpp>

namespace {
constexpr isok::u64 cause_user_ecall = 8;
}

extern "C" [[noreturn]] void trap_from_user(arch::TrapFrame* frame) {
    kernel::Thread& t = *kernel::scheduler::current();
    kernel::scheduler::save_fpu_if_dirty(t);
    isok::u64 cause = frame->scause;
    if (cause & arch::csr::scause_interrupt)
        arch::interrupt::handle(cause & ~arch::csr::scause_interrupt);
    else if (cause == cause_user_ecall)
        kernel::handle_syscall(t);
    else
        kernel::raise_exception(t, cause, frame->sepc, frame->stval);
    kernel::scheduler::exit_to_user();
}

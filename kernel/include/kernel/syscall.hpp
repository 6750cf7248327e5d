// System-call dispatch: one table entry per call of isok::abi::Syscall, one small
// handler per call, grouped by concept in the syscall_*.cpp files.
#pragma once
#include <kernel/endpoint.hpp>

namespace kernel {

using SyscallHandler = Error (*)(Thread& caller, arch::TrapFrame& args);

void handle_syscall(Thread& caller);

// Handlers (declared here so the table in syscall.cpp can name them).
Error sys_debug_write(Thread&, arch::TrapFrame&);
Error sys_yield(Thread&, arch::TrapFrame&);
Error sys_exit(Thread&, arch::TrapFrame&);
Error sys_send(Thread&, arch::TrapFrame&);
Error sys_receive(Thread&, arch::TrapFrame&);
Error sys_call(Thread&, arch::TrapFrame&);
Error sys_reply(Thread&, arch::TrapFrame&);
Error sys_reply_receive(Thread&, arch::TrapFrame&);
Error sys_signal(Thread&, arch::TrapFrame&);
Error sys_wait(Thread&, arch::TrapFrame&);
Error sys_poll(Thread&, arch::TrapFrame&);
Error sys_create(Thread&, arch::TrapFrame&);
Error sys_destroy(Thread&, arch::TrapFrame&);
Error sys_cap_copy(Thread&, arch::TrapFrame&);
Error sys_cap_delete(Thread&, arch::TrapFrame&);
Error sys_revoke(Thread&, arch::TrapFrame&);
Error sys_map(Thread&, arch::TrapFrame&);
Error sys_unmap(Thread&, arch::TrapFrame&);
Error sys_thread_control(Thread&, arch::TrapFrame&);
Error sys_domain_info(Thread&, arch::TrapFrame&);
Error sys_null(Thread&, arch::TrapFrame&);
Error sys_interrupt_control(Thread&, arch::TrapFrame&);
Error sys_memory_info(Thread&, arch::TrapFrame&);
Error sys_hart_info(Thread&, arch::TrapFrame&);
Error sys_guest_console(Thread&, arch::TrapFrame&);
Error sys_console_log(Thread&, arch::TrapFrame&);
Error sys_domain_stats(Thread&, arch::TrapFrame&);

} // namespace kernel

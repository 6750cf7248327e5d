// The system-call table. Adding a call is adding its number to abi.hpp, a handler,
// and one line here.
#include <kernel/hart.hpp>
#include <kernel/reclaim.hpp>
#include <kernel/syscall.hpp>

namespace kernel {
namespace {

using isok::abi::Syscall;

struct Entry {
    Syscall number;
    SyscallHandler handler;
};

constexpr Entry entries[] = {
    {Syscall::debug_write, sys_debug_write},
    {Syscall::yield, sys_yield},
    {Syscall::exit, sys_exit},
    {Syscall::send, sys_send},
    {Syscall::receive, sys_receive},
    {Syscall::call, sys_call},
    {Syscall::reply, sys_reply},
    {Syscall::reply_receive, sys_reply_receive},
    {Syscall::signal, sys_signal},
    {Syscall::wait, sys_wait},
    {Syscall::create, sys_create},
    {Syscall::destroy, sys_destroy},
    {Syscall::cap_copy, sys_cap_copy},
    {Syscall::cap_delete, sys_cap_delete},
    {Syscall::map, sys_map},
    {Syscall::unmap, sys_unmap},
    {Syscall::thread_control, sys_thread_control},
    {Syscall::domain_info, sys_domain_info},
    {Syscall::poll, sys_poll},
    {Syscall::null, sys_null},
    {Syscall::interrupt_control, sys_interrupt_control},
    {Syscall::memory_info, sys_memory_info},
    {Syscall::hart_info, sys_hart_info},
    {Syscall::guest_console, sys_guest_console},
    {Syscall::console_log, sys_console_log},
    {Syscall::domain_stats, sys_domain_stats},
    {Syscall::revoke, sys_revoke},
};

constexpr usize table_size = usize(Syscall::count);

// The table is built at compile time from the list, so its order cannot go wrong.
struct Table {
    SyscallHandler handlers[table_size] = {};
    constexpr Table() {
        for (const Entry& e : entries) handlers[usize(e.number)] = e.handler;
    }
};
constexpr Table table;

static_assert(sizeof(entries) / sizeof(entries[0]) == table_size, "every system call has a handler");

} // namespace

void handle_syscall(Thread& caller) {
    arch::TrapFrame& f = caller.frame();
    f.sepc += 4; // resume after the ecall, whether the call returns now or after blocking
    u64 number = f.a(7);
    Error e = number < table_size ? table.handlers[number](caller, f) : Error::bad_syscall;
    // What the call left without a capability or a mapping goes before user mode runs;
    // the caller may be among it (the only other way a call destroys its caller, destroy
    // on itself, returns blocked).
    if (reclaim::pending()) [[unlikely]] {
        Hart& self = this_hart();
        self.in_syscall = &caller;
        reclaim::run();
        bool alive = self.in_syscall == &caller;
        self.in_syscall = nullptr;
        if (!alive) return;
    }
    if (e != blocked) f.a(0) = u64(e);
}

} // namespace kernel

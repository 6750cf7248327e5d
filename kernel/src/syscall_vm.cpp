// System calls for a VMM about its VM beyond its vCPUs (which are threads): the
// guest's console output, kept by the kernel (guest_console.cpp).
#include <kernel/guest_console.hpp>
#include <kernel/syscall.hpp>
#include <kernel/user_memory.hpp>

namespace kernel {
namespace {
namespace abi = isok::abi;

// The bytes leave the kernel only once they are in the VMM's buffer: a bad buffer loses none.
Error take_output(Thread& t, GuestConsole& c, u64 to, u64 length) {
    usize n = length < c.count ? usize(length) : c.count;
    if (Error e = copy_to_user(*t.domain, to, c.bytes, n); e != Error::ok) return e;
    guest_console::forget(c, n);
    t.frame().a(1) = n;
    return Error::ok;
}

} // namespace

Error sys_guest_console(Thread& t, arch::TrapFrame& f) {
    auto vm = t.domain->caps.find<Domain>(f.a(0), abi::rights::control);
    if (!vm) return vm.error();
    if (!(*vm)->is_guest()) return Error::wrong_type;
    GuestConsole& c = (*vm)->console;
    switch (abi::GuestConsoleOp(f.a(1))) {
    case abi::GuestConsoleOp::place:
        if (f.a(2) >= abi::guest_space_end) return Error::bad_argument;
        guest_console::place(c, f.a(2));
        return Error::ok;
    case abi::GuestConsoleOp::allow: return guest_console::allow(c, f.a(2), f.a(3)) ? Error::ok : Error::bad_argument;
    case abi::GuestConsoleOp::take: return take_output(t, c, f.a(2), f.a(3));
    }
    return Error::bad_argument;
}

} // namespace kernel

// Thread system calls: configure and start threads, yield, exit, debug output.
#include <kernel/hart.hpp>
#include <kernel/console.hpp>
#include <kernel/console_log.hpp>
#include <kernel/exception.hpp>
#include <kernel/notification.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/syscall.hpp>
#include <kernel/user_memory.hpp>
#include <kernel/vcpu.hpp>

namespace kernel {
namespace {

namespace rights = isok::abi::rights;
using isok::abi::ThreadOp;

constexpr u64 max_debug_write = 512;
constexpr u64 max_time_slice = 1000;

// For a vCPU the second and third arguments are the guest's a0 and a1, as firmware
// hands them to an OS (hart id, device tree).
Error set_registers(Thread& target, u64 pc, u64 sp, u64 arg) {
    if (target.state != ThreadState::inactive) return Error::bad_state;
    // Fresh registers are zero FPU registers too, not what the thread had before.
    scheduler::forget_fpu(target);
    if (target.vcpu) {
        // A vCPU starts as a hart out of reset (SBI HSM): no VS state of its earlier run,
        // wherever that is still loaded.
        harts::unload_vcpu(target.guest);
        target.guest = arch::VcpuState{};
        arch::init_guest_context(target.context, pc, sp, arg);
        return Error::ok;
    }
    if (pc >= isok::abi::user_space_end || sp >= isok::abi::user_space_end) return Error::bad_address;
    target.context.init(pc, sp, arg);
    return Error::ok;
}

Error set_exception_handler(Thread& caller, Thread& target, u64 slot) {
    if (slot == ~u64{0}) {
        cap_delete(target.exception_handler);
        return Error::ok;
    }
    auto cap = caller.domain->caps.lookup(slot, ObjectType::endpoint, rights::write);
    if (!cap) return cap.error();
    // The thread holds a capability derived from the caller's: revoking that takes it too.
    cap_delete(target.exception_handler);
    cap_derive(target.exception_handler, **cap, (*cap)->rights, (*cap)->badge);
    return Error::ok;
}

// The notification comes from the caller's capability space, like a handler endpoint.
Error bind_notification(Thread& caller, Thread& target, u64 slot) {
    if (slot == isok::abi::no_slot) return notification_bind(target, nullptr);
    auto n = caller.domain->caps.find<Notification>(slot, rights::read);
    if (!n) return n.error();
    return notification_bind(target, *n);
}

Error set_ipc_buffer(Thread& target, u64 address) {
    if (address == 0) {
        target.ipc_buffer = 0;
        return Error::ok;
    }
    if (!isok::is_aligned(address, frame_size) || !user_page(*target.domain, address, true))
        return Error::bad_address;
    target.ipc_buffer = address;
    return Error::ok;
}

Error start(Thread& target) {
    if (target.state != ThreadState::inactive) return Error::bad_state;
    target.slice_left = target.time_slice;
    scheduler::make_ready(target);
    return Error::ok;
}

} // namespace

Error sys_thread_control(Thread& t, arch::TrapFrame& f) {
    auto target = t.domain->caps.find<Thread>(f.a(0), rights::control);
    if (!target) return target.error();
    Thread& th = **target;
    if (th.state == ThreadState::dead) return Error::dead;
    u64 a = f.a(2), b = f.a(3), c = f.a(4);
    switch (ThreadOp(f.a(1))) {
    case ThreadOp::set_registers: return set_registers(th, a, b, c);
    case ThreadOp::set_priority:
        // Never above the maximum of the domain asking, nor of the thread's own domain.
        if (Error e = check_priority(*t.domain, *th.domain, a); e != Error::ok) return e;
        scheduler::set_priority(th, isok::u8(a));
        return Error::ok;
    case ThreadOp::set_ipc_buffer: return set_ipc_buffer(th, a);
    case ThreadOp::set_exception_handler: return set_exception_handler(t, th, a);
    case ThreadOp::start: return start(th);
    case ThreadOp::stop:
        stop_thread(th);
        return &th == &t ? blocked : Error::ok;
    case ThreadOp::raise_interrupts:
        if (!th.vcpu) return Error::wrong_type;
        vcpu::raise(th, a);
        return Error::ok;
    case ThreadOp::lower_interrupts:
        if (!th.vcpu) return Error::wrong_type;
        vcpu::lower(th, a);
        return Error::ok;
    case ThreadOp::fence_guest:
        if (!th.vcpu) return Error::wrong_type;
        vcpu::fence(th);
        return Error::ok;
    case ThreadOp::bind_notification: return bind_notification(t, th, a);
    case ThreadOp::set_hart:
        if (a >= hart_count() || !hart(a).online) return Error::bad_argument;
        scheduler::set_hart(th, u32(a));
        return Error::ok;
    case ThreadOp::set_time_slice:
        if (a == 0 || a > max_time_slice) return Error::bad_argument;
        th.time_slice = u32(a);
        return Error::ok;
    }
    return Error::bad_argument;
}

Error sys_null(Thread&, arch::TrapFrame&) { return Error::ok; }

Error sys_hart_info(Thread&, arch::TrapFrame& f) {
    usize online = 0;
    for (usize i = 0; i < hart_count(); ++i) online += hart(i).online ? 1 : 0;
    f.a(1) = this_hart().index;
    f.a(2) = online;
    f.a(3) = this_hart().device_interrupts;
    return Error::ok;
}

Error sys_yield(Thread& t, arch::TrapFrame&) {
    scheduler::yield(t);
    return Error::ok;
}

Error sys_exit(Thread& t, arch::TrapFrame& f) {
    if (f.a(0) != 0) console::print("kernel: thread %u of domain %u exited with code %ld\n", t.id, t.domain->id, long(f.a(0)));
    exit_thread(t, f.a(0));
    return blocked;
}

Error sys_debug_write(Thread& t, arch::TrapFrame& f) {
    u64 length = f.a(1);
    if (length > max_debug_write) return Error::bad_argument;
    char text[max_debug_write + 1];
    if (Error e = copy_from_user(*t.domain, text, f.a(0), length); e != Error::ok) return e;
    // A line that does not fit into the console service's log is refused whole, not cut:
    // the writer may wait and try again.
    if (console_log::claimed() && !console_log::fits(t.domain->id, length)) return Error::would_block;
    console::write_as(t.domain->id, text, length);
    console::tell_listener();
    return Error::ok;
}

} // namespace kernel

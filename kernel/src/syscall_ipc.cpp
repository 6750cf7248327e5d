// IPC system calls: capability checks, then the endpoint and notification operations.
#include <kernel/domain.hpp>
#include <kernel/notification.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/syscall.hpp>

namespace kernel {
namespace {

namespace rights = isok::abi::rights;

Error send(Thread& t, arch::TrapFrame& f, bool call) {
    auto cap = t.domain->caps.lookup(f.a(0), ObjectType::endpoint, rights::write);
    if (!cap) return cap.error();
    return ipc_send(t, **cap, call);
}

// Receives go through a capability with read; its grant right decides whether the reply
// to what arrives may carry capabilities back, as a send's grant does for the message.
Error receive(Thread& t, u64 slot, bool reply_first) {
    auto cap = t.domain->caps.lookup(slot, ObjectType::endpoint, rights::read);
    if (!cap) return cap.error();
    auto& ep = static_cast<Endpoint&>(*(*cap)->object);
    bool grant = (*cap)->has(rights::grant);
    return reply_first ? ipc_reply_receive(t, ep, grant) : ipc_receive(t, ep, grant);
}

} // namespace

Error sys_send(Thread& t, arch::TrapFrame& f) { return send(t, f, false); }
Error sys_call(Thread& t, arch::TrapFrame& f) { return send(t, f, true); }
Error sys_receive(Thread& t, arch::TrapFrame& f) { return receive(t, f.a(0), false); }
Error sys_reply(Thread& t, arch::TrapFrame&) { return ipc_reply(t); }

// The endpoint is checked first, so a bad slot does not leave the reply half done.
Error sys_reply_receive(Thread& t, arch::TrapFrame& f) { return receive(t, f.a(0), true); }

Error sys_signal(Thread& t, arch::TrapFrame& f) {
    auto cap = t.domain->caps.lookup(f.a(0), ObjectType::notification, rights::write);
    if (!cap) return cap.error();
    notification_signal(static_cast<Notification&>(*(*cap)->object), (*cap)->badge);
    return Error::ok;
}

Error sys_wait(Thread& t, arch::TrapFrame& f) {
    auto n = t.domain->caps.find<Notification>(f.a(0), rights::read);
    if (!n) return n.error();
    return notification_wait(t, **n);
}

Error sys_poll(Thread& t, arch::TrapFrame& f) {
    auto n = t.domain->caps.find<Notification>(f.a(0), rights::read);
    if (!n) return n.error();
    return notification_poll(t, **n);
}

} // namespace kernel

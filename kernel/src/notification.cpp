// Notifications (see notification.hpp).
#include <kernel/domain.hpp>
#include <kernel/endpoint.hpp>
#include <kernel/assert.hpp>
#include <kernel/notification.hpp>
#include <kernel/scheduler.hpp>

namespace kernel {

namespace {

using R = MessageRegisters;

// The pending bits go to t, and count once as interrupts of t's domain: the thread that
// takes them, not the domain that paid for the notification (often the root, which makes
// a service's notifications), is the one signalled. Signals that coalesce count once.
u64 take_bits(Thread& t, Notification& n) {
    u64 bits = n.bits;
    n.bits = 0;
    ++t.counters.interrupts;
    return bits;
}

// The bits as a message from no one, in the registers a receive returns in.
void deliver_bits(Thread& t, Notification& n) {
    arch::TrapFrame& f = t.frame();
    f.a(0) = u64(Error::ok);
    f.a(R::info) = isok::abi::message_info(isok::abi::notification_label, 0);
    f.a(R::word0) = take_bits(t, n);
    for (u64 i = 1; i < isok::abi::register_words; ++i) f.a(R::word0 + i) = 0;
    f.a(R::badge) = 0;
}

} // namespace

void notification_signal(Notification& n, u64 badge) {
    n.bits |= badge ? badge : 1;
    // The first waiter takes every pending bit.
    if (Thread* t = n.waiters.pop_front()) {
        t->frame().a(0) = u64(Error::ok);
        t->frame().a(1) = take_bits(*t, n);
        scheduler::make_ready(*t);
        return;
    }
    // Or the bound thread, if it is waiting for a message.
    Thread* b = n.bound_thread;
    if (b && b->state == ThreadState::blocked_receive && !b->caller) {
        Thread* orphan = ipc_cancel(*b);
        KERNEL_ASSERT(!orphan); // b has no caller
        deliver_bits(*b, n);
        scheduler::make_ready(*b);
    }
}

bool notification_take_bound(Thread& t) {
    if (!bound_bits_pending(t)) return false;
    deliver_bits(t, *t.bound_notification);
    return true;
}

Error notification_bind(Thread& t, Notification* n) {
    if (n && n->bound_thread && n->bound_thread != &t) return Error::busy;
    if (t.bound_notification) t.bound_notification->bound_thread = nullptr;
    t.bound_notification = n;
    if (n) n->bound_thread = &t;
    return Error::ok;
}

Error notification_wait(Thread& t, Notification& n) {
    if (n.bits) {
        t.frame().a(1) = take_bits(t, n);
        return Error::ok;
    }
    scheduler::remove(t, ThreadState::blocked_wait);
    n.waiters.push_back(t);
    return blocked;
}

Error notification_poll(Thread& t, Notification& n) {
    if (!n.bits) return Error::would_block;
    t.frame().a(1) = take_bits(t, n);
    return Error::ok;
}

void notification_cancel(Thread& t) {
    if (t.state == ThreadState::blocked_wait && t.queue) t.queue->remove(t);
}

void destroy_notification(Notification& n) {
    if (n.bound_thread) n.bound_thread->bound_notification = nullptr;
    n.bound_thread = nullptr;
    while (Thread* t = n.waiters.pop_front()) {
        t->frame().a(0) = u64(Error::stale);
        scheduler::make_ready(*t);
    }
    release_object(n, sizeof(Notification));
}

} // namespace kernel

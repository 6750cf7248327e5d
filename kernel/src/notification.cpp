// Notifications (see notification.hpp).
#include <kernel/domain.hpp>
#include <kernel/endpoint.hpp>
#include <kernel/notification.hpp>
#include <kernel/scheduler.hpp>

namespace kernel {

void notification_signal(Notification& n, u64 badge) {
    n.bits |= badge ? badge : 1;
    // The first waiter takes every pending bit.
    if (Thread* t = n.waiters.pop_front()) {
        t->frame().a(0) = u64(Error::ok);
        t->frame().a(1) = n.bits;
        n.bits = 0;
        scheduler::make_ready(*t);
    }
}

Error notification_wait(Thread& t, Notification& n) {
    if (n.bits) {
        t.frame().a(1) = n.bits;
        n.bits = 0;
        return Error::ok;
    }
    scheduler::remove(t, ThreadState::blocked_wait);
    n.waiters.push_back(t);
    return blocked;
}

Error notification_poll(Thread& t, Notification& n) {
    if (!n.bits) return Error::would_block;
    t.frame().a(1) = n.bits;
    n.bits = 0;
    return Error::ok;
}

void notification_cancel(Thread& t) {
    if (t.state == ThreadState::blocked_wait && t.queue) t.queue->remove(t);
}

void destroy_notification(Notification& n) {
    while (Thread* t = n.waiters.pop_front()) {
        t->frame().a(0) = u64(Error::stale);
        scheduler::make_ready(*t);
    }
    release_object(n, sizeof(Notification));
}

} // namespace kernel

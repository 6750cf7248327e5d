// Notifications: a word of bits that signals OR in and a wait takes out. The
// asynchronous half of IPC, and the shape interrupts will take for user drivers.
#pragma once
#include <kernel/thread.hpp>

namespace kernel {

class Notification : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::notification;
    u64 bits = 0;
    ThreadQueue waiters;
    Thread* bound_thread = nullptr; // receives the bits through its endpoint receives
};

// Signals with the capability's badge as the bits (1 when unbadged).
void notification_signal(Notification& n, u64 badge);
// Takes the pending bits, or blocks the thread until there are some.
Error notification_wait(Thread& t, Notification& n);
Error notification_poll(Thread& t, Notification& n);
void notification_cancel(Thread& t);
// Binds n to t (nullptr: unbinds t's); busy when n is bound to another thread.
Error notification_bind(Thread& t, Notification* n);
// Whether the thread's bound notification has bits for its next receive.
inline bool bound_bits_pending(const Thread& t) { return t.bound_notification && t.bound_notification->bits; }
// For a thread about to receive: when its bound notification has bits, they become
// the received message (abi::notification_label) and the thread need not block.
bool notification_take_bound(Thread& t);
void destroy_notification(Notification& n);

} // namespace kernel

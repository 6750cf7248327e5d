// Intrusive thread FIFOs used by the ready queues, endpoints and notifications.
#include <kernel/assert.hpp>
#include <kernel/thread.hpp>

namespace kernel {

void ThreadQueue::push_back(Thread& t) {
    KERNEL_ASSERT(t.queue == nullptr);
    t.queue = this;
    t.queue_next = nullptr;
    t.queue_prev = tail_;
    if (tail_)
        tail_->queue_next = &t;
    else
        head_ = &t;
    tail_ = &t;
}

Thread* ThreadQueue::pop_front() {
    Thread* t = head_;
    if (t) remove(*t);
    return t;
}

void ThreadQueue::remove(Thread& t) {
    KERNEL_ASSERT(t.queue == this);
    if (t.queue_prev)
        t.queue_prev->queue_next = t.queue_next;
    else
        head_ = t.queue_next;
    if (t.queue_next)
        t.queue_next->queue_prev = t.queue_prev;
    else
        tail_ = t.queue_prev;
    t.queue = nullptr;
    t.queue_prev = t.queue_next = nullptr;
}

} // namespace kernel

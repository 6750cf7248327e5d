// Typed bytes waiting for one domain: a bounded queue that drops what does not fit and
// counts it, so that a domain that never reads costs nobody else anything.
#pragma once
#include <isok/console.hpp>
#include <isok/types.hpp>

namespace consoled {

using isok::u64;
using isok::u8;
using isok::usize;

class InputQueue {
public:
    static constexpr usize capacity = isok::console::queue_bytes;

    // Queues the byte, or drops it and counts it when the queue is full.
    void push(u8 byte);
    // Moves up to max of the oldest bytes to out; returns how many.
    usize pop(u8* out, usize max);

    usize size() const { return count_; }
    u64 delivered() const { return delivered_; } // bytes the domain has taken
    u64 dropped() const { return dropped_; }

private:
    u8 bytes_[capacity] = {};
    usize head_ = 0, count_ = 0;
    u64 delivered_ = 0, dropped_ = 0;
};

} // namespace consoled

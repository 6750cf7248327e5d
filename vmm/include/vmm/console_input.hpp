// The VM's typed input on its way to the guest: bytes from the console service wait here
// until one of the guest's consoles (UART, virtio-console, SBI getchar or DBCN read)
// takes them, oldest first, so that whichever console the guest reads sees them in order.
#pragma once
#include <isok/types.hpp>

namespace isok::vmm {

class ConsoleInput {
public:
    static constexpr usize capacity = 1024;

    // Takes the first bytes that fit, in order; the others are refused and counted as
    // dropped (the caller keeps them if it can). Returns how many were taken.
    usize push(const u8* bytes, usize n);
    // The next byte, or false when none waits.
    bool take(u8& byte);
    // Moves up to max bytes to out, oldest first; returns how many.
    usize take(u8* out, usize max);
    // The same in two steps, for a console that learns only after copying how many
    // bytes its buffer took: copies without taking, then takes the first n.
    usize peek(u8* out, usize max) const;
    void skip(usize n);

    usize size() const { return count_; }
    bool empty() const { return count_ == 0; }
    usize room() const { return capacity - count_; }
    u64 dropped() const { return dropped_; }

    // A reader that takes every byte as it comes (a UART whose driver enabled its receive
    // interrupt) claims the input: consoles that would only stock it up in advance
    // (virtio-console's receive buffers) leave it alone meanwhile, so that a paste does
    // not end up split between two terminals.
    void claim(bool claimed) {
        if (claimed == claimed_) return;
        claimed_ = claimed;
        changed_ = true;
    }
    bool claimed() const { return claimed_; }

    // Bytes came or went, or the claim changed, since the last call: the consoles that
    // watch the input (LSR's data-ready bit, waiting receive buffers) must look again.
    bool changed() {
        bool c = changed_;
        changed_ = false;
        return c;
    }

private:
    u8 bytes_[capacity] = {};
    usize head_ = 0, count_ = 0;
    u64 dropped_ = 0;
    bool claimed_ = false;
    bool changed_ = false;
};

} // namespace isok::vmm

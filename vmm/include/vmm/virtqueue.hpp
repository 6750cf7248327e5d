// Split virtqueues (virtio 1.1, section 2.6), device side. Everything in the rings is
// written by the guest, so each descriptor is copied out once, checked (index, bounds
// against guest RAM, order, loops, length) and only then used. A queue that breaks a
// rule reports an error and the transport asks the driver for a device reset (or, for
// a device that answers request by request, only the bad chain is refused: take); the
// VMM itself never trusts, and never crashes on, ring contents.
#pragma once
#include <isok/result.hpp>
#include <isok/types.hpp>
#include <isok/virtio/ring.hpp>
#include <vmm/guest_memory.hpp>

namespace isok::vmm {

enum class QueueError : u8 {
    bad_layout = 1,  // size not a power of two in 1..max_size, rings misaligned or outside RAM
    bad_avail_index, // the driver claims more new buffers than the queue holds
    bad_index,       // a head or next index outside the descriptor table
    out_of_bounds,   // a buffer outside guest RAM
    loop,            // a chain that comes back to one of its descriptors
    too_long,        // a chain with more than max_chain descriptors
    bad_order,       // a device-readable descriptor after a device-writable one
    indirect,        // an indirect descriptor (VIRTIO_F_INDIRECT_DESC is not offered)
    unreadable,      // a ring entry could not be read or written (guest RAM changed under us)
};

const char* describe(QueueError e);

struct Segment {
    u64 address;
    u32 length;
    bool writable; // device-writable
};

// One available buffer: its descriptors, copied and checked.
struct Chain {
    static constexpr usize max_segments = 32;
    u16 head = 0;
    usize count = 0;
    Segment segment[max_segments];

    // Copies up to `length` device-readable bytes starting `offset` bytes into them;
    // returns how many were copied.
    u64 read(const GuestMemory& ram, u64 offset, void* out, u64 length) const;
    // Copies into the device-writable part; returns how many bytes fitted.
    u64 write(const GuestMemory& ram, u64 offset, const void* data, u64 length) const;
    // Sizes of the two parts (at most max_segments * 4 GiB: no overflow).
    u64 readable_bytes() const { return bytes(false); }
    u64 writable_bytes() const { return bytes(true); }

private:
    u64 bytes(bool writable) const;
    template <class Copy> u64 walk(bool writable, u64 offset, u64 length, Copy copy) const;
};

class Virtqueue {
public:
    static constexpr u16 max_size = 256;

    // Configuration, as the transport's registers set it.
    u32 size = 0;
    u64 desc = 0;   // descriptor table
    u64 driver = 0; // available ring
    u64 device = 0; // used ring
    bool ready = false;

    void reset();
    // The layout the driver set up is usable: checked once when it marks the queue ready.
    Status<QueueError> check_layout(const GuestMemory& ram) const;

    // The next available chain: true with `chain` filled, false when there is none.
    Result<bool, QueueError> pop(const GuestMemory& ram, Chain& chain);
    // Like pop, but a chain whose descriptors break a rule (a next index outside the
    // table, a buffer outside RAM, a loop, too many descriptors, bad order, indirect) is
    // taken off the ring and reported in `broken`, with only chain.head valid: a device
    // that answers per request hands it back and goes on with the next one. Only errors
    // of the ring itself (available index, a head outside the table) fail.
    struct Taken {
        bool got = false;
        QueueError broken{}; // 0: the chain is whole
    };
    Result<Taken, QueueError> take(const GuestMemory& ram, Chain& chain);
    // The driver has made buffers available that were not taken yet (or the ring cannot
    // be read, which the next pop or take reports).
    bool has_available(const GuestMemory& ram) const;
    // Returns a chain to the driver with `written` bytes written into it.
    Status<QueueError> push(const GuestMemory& ram, u16 head, u32 written);
    // The driver wants an interrupt for used buffers (VIRTQ_AVAIL_F_NO_INTERRUPT clear).
    bool wants_interrupt(const GuestMemory& ram) const;

private:
    Status<QueueError> read_chain(const GuestMemory& ram, u16 head, Chain& chain) const;
    // The head of the next available chain, or false when there is none.
    Result<bool, QueueError> next_head(const GuestMemory& ram, u16& head) const;

    u16 last_avail_ = 0; // next available ring entry to take
    u16 used_idx_ = 0;   // next used ring entry to fill
};

} // namespace isok::vmm

// A split virtqueue, driver side (virtio 1.1, 2.6): the rings live in DMA memory the
// device reads and writes, so what it writes back (the used ring) is checked before it
// is believed. The driver keeps its own record of the chains in flight and never reads
// descriptors back from shared memory.
#pragma once
#include <blockd/device_access.hpp>
#include <isok/result.hpp>
#include <isok/types.hpp>
#include <isok/virtio/ring.hpp>

namespace isok::blockd {

enum class QueueError : u8 {
    bad_size = 1,  // size not a power of two in 1..max_size
    too_small,     // the rings do not fit in the memory given
    full,          // not enough free descriptors for the chain
    bad_chain,     // an empty chain, or one longer than max_chain
    bad_used_index, // the device claims more used buffers than are in flight
    bad_used_id,   // a used entry names no chain in flight
};

const char* describe(QueueError e);

// One buffer of a chain, as the device sees it.
struct QueueBuffer {
    u64 physical;
    u32 length;
    bool device_writes;
};

// A chain the device has finished with: its head and the bytes it wrote into it.
struct UsedChain {
    u16 head;
    u32 written;
};

class SplitQueue {
public:
    static constexpr u16 max_size = 16;
    static constexpr usize max_chain = 4;

    // Bytes the three rings of a queue of `size` take (descriptor table, then the
    // available ring, then the used ring at its 4-byte alignment).
    static constexpr u64 ring_bytes(u16 size) { return used_offset(size) + virtio::used_bytes(size); }

    // Lays the rings out at the start of `area` (which must be 16-byte aligned) and
    // clears them; the queue is empty afterwards.
    Status<QueueError> init(DmaArea area, u16 size);

    u16 size() const { return size_; }
    u64 desc_physical() const { return area_.physical; }
    u64 avail_physical() const { return area_.physical + avail_offset(size_); }
    u64 used_physical() const { return area_.physical + used_offset(size_); }
    u16 in_flight() const { return in_flight_; }

    // Puts a chain on the available ring and returns its head; the device learns of it
    // when the driver notifies the queue.
    Result<u16, QueueError> submit(const QueueBuffer* buffers, usize count);
    // The next chain the device has used: true with `out` filled, false when none.
    Result<bool, QueueError> take_used(UsedChain& out);

private:
    static constexpr u64 avail_offset(u16 size) { return virtio::desc_table_bytes(size); }
    static constexpr u64 used_offset(u16 size) {
        return align_up(avail_offset(size) + virtio::avail_bytes(size), virtio::used_align);
    }
    u8* at(u64 offset) const { return area_.virt + offset; }
    void write_descriptor(u16 index, const QueueBuffer& b, bool has_next, u16 next);

    DmaArea area_;
    u16 size_ = 0;
    u16 free_ = 0;       // bit i: descriptor i is free
    u16 avail_idx_ = 0;  // next available ring entry to fill
    u16 last_used_ = 0;  // next used ring entry to read
    u16 in_flight_ = 0;  // chains submitted and not yet used
    u16 chain_of_[max_size] = {}; // for a head in flight: bit mask of its descriptors, else 0
};

} // namespace isok::blockd

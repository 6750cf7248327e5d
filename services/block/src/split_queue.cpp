// Split virtqueue, driver side; the ring layout is isok/virtio/ring.hpp. The device runs
// concurrently: indices it reads are published with release after the entries they
// cover, and the used index is read with acquire before its entries.
#include <blockd/split_queue.hpp>

namespace isok::blockd {
namespace {

using namespace virtio;

template <class T> T load_shared(const u8* p) {
    return __atomic_load_n(reinterpret_cast<const T*>(p), __ATOMIC_RELAXED);
}
template <class T> void store_shared(u8* p, T value) { __atomic_store_n(reinterpret_cast<T*>(p), value, __ATOMIC_RELAXED); }

} // namespace

const char* describe(QueueError e) {
    switch (e) {
    case QueueError::bad_size: return "queue size not a power of two up to 16";
    case QueueError::too_small: return "queue rings do not fit in DMA memory";
    case QueueError::full: return "no free descriptors";
    case QueueError::bad_chain: return "chain empty or too long";
    case QueueError::bad_used_index: return "device used more buffers than were in flight";
    case QueueError::bad_used_id: return "device used a buffer that was not in flight";
    }
    return "queue error";
}

Status<QueueError> SplitQueue::init(DmaArea area, u16 size) {
    if (size == 0 || size > max_size || !is_power_of_two(size)) return fail(QueueError::bad_size);
    if (!area.virt || area.bytes < ring_bytes(size) || !is_aligned(area.physical, desc_align)) return fail(QueueError::too_small);
    *this = SplitQueue();
    area_ = area;
    size_ = size;
    free_ = u16((u32(1) << size) - 1);
    for (u64 i = 0; i < ring_bytes(size); ++i) area.virt[i] = 0;
    return {};
}

void SplitQueue::write_descriptor(u16 index, const QueueBuffer& b, bool has_next, u16 next) {
    Descriptor d{b.physical, b.length, u16((has_next ? desc_f_next : 0) | (b.device_writes ? desc_f_write : 0)),
                 has_next ? next : u16(0)};
    u8* p = at(desc_entry(index));
    store_shared<u64>(p + __builtin_offsetof(Descriptor, address), d.address);
    store_shared<u32>(p + __builtin_offsetof(Descriptor, length), d.length);
    store_shared<u16>(p + __builtin_offsetof(Descriptor, flags), d.flags);
    store_shared<u16>(p + __builtin_offsetof(Descriptor, next), d.next);
}

Result<u16, QueueError> SplitQueue::submit(const QueueBuffer* buffers, usize count) {
    if (count == 0 || count > max_chain) return fail(QueueError::bad_chain);
    if (usize(__builtin_popcount(free_)) < count) return fail(QueueError::full);
    u16 index[max_chain];
    u16 mask = 0;
    for (usize i = 0, d = 0; i < count; ++d)
        if (free_ & (1u << d)) index[i++] = u16(d), mask |= u16(1u << d);
    for (usize i = 0; i < count; ++i)
        write_descriptor(index[i], buffers[i], i + 1 < count, i + 1 < count ? index[i + 1] : 0);
    u16 head = index[0];
    free_ &= u16(~mask);
    chain_of_[head] = mask;
    ++in_flight_;
    store_shared<u16>(at(avail_offset(size_) + avail_entry(avail_idx_ % size_)), head);
    ++avail_idx_;
    // The descriptors and the ring entry must be visible before the index that hands
    // them to the device.
    __atomic_store_n(reinterpret_cast<u16*>(at(avail_offset(size_) + ring_index)), avail_idx_, __ATOMIC_RELEASE);
    return head;
}

Result<bool, QueueError> SplitQueue::take_used(UsedChain& out) {
    u16 used_idx = __atomic_load_n(reinterpret_cast<const u16*>(at(used_offset(size_) + ring_index)), __ATOMIC_ACQUIRE);
    u16 ready = u16(used_idx - last_used_);
    if (ready == 0) return false;
    if (ready > in_flight_) return fail(QueueError::bad_used_index);
    const u8* element = at(used_offset(size_) + used_entry(last_used_ % size_));
    u32 id = load_shared<u32>(element + __builtin_offsetof(UsedElement, id));
    u32 written = load_shared<u32>(element + __builtin_offsetof(UsedElement, length));
    if (id >= size_ || chain_of_[id] == 0) return fail(QueueError::bad_used_id);
    free_ |= chain_of_[id];
    chain_of_[id] = 0;
    --in_flight_;
    ++last_used_;
    out = {u16(id), written};
    return true;
}

} // namespace isok::blockd

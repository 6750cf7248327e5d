// Split virtqueue, device side (virtio 1.1, 2.6); the ring layout is isok/virtio/ring.hpp.
#include <vmm/virtqueue.hpp>

namespace isok::vmm {
namespace {

using namespace virtio;

// Indices are shared with a guest running on other harts: read them with acquire (the
// ring entries they cover are read after), publish them with release.
bool load_index(const GuestMemory& ram, u64 address, u16& out) {
    u8* p = ram.at(address, 2);
    if (!p) return false;
    out = __atomic_load_n(reinterpret_cast<u16*>(p), __ATOMIC_ACQUIRE);
    return true;
}

} // namespace

const char* describe(QueueError e) {
    switch (e) {
    case QueueError::bad_layout: return "queue layout outside guest RAM or misaligned";
    case QueueError::bad_avail_index: return "available index runs ahead of the queue";
    case QueueError::bad_index: return "descriptor index outside the table";
    case QueueError::out_of_bounds: return "buffer outside guest RAM";
    case QueueError::loop: return "descriptor chain loops";
    case QueueError::too_long: return "descriptor chain too long";
    case QueueError::bad_order: return "readable descriptor after a writable one";
    case QueueError::indirect: return "indirect descriptor not negotiated";
    case QueueError::unreadable: return "ring not accessible";
    }
    return "queue error";
}

// Walks bytes [offset, offset + length) of the chain's readable or writable part, handing
// each piece that lies in one segment to copy(address, done, n); stops at a failed copy.
template <class Copy> u64 Chain::walk(bool writable, u64 offset, u64 length, Copy copy) const {
    u64 done = 0;
    for (usize i = 0; i < count && done < length; ++i) {
        const Segment& s = segment[i];
        if (s.writable != writable) continue;
        if (offset >= s.length) {
            offset -= s.length;
            continue;
        }
        u64 n = min(u64(s.length) - offset, length - done);
        if (!copy(s.address + offset, done, n)) break;
        done += n;
        offset = 0;
    }
    return done;
}

u64 Chain::bytes(bool writable) const {
    u64 total = 0;
    for (usize i = 0; i < count; ++i)
        if (segment[i].writable == writable) total += segment[i].length;
    return total;
}

u64 Chain::read(const GuestMemory& ram, u64 offset, void* out, u64 length) const {
    auto* bytes = static_cast<u8*>(out);
    return walk(false, offset, length,
                [&](u64 address, u64 done, u64 n) { return ram.read(address, bytes + done, n); });
}

u64 Chain::write(const GuestMemory& ram, u64 offset, const void* data, u64 length) const {
    auto* bytes = static_cast<const u8*>(data);
    return walk(true, offset, length,
                [&](u64 address, u64 done, u64 n) { return ram.write(address, bytes + done, n); });
}

void Virtqueue::reset() { *this = Virtqueue(); }

Status<QueueError> Virtqueue::check_layout(const GuestMemory& ram) const {
    if (size == 0 || size > max_size || !is_power_of_two(size)) return fail(QueueError::bad_layout);
    // Alignments from virtio 1.1, 2.6 ("Virtqueue Part Alignment").
    if (!is_aligned(desc, desc_align) || !is_aligned(driver, avail_align) || !is_aligned(device, used_align))
        return fail(QueueError::bad_layout);
    if (!ram.contains(desc, desc_table_bytes(size)) || !ram.contains(driver, avail_bytes(size)) ||
        !ram.contains(device, used_bytes(size)))
        return fail(QueueError::bad_layout);
    return {};
}

Status<QueueError> Virtqueue::read_chain(const GuestMemory& ram, u16 head, Chain& chain) const {
    u64 visited[max_size / 64] = {};
    bool seen_writable = false;
    chain.head = head;
    chain.count = 0;
    for (u32 index = head;;) {
        if (index >= size) return fail(QueueError::bad_index);
        u64& word = visited[index / 64];
        u64 bit = u64(1) << (index % 64);
        if (word & bit) return fail(QueueError::loop);
        word |= bit;
        if (chain.count == Chain::max_segments) return fail(QueueError::too_long);
        Descriptor d;
        if (!ram.read(desc + desc_entry(index), &d, sizeof d)) return fail(QueueError::unreadable);
        if (d.flags & desc_f_indirect) return fail(QueueError::indirect);
        bool writable = d.flags & desc_f_write;
        // Spec 2.6.4.2: device-writable descriptors come after every device-readable one.
        if (!writable && seen_writable) return fail(QueueError::bad_order);
        seen_writable |= writable;
        if (!ram.contains(d.address, d.length)) return fail(QueueError::out_of_bounds);
        chain.segment[chain.count++] = {d.address, d.length, writable};
        if (!(d.flags & desc_f_next)) return {};
        index = d.next;
    }
}

Result<bool, QueueError> Virtqueue::next_head(const GuestMemory& ram, u16& head) const {
    if (!ready) return false;
    u16 avail_idx;
    if (!load_index(ram, driver + ring_index, avail_idx)) return fail(QueueError::unreadable);
    u16 waiting = u16(avail_idx - last_avail_);
    if (waiting == 0) return false;
    if (waiting > size) return fail(QueueError::bad_avail_index);
    if (!ram.load(driver + avail_entry(last_avail_ % size), head)) return fail(QueueError::unreadable);
    return true;
}

Result<bool, QueueError> Virtqueue::pop(const GuestMemory& ram, Chain& chain) {
    u16 head;
    auto got = next_head(ram, head);
    if (!got || !*got) return got;
    if (auto s = read_chain(ram, head, chain); !s) return fail(s.error());
    ++last_avail_;
    return true;
}

Result<Virtqueue::Taken, QueueError> Virtqueue::take(const GuestMemory& ram, Chain& chain) {
    u16 head;
    auto got = next_head(ram, head);
    if (!got) return fail(got.error());
    if (!*got) return Taken{};
    // A head outside the table cannot even be handed back: that is the ring's fault.
    if (head >= size) return fail(QueueError::bad_index);
    Taken t{true, {}};
    if (auto s = read_chain(ram, head, chain); !s) {
        t.broken = s.error();
        chain.head = head;
        chain.count = 0;
    }
    ++last_avail_;
    return t;
}

bool Virtqueue::has_available(const GuestMemory& ram) const {
    if (!ready) return false;
    u16 avail_idx;
    return !load_index(ram, driver + ring_index, avail_idx) || avail_idx != last_avail_;
}

Status<QueueError> Virtqueue::push(const GuestMemory& ram, u16 head, u32 written) {
    if (!ready || head >= size) return fail(QueueError::bad_index);
    u64 element = device + used_entry(used_idx_ % size);
    if (!ram.store<u32>(element + __builtin_offsetof(UsedElement, id), head) ||
        !ram.store<u32>(element + __builtin_offsetof(UsedElement, length), written))
        return fail(QueueError::unreadable);
    u8* idx = ram.at(device + ring_index, 2);
    if (!idx) return fail(QueueError::unreadable);
    ++used_idx_;
    // The element must be visible before the index that hands it to the driver.
    __atomic_store_n(reinterpret_cast<u16*>(idx), used_idx_, __ATOMIC_RELEASE);
    return {};
}

bool Virtqueue::wants_interrupt(const GuestMemory& ram) const {
    // Full fence: the used index store above must be ordered before the flags load, or
    // a driver that just cleared NO_INTERRUPT could miss its wake-up.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    u16 flags = 0;
    if (!ram.load(driver + ring_flags, flags)) return true;
    return !(flags & avail_f_no_interrupt);
}

} // namespace isok::vmm

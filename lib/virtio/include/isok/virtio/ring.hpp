// Split virtqueues (virtio 1.1, 2.6): the layout of the three parts a driver and a device
// share (descriptor table, available ring, used ring), all little-endian, and their flags.
// Only the layout: each side keeps its own logic, and what it reads from the other side's
// writes is checked there.
#pragma once
#include <isok/types.hpp>

namespace isok::virtio {

// Descriptor flags (2.6.5).
inline constexpr u16 desc_f_next = 1, desc_f_write = 2, desc_f_indirect = 4;
// Available ring flags (2.6.6).
inline constexpr u16 avail_f_no_interrupt = 1;

// One descriptor table entry.
struct Descriptor {
    u64 address;
    u32 length;
    u16 flags; // desc_f_*
    u16 next;  // with desc_f_next: the chain's next descriptor
};
static_assert(sizeof(Descriptor) == 16);

// One used ring entry: a chain's head and the bytes the device wrote into it.
struct UsedElement {
    u32 id;
    u32 length;
};
static_assert(sizeof(UsedElement) == 8);

// The two rings of a queue of Size entries, for a driver that lays them out as objects.
template <u32 Size> struct AvailableRing {
    u16 flags; // avail_f_*
    u16 index;
    u16 ring[Size];
    u16 used_event;
};
template <u32 Size> struct UsedRing {
    u16 flags;
    u16 index;
    UsedElement ring[Size];
    u16 avail_event;
};

// Where each part must start ("Virtqueue Part Alignment").
inline constexpr u64 desc_align = 16, avail_align = 2, used_align = 4;

// Bytes of each part for a queue of `size` entries.
constexpr u64 desc_table_bytes(u32 size) { return sizeof(Descriptor) * u64(size); }
constexpr u64 avail_bytes(u32 size) { return 6 + 2 * u64(size); }
constexpr u64 used_bytes(u32 size) { return 6 + sizeof(UsedElement) * u64(size); }

// Offsets inside the parts: both rings start with flags u16 and index u16.
inline constexpr u64 ring_flags = 0, ring_index = 2;
constexpr u64 desc_entry(u32 index) { return sizeof(Descriptor) * u64(index); }
constexpr u64 avail_entry(u32 slot) { return 4 + 2 * u64(slot); }
constexpr u64 used_entry(u32 slot) { return 4 + sizeof(UsedElement) * u64(slot); }

static_assert(sizeof(AvailableRing<8>) == avail_bytes(8));
static_assert(__builtin_offsetof(UsedRing<8>, ring) == used_entry(0));

} // namespace isok::virtio

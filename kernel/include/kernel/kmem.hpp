// Kernel memory for objects: slabs of one size class per page, pages taken from the
// frame allocator as needed and given back when empty (no capability outlives its
// object, so nothing reads an object's memory after it is freed), and the charge to the
// budget of the domain an object is made for.
#pragma once
#include <isok/result.hpp>
#include <kernel/frame_allocator.hpp>
#include <kernel/object.hpp>

namespace kernel::kmem {

// The largest object: a page less the slab's own header.
inline constexpr usize max_object_size = frame_size - 64;

void init(FrameAllocator& frames);
FrameAllocator& frames();

// Storage for one object of `size` bytes (at most max_object_size), or null when out of frames.
void* take(usize size);
// What an object of `size` bytes really occupies (its slab slot), and so what it costs.
usize slot_size(usize size);
void give(void* object, usize size);
// Pages holding objects now.
usize pages();

} // namespace kernel::kmem

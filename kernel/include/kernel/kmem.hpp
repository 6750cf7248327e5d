// Kernel memory for objects: type-stable slabs (memory that held a kernel object only
// ever holds kernel objects again, which keeps generations meaningful) and the charge
// to the budget of the domain an object is made for.
#pragma once
#include <isok/result.hpp>
#include <kernel/frame_allocator.hpp>
#include <kernel/object.hpp>

namespace kernel::kmem {

void init(FrameAllocator& frames);
FrameAllocator& frames();

// Storage for one object of `size` bytes (at most a page), or null when out of frames.
void* take(usize size);
// What an object of `size` bytes really occupies (its slab slot), and so what it costs.
usize slot_size(usize size);
void give(void* object, usize size);

} // namespace kernel::kmem

// The kernel's physical memory: the frame allocator over RAM minus everything the
// boot left in it, and the kernel address space built on top.
#pragma once
#include <kernel/frame_allocator.hpp>
#include <kernel/platform.hpp>

namespace kernel::memory {

// dtb: where the device tree lies (it stays readable but is never handed out).
void init(const Platform& platform, isok::PhysRange dtb);
FrameAllocator& frames();

} // namespace kernel::memory

// The kernel's physical memory: the frame allocator over RAM minus everything the
// boot left in it, and the kernel address space built on top.
#pragma once
#include <kernel/frame_allocator.hpp>
#include <kernel/platform.hpp>

namespace kernel::memory {

// dtb: where the device tree lies (it stays readable but is never handed out).
void init(const Platform& platform, isok::PhysRange dtb);
FrameAllocator& frames();
// True when the page at pa is RAM the kernel maps directly. Device windows are not:
// the kernel reads and writes user memory only where it is RAM.
bool is_ram(isok::PhysAddr pa);

} // namespace kernel::memory

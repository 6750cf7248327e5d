// Host RAM for the kernel's allocators (kmem, domains' frames, page tables), set up once
// per process and kept for its lifetime: kmem's slabs are never returned.
#pragma once

namespace fake {

// Idempotent: the frame allocator, kmem and the kernel's own page table, ready for use.
void boot_memory();

} // namespace fake

// Where things live in the kernel's Sv39 address space.
#pragma once
#include <isok/addr.hpp>
#include <kernel/max_harts.hpp>

namespace arch {

using isok::PhysAddr;
using isok::u64;
using isok::VirtAddr;

// The kernel image runs at its physical address plus this offset (see linker.ld).
inline constexpr u64 kernel_virt_offset = 0xFFFFFFFF00000000ull;
// All of RAM and the devices the kernel drives appear at physmap_base + physical address.
inline constexpr u64 physmap_base = 0xFFFFFFC000000000ull;
// The boot page table covers this much of the physical address space with the direct map.
inline constexpr u64 physmap_boot_size = 64ull << 30;

// Kernel stacks (trap_entry.S, linker.ld): one per hart, each above an unmapped guard
// page; and a smaller stack per hart to report an overflow from.
inline constexpr u64 kernel_stacks = kernel::max_harts;
inline constexpr u64 kernel_stack_bytes = 16384;
inline constexpr u64 overflow_stack_bytes = 8192;

inline void* phys_to_virt(PhysAddr pa) { return reinterpret_cast<void*>(physmap_base + pa.raw()); }
// The inverse, for an address in the direct map (kernel objects, page tables).
inline PhysAddr virt_to_phys(const void* p) { return PhysAddr(reinterpret_cast<u64>(p) - physmap_base); }
inline PhysAddr kernel_image_phys(const void* p) { return PhysAddr(reinterpret_cast<u64>(p) - kernel_virt_offset); }

} // namespace arch

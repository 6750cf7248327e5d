// Sv39 page tables: the kernel's own address space now, processes' later. Maps with
// the largest page (1 GiB, 2 MiB, 4 KiB) that alignment allows.
#pragma once
#include <isok/addr.hpp>
#include <isok/result.hpp>
#include <kernel/frame_allocator.hpp>

namespace arch {

using isok::PhysAddr;
using isok::u64;
using isok::VirtAddr;

namespace pte {
inline constexpr u64 valid = 1 << 0;
inline constexpr u64 read = 1 << 1;
inline constexpr u64 write = 1 << 2;
inline constexpr u64 exec = 1 << 3;
inline constexpr u64 user = 1 << 4;
inline constexpr u64 global = 1 << 5;
inline constexpr u64 accessed = 1 << 6;
inline constexpr u64 dirty = 1 << 7;
} // namespace pte

enum class MapError { NoMemory, Misaligned, AlreadyMapped, WriteAndExecute, OutOfRange };
const char* describe(MapError);

class PageTable {
public:
    static constexpr unsigned levels = 3;
    static constexpr u64 va_bits = 39;

    // Allocates and clears the root table.
    isok::Status<MapError> init(kernel::FrameAllocator& frames, kernel::PhysToPtr to_ptr);

    // Maps [va, va+size) to [pa, pa+size) with the given pte:: permission bits.
    // Refuses writable-and-executable mappings: W^X is enforced here, not by convention.
    isok::Status<MapError> map(VirtAddr va, PhysAddr pa, u64 size, u64 perms);

    // The physical address va translates to, or an error when it is unmapped.
    isok::Result<PhysAddr, MapError> translate(VirtAddr va) const;
    // The leaf PTE's permission bits for va (0 when unmapped).
    u64 permissions(VirtAddr va) const;

    PhysAddr root() const { return root_; }
    u64 satp(u64 asid = 0) const;

private:
    isok::Status<MapError> map_one(VirtAddr va, PhysAddr pa, unsigned level, u64 perms);
    u64* table(PhysAddr pa) const { return static_cast<u64*>(to_ptr_(pa)); }
    const u64* leaf(VirtAddr va, unsigned& level) const;

    kernel::FrameAllocator* frames_ = nullptr;
    kernel::PhysToPtr to_ptr_ = nullptr;
    PhysAddr root_;
};

} // namespace arch

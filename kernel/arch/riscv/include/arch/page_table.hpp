// Page tables: Sv39 for the kernel's and every process's address space, Sv39x4 for a
// VM's guest-physical space. Maps with the largest page (1 GiB, 2 MiB, 4 KiB) that
// alignment allows.
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
// One of the two bits the privileged spec reserves for supervisor software (RSW): the
// page is a device's registers, never RAM, and the kernel never touches it for a user.
inline constexpr u64 device = 1 << 8;
} // namespace pte

enum class MapError { NoMemory, Misaligned, AlreadyMapped, WriteAndExecute, OutOfRange, NotMapped };
const char* describe(MapError);

// Where page-table frames come from: the kernel's own tables take them from the frame
// allocator directly; a domain's tables are charged to its budget.
class TableFrames {
public:
    virtual isok::Result<PhysAddr, MapError> take(isok::usize count, u64 align) = 0;
    virtual void give(PhysAddr frame, isok::usize count) = 0;

protected:
    ~TableFrames() = default;
};

class AllocatorTableFrames final : public TableFrames {
public:
    explicit AllocatorTableFrames(kernel::FrameAllocator& frames) : frames_(frames) {}
    isok::Result<PhysAddr, MapError> take(isok::usize count, u64 align) override;
    void give(PhysAddr frame, isok::usize count) override;

private:
    kernel::FrameAllocator& frames_;
};

class PageTable {
public:
    static constexpr unsigned levels = 3;
    // host: Sv39, a process's or the kernel's space. guest: Sv39x4, a VM's
    // guest-physical space (G-stage), where every leaf must also carry pte::user.
    enum class Kind { host, guest };

    // Allocates and clears the root table.
    isok::Status<MapError> init(TableFrames& frames, kernel::PhysToPtr to_ptr, Kind kind = Kind::host);
    // Makes the upper half (the kernel) the same as in kernel_space; every address
    // space shares the kernel's upper-half tables.
    void share_kernel_half(const PageTable& kernel_space);

    // Maps [va, va+size) to [pa, pa+size) with the given pte:: permission bits.
    // Refuses writable-and-executable mappings: W^X is enforced here, not by convention.
    isok::Status<MapError> map(VirtAddr va, PhysAddr pa, u64 size, u64 perms);

    // Removes the mappings of [va, va+size): every byte must be mapped, by leaves of
    // any size that lie wholly inside the range (as map() made them for that range).
    // On a failed map() nothing of the range stays mapped.
    isok::Status<MapError> unmap(VirtAddr va, u64 size);
    // Returns every table frame of the lower half and the root; the table is unusable after.
    void release();

    // The physical address va translates to, or an error when it is unmapped.
    isok::Result<PhysAddr, MapError> translate(VirtAddr va) const;
    // The leaf PTE's permission bits for va (0 when unmapped).
    u64 permissions(VirtAddr va) const;
    // Both at once, with one walk: the translation of va and its permission bits.
    isok::Result<PhysAddr, MapError> lookup(VirtAddr va, u64& perms) const;

    PhysAddr root() const { return root_; }
    u64 satp(u64 asid = 0) const;

private:
    // Clears the leaves that make up [va, va+size), which must all be there.
    void clear(VirtAddr va, u64 size);
    isok::Status<MapError> map_one(VirtAddr va, PhysAddr pa, unsigned level, u64 perms);
    u64* table(PhysAddr pa) const { return static_cast<u64*>(to_ptr_(pa)); }
    const u64* leaf(VirtAddr va, unsigned& level) const;
    void release_level(PhysAddr table, unsigned level, u64 first, u64 last);
    u64 root_entries() const;
    u64 vpn(VirtAddr va, unsigned level) const;
    bool in_range(u64 va) const;

    Kind kind_ = Kind::host;
    TableFrames* frames_ = nullptr;
    kernel::PhysToPtr to_ptr_ = nullptr;
    PhysAddr root_;
};

} // namespace arch

// The guest's own Sv39 page tables: identity maps of its image and RAM, a second
// alias of one page, and the checks that translation and page faults behave.
#pragma once
#include "devicetree.hpp"

namespace mini::paging {

namespace pte {
inline constexpr u64 valid = 1 << 0;
inline constexpr u64 read = 1 << 1;
inline constexpr u64 write = 1 << 2;
inline constexpr u64 execute = 1 << 3;
inline constexpr u64 user = 1 << 4;
inline constexpr u64 accessed = 1 << 6;
inline constexpr u64 dirty = 1 << 7;
} // namespace pte

inline constexpr u64 page_size = 4096;

// One Sv39 address space; its tables come from a fixed pool in BSS.
class Space {
public:
    // Takes an empty root table from the pool; false when the pool is used up.
    bool create();
    // Maps [va, va + size) to pa with the permission bits given (read, write,
    // execute, user), in the largest pages that fit; false on a clash or no tables.
    bool map(u64 va, u64 pa, u64 size, u64 permissions);
    u64 satp() const;

private:
    u64* entry(u64 va, u32 level);
    u64* root_ = nullptr;
};

// Identity maps the RAM regions (and the device tree if it lies outside them) for
// S-mode only, read-write-execute.
bool map_memory(Space& space, const Machine& machine);
// Writes satp and flushes the TLB.
void activate(u64 satp);
// The guest kernel's own space, valid once check_enable passed.
Space& kernel_space();

// Builds the kernel space (memory and virtio-mmio slots) and turns on Sv39.
bool check_enable(const Machine& machine);
// The same page read and written through its identity map and an alias.
bool check_alias();
// A load and a store to unmapped addresses arrive at stvec as page faults.
bool check_fault();

} // namespace mini::paging

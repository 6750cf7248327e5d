// What the mini guest learns from the device tree it is handed, and the check that
// reads it (through lib/fdt, which validates the whole blob first).
#pragma once
#include <isok/types.hpp>

namespace mini {

using isok::u32;
using isok::u64;

struct Region {
    u64 base = 0;
    u64 size = 0;
};

struct Machine {
    static constexpr u32 max_memory = 8;
    static constexpr u32 max_virtio = 32;

    u64 hart = 0;
    Region dtb;
    Region memory[max_memory];
    u32 memory_count = 0;
    u32 cpus = 0;
    u64 timebase_hz = 0;
    char isa[160] = {};
    bool has_sstc = false;
    Region virtio[max_virtio]; // virtio-mmio slots, in document order
    u32 virtio_count = 0;
};

namespace devicetree {

// Fills machine from the blob at dtb (identity-mapped or MMU off); false (and a
// FAILED line) when the tree is unusable or lacks memory, cpus, timebase or ISA.
bool check(u64 hart, u64 dtb, Machine& machine);

} // namespace devicetree
} // namespace mini

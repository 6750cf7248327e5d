// Memory objects (physically contiguous frames a domain may map) and the mapping
// records that tie a range of an address space to the memory behind it.
#pragma once
#include <kernel/domain.hpp>

namespace kernel {

struct InMemory;

class Memory : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::memory;
    static constexpr u64 max_pages = 1ull << 18; // 1 GiB: one object, one contiguous run

    isok::PhysAddr base;
    u64 pages = 0;
    bool owns_frames = true; // false for memory the kernel did not allocate (the boot image, devices)
    bool device = false;     // a device's register window: mapped with pte::device
    List<Mapping, InMemory> mappings;
    // Live mappings of this memory that allow writing, and that allow executing, in
    // process domains: W^X holds per memory object (see map_memory).
    u64 writable_maps = 0;
    u64 executable_maps = 0;
};

struct Mapping : public KernelObject, ListLink<Mapping, InDomain>, ListLink<Mapping, InMemory> {
    static constexpr ObjectType object_type = ObjectType::none;
    Domain* domain = nullptr;
    Memory* memory = nullptr;
    u64 address = 0;
    u64 pages = 0;
    u64 rights = 0;
};

// Memory of `pages` zeroed frames, charged to payer.
isok::Result<Memory*, Error> create_memory(Domain& payer, u64 pages);
// A memory object over frames the kernel already owns (not charged, never freed):
// RAM (the boot image) or a device's registers.
isok::Result<Memory*, Error> wrap_memory(Domain& holder, isok::PhysRange range, bool device);

// Maps pages [first, first+pages) of memory at address in domain with the given
// abi::rights (read/write/execute; never write with execute). The mapping record is
// charged to the domain mapped into.
Error map_memory(Domain& domain, Memory& memory, u64 first, u64 address, u64 pages, u64 rights);
// Removes the mapping that starts at address and spans exactly pages.
Error unmap_memory(Domain& domain, u64 address, u64 pages);
// Removes every mapping of the memory, in whatever domain, then frees its frames.
void destroy_memory(Memory& memory);
void destroy_mapping(Mapping& mapping);

} // namespace kernel

// Checks of the VMM's Links page. The root writes it, but a wrong page must end in a
// message and a VM without that device, not in a VMM that faults.
#include <isok/block.hpp>
#include <isok/frame_ring.hpp>
#include <vmm/vm_links.hpp>

namespace isok::vmm {

const char* describe(LinkError e) {
    switch (e) {
    case LinkError::bad_magic: return "no Links page";
    case LinkError::none: return "not listed in the Links page";
    case LinkError::bad_ring: return "frame rings missing, too small or misaligned";
    case LinkError::bad_buffer: return "shared buffer missing or smaller than a sector";
    case LinkError::empty: return "partition of 0 sectors";
    }
    return "Links error";
}

Result<const links::Port*, LinkError> first_port(const links::Links& page) {
    if (page.magic != links::magic) return fail(LinkError::bad_magic);
    if (page.port_count == 0) return fail(LinkError::none);
    const links::Port& p = page.ports[0];
    // Ring indices are atomics: the region must be at least cache-line aligned.
    if (p.ring == 0 || !is_aligned(p.ring, 64) || p.ring_bytes < frame_ring::region_bytes)
        return fail(LinkError::bad_ring);
    return &p;
}

Result<const links::Partition*, LinkError> first_partition(const links::Links& page) {
    if (page.magic != links::magic) return fail(LinkError::bad_magic);
    if (page.partition_count == 0) return fail(LinkError::none);
    const links::Partition& p = page.partitions[0];
    if (p.buffer == 0 || p.buffer_bytes < block::sector_bytes) return fail(LinkError::bad_buffer);
    if (p.sectors == 0) return fail(LinkError::empty);
    return &p;
}

} // namespace isok::vmm

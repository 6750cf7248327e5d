// The VMM's Links page (isok/links.hpp), which lists its VM's switch ports and disk
// partitions: virtio-net gets the first port and virtio-block the first partition, each
// checked before the VMM touches the memory it names.
#pragma once
#include <isok/links.hpp>
#include <isok/result.hpp>

namespace isok::vmm {

enum class LinkError : u8 {
    bad_magic = 1, // the page is not a Links page
    none,          // no port (partition) listed
    bad_ring,      // the port's rings are missing, too small or misaligned
    bad_buffer,    // the partition's buffer is missing or smaller than a sector
    empty,         // the partition has no sectors
};

const char* describe(LinkError e);

Result<const links::Port*, LinkError> first_port(const links::Links& page);
Result<const links::Partition*, LinkError> first_partition(const links::Links& page);

} // namespace isok::vmm

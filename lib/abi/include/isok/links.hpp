// What a process is connected to beyond its channels: its ports on virtual switches and
// its partitions of virtual disks, or, for a switch or a block service, the ports and
// partitions it serves. The root maps one read-only Links page at links::address into
// every process that has any (a VM's are its VMM's), and the shared memory it names.
#pragma once
#include <isok/types.hpp>

namespace isok::links {

inline constexpr u64 magic = 0x534b4e494c4f5349; // "ISOLINKS"
inline constexpr u64 address = 0x3f400000;
inline constexpr usize name_bytes = 32;
inline constexpr usize max_ports = 32;      // per process; a switch serves at most this many
inline constexpr usize max_partitions = 16; // per process; a block service serves at most this many

// Where the root maps shared memory: port i's rings at ring_window + i * ring_stride,
// partition i's buffer at buffer_window + i * buffer_stride (i: the index in Links).
inline constexpr u64 ring_window = 0x400000000;   // 16 GiB
inline constexpr u64 ring_stride = 0x100000;      // 1 MiB
inline constexpr u64 buffer_window = 0x600000000; // 24 GiB
inline constexpr u64 buffer_stride = 0x1000000;   // 16 MiB
inline constexpr u64 buffer_bytes = 128 * 1024;   // every partition's shared buffer

// One port of a switch, seen from either side. The switch side lists the member's MAC.
struct Port {
    char network[name_bytes]; // the network's name from the manifest
    u8 mac[6];                // the address bound to the port: frames from it must carry it
    u16 network_index;        // ports with the same index are one broadcast domain
    u32 reserved;
    u64 ring;       // address of the port's frame rings (isok/frame_ring.hpp) in this process
    u64 ring_bytes;
    u64 signal;     // slot of a notification (write): tells the other side there is work
    u64 wait;       // slot of this process's notification (read) that the other side signals
};

// One partition of a disk, seen from either side.
struct Partition {
    char name[name_bytes];
    u64 sectors;      // size in 512-byte sectors
    u64 first_sector; // service side: where it starts on the disk; client side: 0
    u64 buffer;       // address of the buffer shared by client and service, in this process
    u64 buffer_bytes;
    u64 endpoint;     // client: slot of the service's endpoint (write, badged);
                      // service: slot of its endpoint (read), the same for every partition
    u64 badge;        // the badge the service sees on this partition's requests
};

struct Links {
    u64 magic;
    u32 port_count;
    u32 partition_count;
    u64 device_memory;    // block service: slot of the disk's virtio-mmio window (read/write), else no_slot
    u64 device_interrupt; // block service: slot of the disk's interrupt line, else no_slot
    Port ports[max_ports];
    Partition partitions[max_partitions];
};
static_assert(sizeof(Links) <= 4096);

} // namespace isok::links

// System plan reader, the tables of networks and disks: every port names a switch and a
// member among the processes and a unicast MAC address no other port has; every partition
// is whole pages of its disk, back to back from sector 2048, served by its disk's service
// to another process; no process has more links than its Links page lists or more
// capabilities than its space holds (console ones included).
#include <isok/links.hpp>
#include <isok/plan.hpp>
#include <isok/startup.hpp>
#include <isok/string.hpp>
#include "plan_internal.hpp"

namespace isok::plan {

u32 LinkRoles::caps() const {
    using namespace links_build;
    u32 n = member_ports * member_caps_per_port + client_partitions * client_caps_per_partition;
    if (switch_ports) n += switch_caps + switch_ports * switch_caps_per_port;
    if (service) n += service_caps + service_partitions * service_caps_per_partition;
    return n;
}

namespace detail {

LinkRoles link_roles(Bytes plan, const Counts& c, u32 process) {
    LinkRoles roles;
    for (u32 i = 0; i < c.ports; ++i) {
        Bytes r = port_record(plan, c, i);
        if (load32(r, layout::port_field::switch_process) == process) ++roles.switch_ports;
        if (load32(r, layout::port_field::member) == process) ++roles.member_ports;
    }
    for (u32 i = 0; i < c.partitions; ++i) {
        Bytes r = partition_record(plan, c, i);
        if (load32(r, layout::partition_field::service) == process) ++roles.service_partitions;
        if (load32(r, layout::partition_field::member) == process) ++roles.client_partitions;
    }
    for (u32 i = 0; i < c.disks; ++i)
        if (load32(disk_record(plan, c, i), layout::disk_field::service) == process) roles.service = true;
    return roles;
}

namespace {

using namespace layout;

// The root derives capability names from these ("<network>.signal"): they must leave room.
Status<Error> check_link_name(Bytes r, usize offset) {
    if (auto s = check_name(r, offset, Alphabet::plain); !s) return s;
    if (str_length(text(r, offset)) > max_link_name) return fail(Error::name_bad);
    return {};
}

bool same_name(Bytes a, Bytes b) { return str_equal(text(a, 0), text(b, 0)); }

Status<Error> check_disk(Bytes plan, const Counts& c, u32 index) {
    Bytes r = disk_record(plan, c, index);
    if (auto s = check_link_name(r, disk_field::name); !s) return s;
    if (load32(r, disk_field::reserved)) return fail(Error::reserved_not_zero);
    if (load32(r, disk_field::service) >= c.processes) return fail(Error::bad_service);
    return {};
}

// A service's Links page names one device and one endpoint: one disk per service.
Status<Error> check_disk_pairs(Bytes plan, const Counts& c, u32 index) {
    Bytes a = disk_record(plan, c, index);
    for (u32 j = index + 1; j < c.disks; ++j) {
        Bytes b = disk_record(plan, c, j);
        if (same_name(a, b)) return fail(Error::name_duplicate);
        if (load32(a, disk_field::service) == load32(b, disk_field::service)) return fail(Error::bad_service);
    }
    return {};
}

Status<Error> check_mac(Bytes r) {
    const u8* mac = r.data() + port_field::mac;
    if (mac[6] || mac[7]) return fail(Error::bad_mac);
    if (mac[0] & 1) return fail(Error::bad_mac); // group (multicast, broadcast) bit
    for (usize i = 0; i < mac_bytes; ++i)
        if (mac[i]) return {};
    return fail(Error::bad_mac);
}

bool serves_ports(Bytes plan, const Counts& c, u32 process) {
    for (u32 i = 0; i < c.ports; ++i)
        if (load32(port_record(plan, c, i), port_field::switch_process) == process) return true;
    return false;
}

bool serves_disk(Bytes plan, const Counts& c, u32 process) {
    for (u32 i = 0; i < c.disks; ++i)
        if (load32(disk_record(plan, c, i), disk_field::service) == process) return true;
    return false;
}

// Ports come in network order: indices 0, 1, 2... without gaps, one name and one switch
// per index, and no name on two indices.
Status<Error> check_network_order(Bytes plan, const Counts& c, u32 index) {
    Bytes r = port_record(plan, c, index);
    u32 network = load32(r, port_field::network_index);
    if (index == 0) return network == 0 ? Status<Error>{} : fail(Error::bad_network);
    Bytes previous = port_record(plan, c, index - 1);
    u32 last = load32(previous, port_field::network_index);
    if (network == last) {
        bool same = same_name(r, previous) &&
                    load32(r, port_field::switch_process) == load32(previous, port_field::switch_process);
        return same ? Status<Error>{} : fail(Error::bad_network);
    }
    if (network != last + 1) return fail(Error::bad_network);
    for (u32 j = 0; j < index; ++j)
        if (same_name(r, port_record(plan, c, j))) return fail(Error::bad_network);
    return {};
}

Status<Error> check_port(Bytes plan, const Counts& c, u32 index) {
    Bytes r = port_record(plan, c, index);
    if (auto s = check_link_name(r, port_field::network); !s) return s;
    if (load32(r, port_field::reserved)) return fail(Error::reserved_not_zero);
    if (auto s = check_mac(r); !s) return s;
    u32 switch_process = load32(r, port_field::switch_process), member = load32(r, port_field::member);
    if (switch_process >= c.processes) return fail(Error::bad_switch);
    // A Links page's ports are all served or all held: a switch is no member anywhere.
    if (member >= c.processes || member == switch_process || serves_ports(plan, c, member))
        return fail(Error::bad_member);
    return check_network_order(plan, c, index);
}

// A MAC address names one port; a member holds one port per network (its capabilities are
// named after the network).
Status<Error> check_port_pairs(Bytes plan, const Counts& c, u32 index) {
    Bytes a = port_record(plan, c, index);
    for (u32 j = index + 1; j < c.ports; ++j) {
        Bytes b = port_record(plan, c, j);
        if (__builtin_memcmp(a.data() + port_field::mac, b.data() + port_field::mac, mac_bytes) == 0)
            return fail(Error::bad_mac);
        if (load32(a, port_field::network_index) == load32(b, port_field::network_index) &&
            load32(a, port_field::member) == load32(b, port_field::member))
            return fail(Error::bad_member);
    }
    return {};
}

// Partitions come in disk order; a disk's first starts at sector 2048, the next where the
// previous ends. next_sector: where this one must start if it is on the previous one's disk.
Status<Error> check_layout(Bytes plan, const Counts& c, u32 index, u64& next_sector) {
    Bytes r = partition_record(plan, c, index);
    u32 disk = load32(r, partition_field::disk);
    if (disk >= c.disks) return fail(Error::bad_disk);
    if (index == 0 || disk != load32(partition_record(plan, c, index - 1), partition_field::disk)) {
        if (index && disk < load32(partition_record(plan, c, index - 1), partition_field::disk))
            return fail(Error::bad_disk);
        next_sector = first_partition_sector;
    }
    u64 first = load64(r, partition_field::first_sector), sectors = load64(r, partition_field::sectors);
    if (sectors == 0 || sectors % page_sectors || sectors > max_disk_sectors || first != next_sector)
        return fail(Error::bad_sectors);
    next_sector = first + sectors; // both at most 2^40: no wrap
    if (next_sector > max_disk_sectors) return fail(Error::bad_sectors);
    return {};
}

Status<Error> check_partition(Bytes plan, const Counts& c, u32 index, u64& next_sector) {
    Bytes r = partition_record(plan, c, index);
    if (auto s = check_link_name(r, partition_field::name); !s) return s;
    if (load32(r, partition_field::reserved)) return fail(Error::reserved_not_zero);
    if (auto s = check_layout(plan, c, index, next_sector); !s) return s;
    u32 service = load32(r, partition_field::service), member = load32(r, partition_field::member);
    if (service != load32(disk_record(plan, c, load32(r, partition_field::disk)), disk_field::service))
        return fail(Error::bad_service);
    // A Links page's partitions are all served or all held: a service is no client anywhere.
    if (member >= c.processes || member == service || serves_disk(plan, c, member)) return fail(Error::bad_member);
    for (u32 j = 0; j < index; ++j)
        if (same_name(r, partition_record(plan, c, j))) return fail(Error::name_duplicate);
    return {};
}

// What the VMM of a VM holds for it: "vm", "memory", "exits" and its vCPUs.
u32 vm_caps(Bytes plan, const Counts& c, u32 process) {
    for (u32 i = 0; i < c.vms; ++i) {
        Bytes v = vm_record(plan, c, i);
        if (load32(v, vm_field::vmm) == process) return vm_build::vmm_caps + load32(v, vm_field::vcpus);
    }
    return 0;
}

// The Links page lists so many; the capability space holds grants, VM, console and link
// capabilities. A program finds its console capabilities by name only: the startup page,
// which lists them before the link ones, must hold them.
Status<Error> check_room(Bytes plan, const Counts& c, u32 process) {
    LinkRoles roles = link_roles(plan, c, process);
    if (roles.switch_ports > links::max_ports || roles.member_ports > links::max_ports ||
        roles.service_partitions > links::max_partitions || roles.client_partitions > links::max_partitions)
        return fail(Error::too_many_links);
    Bytes p = process_record(plan, process);
    u32 console = console_caps(plan, c, process);
    u64 listed = startup::first_grant_slot + u64(load32(p, process_field::grant_count)) + vm_caps(plan, c, process) +
                 console;
    if (console && listed > startup::max_caps) return fail(Error::too_many_caps);
    if (listed + roles.caps() > load32(p, process_field::cap_slots)) return fail(Error::too_many_caps);
    return {};
}

} // namespace

Status<Error> check_links(Bytes plan, const Counts& c) {
    for (u32 i = 0; i < c.disks; ++i)
        if (auto s = check_disk(plan, c, i); !s) return s;
    for (u32 i = 0; i < c.disks; ++i)
        if (auto s = check_disk_pairs(plan, c, i); !s) return s;
    for (u32 i = 0; i < c.ports; ++i)
        if (auto s = check_port(plan, c, i); !s) return s;
    for (u32 i = 0; i < c.ports; ++i)
        if (auto s = check_port_pairs(plan, c, i); !s) return s;
    u64 next_sector = first_partition_sector;
    for (u32 i = 0; i < c.partitions; ++i)
        if (auto s = check_partition(plan, c, i, next_sector); !s) return s;
    for (u32 p = 0; p < c.processes; ++p)
        if (auto s = check_room(plan, c, p); !s) return s;
    return {};
}

} // namespace detail

using namespace detail;

Bytes Plan::port_record(u32 index) const {
    return detail::port_record(plan_, Counts{processes_, endpoints_, grants_, vms_, ports_, partitions_, disks_}, index);
}

Bytes Plan::partition_record(u32 index) const {
    return detail::partition_record(plan_, Counts{processes_, endpoints_, grants_, vms_, ports_, partitions_, disks_},
                                    index);
}

Bytes Plan::disk_record(u32 index) const {
    return detail::disk_record(plan_, Counts{processes_, endpoints_, grants_, vms_, ports_, partitions_, disks_}, index);
}

Result<Port, Error> Plan::port(u32 index) const {
    if (index >= ports_) return fail(Error::not_found);
    Bytes r = port_record(index);
    Port port{
        .network = text(r, layout::port_field::network),
        .network_index = load32(r, layout::port_field::network_index),
        .switch_process = load32(r, layout::port_field::switch_process),
        .member = load32(r, layout::port_field::member),
    };
    for (usize i = 0; i < layout::mac_bytes; ++i) port.mac[i] = r.data()[layout::port_field::mac + i];
    return port;
}

Result<Partition, Error> Plan::partition(u32 index) const {
    if (index >= partitions_) return fail(Error::not_found);
    Bytes r = partition_record(index);
    return Partition{
        .name = text(r, layout::partition_field::name),
        .disk = load32(r, layout::partition_field::disk),
        .service = load32(r, layout::partition_field::service),
        .member = load32(r, layout::partition_field::member),
        .first_sector = load64(r, layout::partition_field::first_sector),
        .sectors = load64(r, layout::partition_field::sectors),
    };
}

Result<Disk, Error> Plan::disk(u32 index) const {
    if (index >= disks_) return fail(Error::not_found);
    Bytes r = disk_record(index);
    return Disk{.name = text(r, layout::disk_field::name), .service = load32(r, layout::disk_field::service)};
}

LinkRoles Plan::link_roles(u32 process) const {
    if (process >= processes_) return {};
    return detail::link_roles(plan_, Counts{processes_, endpoints_, grants_, vms_, ports_, partitions_, disks_},
                              process);
}

} // namespace isok::plan

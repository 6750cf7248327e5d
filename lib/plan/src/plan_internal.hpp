// What the parts of the plan reader share (plan.cpp: header, processes, endpoints, grants;
// plan_vm.cpp: virtual machines; plan_links.cpp: ports, partitions, disks; plan_console.cpp:
// the console): bounded field loads, record positions, names.
#pragma once
#include <isok/plan.hpp>

namespace isok::plan::detail {

// Field loads for offsets inside checked records; a load that does not fit yields 0.
inline u32 load32(Bytes b, usize offset) {
    u32 v = 0;
    b.le32(offset, v);
    return v;
}

inline u64 load64(Bytes b, usize offset) {
    u64 v = 0;
    b.le64(offset, v);
    return v;
}

inline const char* text(Bytes record, usize offset) { return reinterpret_cast<const char*>(record.data() + offset); }

// The table counts. They are capped before any position is computed, so none of the
// products below can overflow.
struct Counts {
    u32 processes = 0;
    u32 endpoints = 0;
    u32 grants = 0;
    u32 vms = 0;
    u32 ports = 0;
    u32 partitions = 0;
    u32 disks = 0;
    u32 console_inputs = 0;
};

constexpr usize endpoints_at(const Counts& c) {
    return layout::header_bytes + usize(c.processes) * layout::process_bytes;
}
constexpr usize grants_at(const Counts& c) { return endpoints_at(c) + usize(c.endpoints) * layout::endpoint_bytes; }
constexpr usize vms_at(const Counts& c) { return grants_at(c) + usize(c.grants) * layout::grant_bytes; }
constexpr usize ports_at(const Counts& c) { return vms_at(c) + usize(c.vms) * layout::vm_bytes; }
constexpr usize partitions_at(const Counts& c) { return ports_at(c) + usize(c.ports) * layout::port_bytes; }
constexpr usize disks_at(const Counts& c) {
    return partitions_at(c) + usize(c.partitions) * layout::partition_bytes;
}
constexpr usize console_inputs_at(const Counts& c) { return disks_at(c) + usize(c.disks) * layout::disk_bytes; }
constexpr usize plan_bytes(const Counts& c) {
    return console_inputs_at(c) + usize(c.console_inputs) * layout::console_input_bytes;
}

inline Bytes process_record(Bytes plan, u32 index) {
    return plan.slice(layout::header_bytes + usize(index) * layout::process_bytes, layout::process_bytes);
}
inline Bytes endpoint_record(Bytes plan, const Counts& c, u32 index) {
    return plan.slice(endpoints_at(c) + usize(index) * layout::endpoint_bytes, layout::endpoint_bytes);
}
inline Bytes grant_record(Bytes plan, const Counts& c, u32 index) {
    return plan.slice(grants_at(c) + usize(index) * layout::grant_bytes, layout::grant_bytes);
}
inline Bytes vm_record(Bytes plan, const Counts& c, u32 index) {
    return plan.slice(vms_at(c) + usize(index) * layout::vm_bytes, layout::vm_bytes);
}
inline Bytes port_record(Bytes plan, const Counts& c, u32 index) {
    return plan.slice(ports_at(c) + usize(index) * layout::port_bytes, layout::port_bytes);
}
inline Bytes partition_record(Bytes plan, const Counts& c, u32 index) {
    return plan.slice(partitions_at(c) + usize(index) * layout::partition_bytes, layout::partition_bytes);
}
inline Bytes disk_record(Bytes plan, const Counts& c, u32 index) {
    return plan.slice(disks_at(c) + usize(index) * layout::disk_bytes, layout::disk_bytes);
}
inline Bytes console_input_record(Bytes plan, const Counts& c, u32 index) {
    return plan.slice(console_inputs_at(c) + usize(index) * layout::console_input_bytes, layout::console_input_bytes);
}

bool all_zero(Bytes b);

// System and VM names: a-z 0-9 _ -. Process, channel and capability names may also hold
// '.' (the manifest keeps dots out of its process names, so "<vm>.vmm" is never taken).
enum class Alphabet { plain, dotted };

// Every name field holds the name, a NUL and NUL padding: one encoding, nothing hidden.
// length: the name's length.
Status<Error> check_padding(Bytes record, usize offset, usize bytes, usize& length);
// A non-empty name of the alphabet in a name_bytes field.
Status<Error> check_name(Bytes record, usize offset, Alphabet alphabet);
// A boot image entry name in an image_name_bytes field; empty allowed when optional.
Status<Error> check_entry_name(Bytes record, usize offset, bool optional);
// 0 to bytes - 1 printable ASCII characters (0x20-0x7e), a NUL and NUL padding; `bad` otherwise.
Status<Error> check_text(Bytes record, usize offset, usize bytes, Error bad);

// A hart list (count, reserved word, indices) at `at` + the field offsets of its record:
// at most max_harts distinct indices below max_harts, zero after them.
struct HartFields {
    usize count, reserved, index;
};
Status<Error> check_harts(Bytes record, HartFields at);
Harts load_harts(Bytes record, HartFields at);

// The virtual machine table, after the processes, endpoints and grants have been checked.
Status<Error> check_vms(Bytes plan, const Counts& c);

// The console: its service (a header field) and its inputs, after the VMs (an input may be
// a VM's VMM).
Status<Error> check_console(Bytes plan, const Counts& c);

// What the console gives a process of a checked (or a being-checked) plan (console_build):
// 0 when it is neither the service nor an input.
u32 console_caps(Bytes plan, const Counts& c, u32 process);

// The disk, port and partition tables, after the VMs and the console; then, for every
// process, that its grants, a VMM's VM capabilities, its console and its link capabilities
// fit its capability space, and that the startup page lists all but the link ones.
Status<Error> check_links(Bytes plan, const Counts& c);

// What a process is to the networks and disks of a checked (or a being-checked) plan.
LinkRoles link_roles(Bytes plan, const Counts& c, u32 process);

} // namespace isok::plan::detail

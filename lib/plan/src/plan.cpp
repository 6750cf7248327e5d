// System plan reader: validates an untrusted plan completely before the root builds anything.
#include <isok/abi.hpp>
#include <isok/boot_image.hpp>
#include <isok/plan.hpp>
#include <isok/startup.hpp>
#include <isok/string.hpp>
#include "plan_internal.hpp"

namespace isok::plan {
namespace detail {

bool all_zero(Bytes b) {
    for (usize i = 0; i < b.size(); ++i)
        if (b.data()[i]) return false;
    return true;
}

namespace {
constexpr bool name_char(char c, Alphabet a) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           (c == '.' && a == Alphabet::dotted);
}
} // namespace

Status<Error> check_padding(Bytes record, usize offset, usize bytes, usize& length) {
    length = str_length_bounded(text(record, offset), bytes);
    if (length == bytes) return fail(Error::name_unterminated);
    if (!all_zero(record.slice(offset + length, bytes - length))) return fail(Error::name_not_padded);
    return {};
}

Status<Error> check_name(Bytes record, usize offset, Alphabet alphabet) {
    usize length = 0;
    if (auto s = check_padding(record, offset, layout::name_bytes, length); !s) return s;
    if (length == 0) return fail(Error::name_bad);
    for (usize i = 0; i < length; ++i)
        if (!name_char(text(record, offset)[i], alphabet)) return fail(Error::name_bad);
    return {};
}

// Entries are looked up in the boot image, so their names obey the boot image's rule.
Status<Error> check_entry_name(Bytes record, usize offset, bool optional) {
    usize length = 0;
    if (auto s = check_padding(record, offset, layout::image_name_bytes, length); !s) return s;
    if (length == 0 && optional) return {};
    if (!bootimage::check_name(text(record, offset), length)) return fail(Error::name_bad);
    return {};
}

Status<Error> check_text(Bytes record, usize offset, usize bytes, Error bad) {
    usize length = 0;
    if (auto s = check_padding(record, offset, bytes, length); !s) return s;
    for (usize i = 0; i < length; ++i) {
        char c = text(record, offset)[i];
        if (c < ' ' || c > '~') return fail(bad);
    }
    return {};
}

Status<Error> check_harts(Bytes record, HartFields at) {
    if (load32(record, at.reserved)) return fail(Error::reserved_not_zero);
    u32 count = load32(record, at.count);
    if (count > layout::max_harts) return fail(Error::bad_harts);
    Bytes index = record.slice(at.index, layout::max_harts);
    if (index.size() != layout::max_harts || !all_zero(index.slice(count, layout::max_harts - count)))
        return fail(Error::bad_harts);
    for (u32 i = 0; i < count; ++i) {
        if (index.data()[i] >= layout::max_harts) return fail(Error::bad_harts);
        for (u32 j = i + 1; j < count; ++j)
            if (index.data()[i] == index.data()[j]) return fail(Error::bad_harts);
    }
    return {};
}

Harts load_harts(Bytes record, HartFields at) {
    Harts h;
    Bytes index = record.slice(at.index, layout::max_harts);
    h.count = load32(record, at.count);
    for (u32 i = 0; i < h.count && i < index.size(); ++i) h.index[i] = index.data()[i];
    return h;
}

} // namespace detail

namespace {

using namespace layout;
using namespace detail;

constexpr HartFields process_harts{process_field::hart_count, process_field::hart_reserved, process_field::harts};

Status<Error> check_header(Bytes b, Counts& c) {
    if (b.size() < sizeof(magic)) return fail(Error::truncated);
    for (usize i = 0; i < sizeof(magic); ++i)
        if (b.data()[i] != u8(magic[i])) return fail(Error::bad_magic);
    if (b.size() < header_bytes) return fail(Error::truncated);
    if (load32(b, header_field::version) != version) return fail(Error::bad_version);
    c = {load32(b, header_field::process_count), load32(b, header_field::endpoint_count),
         load32(b, header_field::grant_count),   load32(b, header_field::vm_count),
         load32(b, header_field::port_count),    load32(b, header_field::partition_count),
         load32(b, header_field::disk_count),    load32(b, header_field::console_input_count)};
    if (c.processes > max_processes || c.endpoints > max_endpoints || c.grants > max_grants || c.vms > max_vms ||
        c.ports > max_ports || c.partitions > max_partitions || c.disks > max_disks ||
        c.console_inputs > max_console_inputs)
        return fail(Error::too_many);
    if (load64(b, header_field::size) != plan_bytes(c)) return fail(Error::bad_size);
    if (b.size() < plan_bytes(c)) return fail(Error::truncated);
    return check_name(b, header_field::system, Alphabet::plain);
}

Status<Error> check_limits(Bytes r) {
    u32 priority = load32(r, process_field::priority);
    if (priority == 0 || priority >= abi::max_priority) return fail(Error::bad_priority);
    u32 max_priority = load32(r, process_field::max_priority);
    if (max_priority && (max_priority < priority || max_priority >= abi::max_priority)) return fail(Error::bad_priority);
    u32 slice = load32(r, process_field::time_slice);
    if (slice == 0 || slice > max_time_slice) return fail(Error::bad_time_slice);
    u32 slots = load32(r, process_field::cap_slots);
    if (slots < min_cap_slots || slots > max_cap_slots) return fail(Error::bad_cap_slots);
    u64 budget = load64(r, process_field::budget), stack = load64(r, process_field::stack);
    if (!budget || !stack || !is_aligned(budget, page) || !is_aligned(stack, page)) return fail(Error::bad_memory);
    return {};
}

// Either no handler at all, or another process, its faults endpoint and a non-zero badge.
Status<Error> check_fault_handler(Bytes plan, Counts c, u32 index) {
    Bytes r = process_record(plan, index);
    u32 handler = load32(r, process_field::fault_handler), endpoint = load32(r, process_field::fault_endpoint);
    u64 badge = load64(r, process_field::fault_badge);
    if (handler == none) {
        if (endpoint != none || badge) return fail(Error::bad_fault_handler);
        return {};
    }
    if (handler >= c.processes || handler == index || endpoint >= c.endpoints || !badge)
        return fail(Error::bad_fault_handler);
    Bytes e = endpoint_record(plan, c, endpoint);
    if (load32(e, endpoint_field::kind) != u32(EndpointKind::faults) || load32(e, endpoint_field::server) != handler)
        return fail(Error::bad_fault_handler);
    return {};
}

// A policy the root knows, a limit that goes with it, and no restart of a process whose
// faults another process handles: the root would never learn it ended.
Status<Error> check_restart(Bytes r) {
    u32 policy = load32(r, process_field::restart), limit = load32(r, process_field::restart_limit);
    if (policy > u32(Restart::always)) return fail(Error::bad_restart);
    if (policy == u32(Restart::never)) return limit ? fail(Error::bad_restart) : Status<Error>{};
    if (limit == 0 || limit > max_restart_limit) return fail(Error::bad_restart);
    if (load32(r, process_field::fault_handler) != none) return fail(Error::bad_restart);
    return {};
}

// Grants come in process order without gaps, and fit the capability space and the startup page.
Status<Error> check_grant_range(Bytes r, u32& next_grant) {
    u32 first = load32(r, process_field::first_grant), count = load32(r, process_field::grant_count);
    if (first != next_grant || count > startup::max_caps || count > max_grants - first)
        return fail(Error::bad_grant_range);
    if (startup::first_grant_slot + count > load32(r, process_field::cap_slots)) return fail(Error::bad_grant_range);
    next_grant = first + count;
    return {};
}

Status<Error> check_process(Bytes plan, Counts c, u32 index, u32& next_grant) {
    Bytes r = process_record(plan, index);
    if (auto s = check_name(r, process_field::name, Alphabet::dotted); !s) return s;
    if (auto s = check_entry_name(r, process_field::image, false); !s) return s;
    if (auto s = check_text(r, process_field::args, args_bytes, Error::bad_args); !s) return s;
    if (auto s = check_limits(r); !s) return s;
    if (auto s = check_harts(r, process_harts); !s) return s;
    if (auto s = check_fault_handler(plan, c, index); !s) return s;
    if (auto s = check_restart(r); !s) return s;
    return check_grant_range(r, next_grant);
}

Status<Error> check_endpoint(Bytes plan, Counts c, u32 index) {
    Bytes r = endpoint_record(plan, c, index);
    if (auto s = check_name(r, endpoint_field::name, Alphabet::dotted); !s) return s;
    if (load32(r, endpoint_field::reserved)) return fail(Error::reserved_not_zero);
    u32 kind = load32(r, endpoint_field::kind), flags = load32(r, endpoint_field::flags);
    if (kind != u32(EndpointKind::channel) && kind != u32(EndpointKind::faults)) return fail(Error::bad_kind);
    if (load32(r, endpoint_field::server) >= c.processes) return fail(Error::bad_server);
    // Exceptions carry no capabilities, so a faults endpoint has no use for the grant flag.
    if ((flags & ~flag_grant) || (kind == u32(EndpointKind::faults) && flags)) return fail(Error::bad_flags);
    return {};
}

// What a role needs of its endpoint: a server or fault handler receives on an endpoint it
// serves; a client sends on a channel someone else serves.
Status<Error> check_role(Bytes endpoint, u32 role, u32 process) {
    u32 kind = load32(endpoint, endpoint_field::kind);
    bool serves = load32(endpoint, endpoint_field::server) == process;
    switch (Role(role)) {
    case Role::server:
        if (kind != u32(EndpointKind::channel)) return fail(Error::bad_endpoint);
        return serves ? Status<Error>{} : fail(Error::bad_server);
    case Role::client:
        if (kind != u32(EndpointKind::channel)) return fail(Error::bad_endpoint);
        return serves ? fail(Error::bad_server) : Status<Error>{};
    case Role::faults:
        if (kind != u32(EndpointKind::faults)) return fail(Error::bad_endpoint);
        return serves ? Status<Error>{} : fail(Error::bad_server);
    }
    return fail(Error::bad_role);
}

Status<Error> check_grant(Bytes plan, Counts c, u32 process, u32 index) {
    Bytes p = process_record(plan, process);
    Bytes r = grant_record(plan, c, load32(p, process_field::first_grant) + index);
    if (auto s = check_name(r, grant_field::name, Alphabet::dotted); !s) return s;
    if (load64(r, grant_field::reserved)) return fail(Error::reserved_not_zero);
    if (load32(r, grant_field::slot) != startup::first_grant_slot + index) return fail(Error::bad_slot);
    if (load32(r, grant_field::rights) & ~u32(abi::rights::all)) return fail(Error::bad_rights);
    u32 endpoint = load32(r, grant_field::endpoint);
    if (endpoint >= c.endpoints) return fail(Error::bad_endpoint);
    return check_role(endpoint_record(plan, c, endpoint), load32(r, grant_field::role), process);
}

// Names a process finds its capabilities by must tell them apart.
Status<Error> check_grant_names(Bytes plan, Counts c, u32 process) {
    Bytes p = process_record(plan, process);
    u32 first = load32(p, process_field::first_grant), count = load32(p, process_field::grant_count);
    for (u32 i = 0; i < count; ++i)
        for (u32 j = i + 1; j < count; ++j)
            if (str_equal(text(grant_record(plan, c, first + i), grant_field::name),
                          text(grant_record(plan, c, first + j), grant_field::name)))
                return fail(Error::name_duplicate);
    return {};
}

// Unique process names; unique fault badges per handler, so a handler knows who faulted.
Status<Error> check_process_pairs(Bytes plan, u32 processes) {
    for (u32 i = 0; i < processes; ++i) {
        Bytes a = process_record(plan, i);
        for (u32 j = i + 1; j < processes; ++j) {
            Bytes b = process_record(plan, j);
            if (str_equal(text(a, process_field::name), text(b, process_field::name)))
                return fail(Error::name_duplicate);
            u32 handler = load32(a, process_field::fault_handler);
            if (handler != none && handler == load32(b, process_field::fault_handler) &&
                load64(a, process_field::fault_badge) == load64(b, process_field::fault_badge))
                return fail(Error::bad_fault_handler);
        }
    }
    return {};
}

// Unique channel names; at most one faults endpoint per handler.
Status<Error> check_endpoint_pairs(Bytes plan, Counts c) {
    for (u32 i = 0; i < c.endpoints; ++i) {
        Bytes a = endpoint_record(plan, c, i);
        for (u32 j = i + 1; j < c.endpoints; ++j) {
            Bytes b = endpoint_record(plan, c, j);
            u32 kind = load32(a, endpoint_field::kind);
            if (kind != load32(b, endpoint_field::kind)) continue;
            bool same = kind == u32(EndpointKind::channel)
                            ? str_equal(text(a, endpoint_field::name), text(b, endpoint_field::name))
                            : load32(a, endpoint_field::server) == load32(b, endpoint_field::server);
            if (same) return fail(Error::name_duplicate);
        }
    }
    return {};
}

Status<Error> check_tables(Bytes plan, Counts c) {
    for (u32 i = 0; i < c.endpoints; ++i)
        if (auto s = check_endpoint(plan, c, i); !s) return s;
    u32 next_grant = 0;
    for (u32 i = 0; i < c.processes; ++i)
        if (auto s = check_process(plan, c, i, next_grant); !s) return s;
    if (next_grant != c.grants) return fail(Error::bad_grant_range);
    for (u32 p = 0; p < c.processes; ++p) {
        for (u32 i = 0; i < load32(process_record(plan, p), process_field::grant_count); ++i)
            if (auto s = check_grant(plan, c, p, i); !s) return s;
        if (auto s = check_grant_names(plan, c, p); !s) return s;
    }
    if (auto s = check_process_pairs(plan, c.processes); !s) return s;
    if (auto s = check_endpoint_pairs(plan, c); !s) return s;
    if (auto s = check_vms(plan, c); !s) return s;
    if (auto s = check_console(plan, c); !s) return s;
    return check_links(plan, c);
}

} // namespace

Result<Plan, Error> Plan::open(Bytes available) {
    Counts c;
    if (auto s = check_header(available, c); !s) return fail(s.error());
    Bytes plan = available.slice(0, plan_bytes(c));
    if (auto s = check_tables(plan, c); !s) return fail(s.error());
    const Tables tables{c.processes, c.endpoints, c.grants, c.vms, c.ports, c.partitions, c.disks, c.console_inputs};
    return Plan(plan, tables, load32(plan, header_field::console_service));
}

const char* Plan::system() const { return plan_.size() ? text(plan_, header_field::system) : ""; }

namespace {
// A stored 0 means "no maximum of its own": the priority itself.
u32 max_priority_of(Bytes process) {
    u32 stored = load32(process, process_field::max_priority);
    return stored ? stored : load32(process, process_field::priority);
}
} // namespace

Result<Process, Error> Plan::process(u32 index) const {
    if (index >= processes_) return fail(Error::not_found);
    Bytes r = process_record(plan_, index);
    return Process{
        .name = text(r, process_field::name),
        .image = text(r, process_field::image),
        .budget = load64(r, process_field::budget),
        .stack = load64(r, process_field::stack),
        .priority = load32(r, process_field::priority),
        .max_priority = max_priority_of(r),
        .time_slice = load32(r, process_field::time_slice),
        .cap_slots = load32(r, process_field::cap_slots),
        .fault_handler = load32(r, process_field::fault_handler),
        .fault_endpoint = load32(r, process_field::fault_endpoint),
        .fault_badge = load64(r, process_field::fault_badge),
        .grant_count = load32(r, process_field::grant_count),
        .args = text(r, process_field::args),
        .harts = load_harts(r, process_harts),
        .restart = Restart(load32(r, process_field::restart)),
        .restart_limit = load32(r, process_field::restart_limit),
    };
}

Result<Endpoint, Error> Plan::endpoint(u32 index) const {
    if (index >= endpoints_) return fail(Error::not_found);
    Bytes r = endpoint_record(plan_, Counts{.processes = processes_, .endpoints = endpoints_}, index);
    return Endpoint{
        .name = text(r, endpoint_field::name),
        .kind = EndpointKind(load32(r, endpoint_field::kind)),
        .server = load32(r, endpoint_field::server),
        .grant = (load32(r, endpoint_field::flags) & flag_grant) != 0,
    };
}

Result<Grant, Error> Plan::grant(u32 process, u32 index) const {
    if (process >= processes_) return fail(Error::not_found);
    Bytes p = process_record(plan_, process);
    if (index >= load32(p, process_field::grant_count)) return fail(Error::not_found);
    const Counts c{.processes = processes_, .endpoints = endpoints_, .grants = grants_};
    Bytes r = grant_record(plan_, c, load32(p, process_field::first_grant) + index);
    return Grant{
        .name = text(r, grant_field::name),
        .slot = load32(r, grant_field::slot),
        .endpoint = load32(r, grant_field::endpoint),
        .rights = load32(r, grant_field::rights),
        .badge = load64(r, grant_field::badge),
        .role = Role(load32(r, grant_field::role)),
    };
}

Result<u32, Error> Plan::find_process(const char* name) const {
    for (u32 i = 0; i < processes_; ++i)
        if (str_equal(text(process_record(plan_, i), process_field::name), name)) return i;
    return fail(Error::not_found);
}

const char* describe(Error e) {
    switch (e) {
    case Error::truncated: return "plan is shorter than its header or its declared size";
    case Error::bad_magic: return "not a system plan (magic is not \"ISOKPLAN\")";
    case Error::bad_version: return "unsupported system plan version";
    case Error::too_many:
        return "more processes, endpoints, grants, VMs, ports, partitions, disks or console inputs than the format "
               "allows";
    case Error::bad_size: return "declared plan size does not match the table counts";
    case Error::name_unterminated: return "a name is not NUL-terminated within its field";
    case Error::name_bad: return "a name is empty or has a character outside its alphabet";
    case Error::name_not_padded: return "bytes after a name's terminator are not zero";
    case Error::name_too_long: return "a name is longer than its field holds";
    case Error::name_duplicate:
        return "two processes, VMs, channels, networks, disks, partitions or capabilities of a process share a name";
    case Error::reserved_not_zero: return "reserved bytes are not zero";
    case Error::bad_priority: return "process or VM priority outside 1..254, or a maximum priority below it";
    case Error::bad_time_slice: return "process or VM time slice outside 1..1000";
    case Error::bad_cap_slots: return "process capability space size outside 16..4096";
    case Error::bad_memory: return "a budget, stack or guest RAM size is out of range or not a multiple of 4 KiB";
    case Error::bad_fault_handler: return "fault handler, its endpoint or its badge is inconsistent";
    case Error::bad_grant_range: return "grants out of process order or more than the capability space holds";
    case Error::bad_endpoint: return "grant names an endpoint that does not exist or is of the wrong kind";
    case Error::bad_server: return "endpoint server is not a process, or a grant's role disagrees with it";
    case Error::bad_kind: return "unknown endpoint kind";
    case Error::bad_flags: return "unknown endpoint flags";
    case Error::bad_slot: return "grant slot is not the next one after the previous grant";
    case Error::bad_role: return "unknown grant role";
    case Error::bad_rights: return "grant rights outside the known rights";
    case Error::bad_vcpus: return "VM vCPU count outside 1..8";
    case Error::bad_devices: return "unknown VM device bits";
    case Error::bad_vmm: return "VM's VMM is not a process, serves two VMs, or lacks slots for the VM's capabilities";
    case Error::bad_bootargs: return "VM boot arguments hold a character outside printable ASCII";
    case Error::bad_args: return "process arguments hold a character outside printable ASCII";
    case Error::bad_restart:
        return "a process's restart policy is unknown, its limit out of range, or another process handles its faults";
    case Error::bad_network: return "ports out of network order, or one network with two names or two switches";
    case Error::bad_mac: return "a port's MAC address is not unicast, not zero-padded, or used twice";
    case Error::bad_switch: return "a port's switch is not a process";
    case Error::bad_member: return "a port's or partition's member is no process, its own switch or service, or serves links";
    case Error::bad_disk: return "a partition names no disk, or partitions are out of disk order";
    case Error::bad_service: return "a disk's service is not a process, serves two disks, or disagrees with a partition";
    case Error::bad_sectors: return "a partition is not a whole number of pages or not back to back from sector 2048";
    case Error::too_many_links: return "a process has more ports or partitions than its Links page holds";
    case Error::too_many_caps:
        return "a process's grants, link and console capabilities do not fit its capability space or startup page";
    case Error::bad_harts:
        return "a process's or VM's harts: more than 8, an index above 7, one twice, or bytes after them not zero";
    case Error::bad_console:
        return "the console service is not a process or is a VMM, or there are inputs without one";
    case Error::bad_console_input:
        return "a console input is no process, is the service, is listed twice, or is named unlike its process or VM";
    case Error::not_found: return "no such process, endpoint, grant, VM, port, partition, disk or console input";
    }
    return "unknown error";
}

} // namespace isok::plan

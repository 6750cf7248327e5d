// The system plan: the compiled, binary form of the system manifest that the root process
// builds the system from. Byte layout: docs/plan-format.md; isotool writes it.
#pragma once
#include <isok/abi.hpp>
#include <isok/bytes.hpp>
#include <isok/frame_ring.hpp>
#include <isok/links.hpp>
#include <isok/result.hpp>
#include <isok/types.hpp>
#include <isok/vm_config.hpp>

namespace isok::plan {

// The format in numbers; docs/plan-format.md says the same in tables.
namespace layout {
inline constexpr char magic[8] = {'I', 'S', 'O', 'K', 'P', 'L', 'A', 'N'};
inline constexpr u32 version = 6;
inline constexpr usize header_bytes = 88;
inline constexpr usize process_bytes = 416;
inline constexpr usize endpoint_bytes = 48;
inline constexpr usize grant_bytes = 64;
inline constexpr usize vm_bytes = 440;
inline constexpr usize port_bytes = 56;
inline constexpr usize partition_bytes = 64;
inline constexpr usize disk_bytes = 40;
inline constexpr usize console_input_bytes = 40;
inline constexpr usize name_bytes = 32;       // a name, its NUL and NUL padding (as startup::Cap)
inline constexpr usize image_name_bytes = 48; // a boot image entry name field
inline constexpr usize bootargs_bytes = 256;  // as vm::Config::bootargs
inline constexpr usize args_bytes = 256;      // as startup::Info::args
inline constexpr u32 max_processes = 64;      // VMMs included
inline constexpr u32 max_endpoints = 256;
inline constexpr u32 max_grants = 4096;
inline constexpr u32 max_vms = 32;
inline constexpr u32 max_harts = 8; // entries of a hart list, and one more than the highest index
// A switch serves at most links::max_ports ports and a block service one disk of at most
// links::max_partitions partitions, so these never bind a plan the per-process limits allow.
inline constexpr u32 max_ports = 2048;
inline constexpr u32 max_partitions = 1024;
inline constexpr u32 max_disks = max_processes;
inline constexpr u32 max_console_inputs = 32;
// Network, disk and partition names leave room for the suffixes of the capability names
// the root derives from them (".signal", ".device", ".buffer").
inline constexpr usize max_link_name = 24;
inline constexpr u64 mac_bytes = 6;
inline constexpr u64 sector_bytes = 512;
inline constexpr u64 page_sectors = 8;               // a partition is a whole number of pages
inline constexpr u64 first_partition_sector = 2048;  // 1 MiB: the first partition's start
inline constexpr u64 max_disk_sectors = u64(1) << 40; // 512 TiB: no sum of sizes can wrap
inline constexpr u32 min_cap_slots = 16;
inline constexpr u32 max_cap_slots = 4096;
inline constexpr u32 max_time_slice = 1000;
inline constexpr u32 max_restart_limit = 1000; // restarts of one process or VM
inline constexpr u64 page = 4 * KiB;
inline constexpr u32 flag_grant = 1; // endpoint flags: clients may send capabilities along
inline constexpr u64 min_vm_memory = 4 * MiB;
// Guest RAM is mapped whole into the VMM at vm::vmm_guest_ram_address, below user_space_end.
inline constexpr u64 max_vm_memory = abi::user_space_end - vm::vmm_guest_ram_address;
inline constexpr u32 known_devices =
    u32(vm::device::uart | vm::device::virtio_console | vm::device::virtio_net | vm::device::virtio_block);

namespace header_field {
inline constexpr usize magic = 0;           // 8 bytes
inline constexpr usize version = 8;         // u32
inline constexpr usize process_count = 12;  // u32
inline constexpr usize endpoint_count = 16; // u32
inline constexpr usize grant_count = 20;    // u32
inline constexpr usize size = 24;           // u64, bytes of the whole plan
inline constexpr usize system = 32;         // name_bytes
inline constexpr usize vm_count = 64;       // u32
inline constexpr usize port_count = 68;     // u32
inline constexpr usize partition_count = 72; // u32
inline constexpr usize disk_count = 76;     // u32
inline constexpr usize console_service = 80; // u32, process index or none
inline constexpr usize console_input_count = 84; // u32
} // namespace header_field

namespace process_field {
inline constexpr usize name = 0;             // name_bytes
inline constexpr usize image = 32;           // image_name_bytes
inline constexpr usize budget = 80;          // u64
inline constexpr usize stack = 88;           // u64
inline constexpr usize fault_badge = 96;     // u64
inline constexpr usize priority = 104;       // u32
inline constexpr usize time_slice = 108;     // u32
inline constexpr usize cap_slots = 112;      // u32
inline constexpr usize fault_handler = 116;  // u32, process index or none
inline constexpr usize fault_endpoint = 120; // u32, endpoint index or none
inline constexpr usize first_grant = 124;    // u32
inline constexpr usize grant_count = 128;    // u32
inline constexpr usize max_priority = 132;   // u32, priority..254, or 0: the same as priority
inline constexpr usize args = 136;           // args_bytes
inline constexpr usize hart_count = 392;     // u32, 0..max_harts; 0: none given
inline constexpr usize hart_reserved = 396;  // u32, zero
inline constexpr usize harts = 400;          // max_harts bytes: hart indices, then zero
inline constexpr usize restart = 408;        // u32, Restart
inline constexpr usize restart_limit = 412;  // u32, 0 for never, 1..max_restart_limit otherwise
} // namespace process_field

namespace endpoint_field {
inline constexpr usize name = 0;      // name_bytes
inline constexpr usize kind = 32;     // u32
inline constexpr usize server = 36;   // u32, process index
inline constexpr usize flags = 40;    // u32
inline constexpr usize reserved = 44; // u32, zero
} // namespace endpoint_field

namespace grant_field {
inline constexpr usize name = 0;      // name_bytes
inline constexpr usize badge = 32;    // u64
inline constexpr usize slot = 40;     // u32
inline constexpr usize endpoint = 44; // u32, endpoint index
inline constexpr usize rights = 48;   // u32, isok::abi::rights
inline constexpr usize role = 52;     // u32
inline constexpr usize reserved = 56; // u64, zero
} // namespace grant_field

namespace vm_field {
inline constexpr usize name = 0;        // name_bytes
inline constexpr usize kernel = 32;     // image_name_bytes
inline constexpr usize initrd = 80;     // image_name_bytes, all zero for none
inline constexpr usize memory = 128;    // u64, bytes of guest RAM
inline constexpr usize budget = 136;    // u64, bytes moved to the VM's domain
inline constexpr usize vcpus = 144;     // u32
inline constexpr usize priority = 148;  // u32
inline constexpr usize time_slice = 152; // u32
inline constexpr usize devices = 156;   // u32, vm::device bits
inline constexpr usize vmm = 160;       // u32, process index
inline constexpr usize reserved = 164;  // u32, zero
inline constexpr usize bootargs = 168;  // bootargs_bytes
inline constexpr usize hart_count = 424;    // u32, 0..max_harts; 0: none given
inline constexpr usize hart_reserved = 428; // u32, zero
inline constexpr usize harts = 432;         // max_harts bytes: hart indices, then zero
} // namespace vm_field

namespace port_field {
inline constexpr usize network = 0;        // name_bytes
inline constexpr usize network_index = 32; // u32
inline constexpr usize switch_process = 36; // u32, process index
inline constexpr usize member = 40;        // u32, process index
inline constexpr usize reserved = 44;      // u32, zero
inline constexpr usize mac = 48;           // mac_bytes, then two zero bytes
} // namespace port_field

namespace partition_field {
inline constexpr usize name = 0;          // name_bytes
inline constexpr usize disk = 32;         // u32, disk index
inline constexpr usize service = 36;      // u32, process index
inline constexpr usize member = 40;       // u32, process index
inline constexpr usize reserved = 44;     // u32, zero
inline constexpr usize first_sector = 48; // u64
inline constexpr usize sectors = 56;      // u64
} // namespace partition_field

namespace disk_field {
inline constexpr usize name = 0;      // name_bytes
inline constexpr usize service = 32;  // u32, process index
inline constexpr usize reserved = 36; // u32, zero
} // namespace disk_field

namespace console_input_field {
inline constexpr usize name = 0;      // name_bytes: the process's or VM's manifest name
inline constexpr usize process = 32;  // u32, process index (a VM's VMM)
inline constexpr usize reserved = 36; // u32, zero
} // namespace console_input_field
} // namespace layout

// What the root gives every VM, beyond the plan's numbers: the VM domain's capability
// space, and where a VMM finds its guest's kernel and initrd (read-only, straight from the
// boot image). isotool's budget rule counts with the same numbers.
namespace vm_build {
inline constexpr u32 domain_cap_slots = 16;
inline constexpr u64 kernel_address = 0x800000000;  // 32 GiB
inline constexpr u64 initrd_address = 0xc00000000;  // 48 GiB
inline constexpr u64 image_window = 0x400000000;    // 16 GiB: the most either may take
// Capabilities the root grants a VMM beyond its plan grants: "vm", "memory", "exits",
// then one per vCPU.
inline constexpr u32 vmm_caps = 3;
} // namespace vm_build

// What the root gives the processes of networks and disks beyond their plan grants (and a
// VMM's VM capabilities), in this order and in the slots that follow (docs/manifest.md,
// "Networks and disks"); isotool's budget and slot rules count with the same numbers.
namespace links_build {
inline constexpr u32 switch_caps = 1;                // "doorbell"
inline constexpr u32 switch_caps_per_port = 2;       // "port<i>.ring", "port<i>.signal"
inline constexpr u32 member_caps_per_port = 3;       // "<network>.ring", "<network>.signal", "<network>.wait"
inline constexpr u32 service_caps = 3;               // "<disk>", "<disk>.device", "<disk>.irq"
inline constexpr u32 service_caps_per_partition = 1; // "<partition>.buffer"
inline constexpr u32 client_caps_per_partition = 2;  // "<partition>", "<partition>.buffer"
inline constexpr u64 ring_bytes = align_up(frame_ring::region_bytes, layout::page); // one port's rings
static_assert(ring_bytes <= links::ring_stride && links::buffer_bytes <= links::buffer_stride);
} // namespace links_build

// What the root gives the console service and its inputs (docs/manifest.md, "Console"),
// after a process's grants and a VMM's VM capabilities and before its link capabilities,
// so that its startup page always lists them; isotool's slot and budget rules count with
// the same numbers.
namespace console_build {
inline constexpr u32 service_caps = 3;           // "console", "uart", "uart.irq"
inline constexpr u32 service_caps_per_input = 1; // "<input>": the input's notification
inline constexpr u32 input_caps = 2;             // "console", "console.wait"
} // namespace console_build

inline constexpr u32 none = ~u32{0}; // no fault handler, no fault endpoint, no console

enum class EndpointKind : u32 {
    channel = 1, // a [[channel]] of the manifest
    faults = 2,  // where a fault handler receives the exceptions of the processes it handles
};

// When the root builds a process (a VMM: with its VM) again: after it ended how.
enum class Restart : u32 {
    never = 0,
    on_failure = 1, // after a fault, or an exit with a non-zero code
    always = 2,     // after any end, a clean exit too
};

enum class Role : u32 {
    server = 1, // receives on a channel
    client = 2, // sends on a channel, badged with its 1-based place among the clients
    faults = 3, // receives the exceptions of the processes it handles
};

// Why a plan was refused; describe() says it in words.
enum class Error : u8 {
    truncated,
    bad_magic,
    bad_version,
    too_many,           // a count above its layout::max_*
    bad_size,           // the size field disagrees with the counts
    name_unterminated,
    name_bad,           // empty, or a character outside the name's alphabet
    name_not_padded,
    name_too_long,      // (writer only) longer than its field
    name_duplicate,
    reserved_not_zero,
    bad_priority,
    bad_time_slice,
    bad_cap_slots,
    bad_memory,         // budget, stack or guest RAM out of range or not a page multiple
    bad_fault_handler,
    bad_grant_range,    // grants not in process order, or more than the slots hold
    bad_endpoint,       // an index past the endpoints, or the wrong kind of endpoint
    bad_server,
    bad_kind,
    bad_flags,
    bad_slot,
    bad_role,
    bad_rights,
    bad_vcpus,
    bad_devices,
    bad_vmm,            // no such process, the VMM of two VMs, or too few slots for the VM's caps
    bad_bootargs,
    bad_args,           // process arguments hold a character outside printable ASCII
    bad_restart,        // an unknown policy, a limit out of range, or a restart of a process another handles
    bad_network,        // ports out of network order, or one network with two names or switches
    bad_mac,            // not a unicast address, not zero-padded, or two ports with one address
    bad_switch,         // no such process
    bad_member,         // no such process, the switch or service itself, or one that serves links
    bad_disk,           // a partition of no disk, or partitions out of disk order
    bad_service,        // no such process, the service of two disks, or not its disk's service
    bad_sectors,        // a partition's sectors are not whole pages or not back to back from 1 MiB
    too_many_links,     // more ports or partitions for one process than its Links page holds
    too_many_caps,      // grants and link capabilities that do not fit a capability space
    bad_harts,          // a hart list longer than max_harts, an index past it, one twice, or not zero-padded
    bad_console,        // the console service is no process or a VMM, or there are inputs without one
    bad_console_input,  // an input is no process, the service, listed twice, or named unlike its process or VM
    not_found,
};

const char* describe(Error e);

// Where the threads of a process or VM run: hart indices (0 is the boot hart), each once.
// The root places a process's first thread on index[0] and vCPU i on index[i % count];
// count 0 leaves the placement to the root (docs/manifest.md, "Harts").
struct Harts {
    u32 count = 0;
    u8 index[layout::max_harts] = {};
};

// A process to build. Names point into the plan and are NUL-terminated.
struct Process {
    const char* name = "";
    const char* image = ""; // the boot image entry (kind program) holding its ELF
    u64 budget = 0;         // bytes of kernel memory and frames charged to it
    u64 stack = 0;          // bytes, a page multiple
    u32 priority = 0;       // 1..254
    u32 max_priority = 0;   // priority..254: the most its threads may give any thread (its domain's)
    u32 time_slice = 0;     // ticks, 1..max_time_slice
    u32 cap_slots = 0;      // capability space size
    u32 fault_handler = none;  // process index
    u32 fault_endpoint = none; // endpoint index (kind faults, served by fault_handler)
    u64 fault_badge = 0;       // what the handler sees as the badge of this process's exceptions
    u32 grant_count = 0;       // grant(process, 0 .. grant_count-1)
    const char* args = "";     // for startup::Info::args: printable ASCII, at most 255 characters
    Harts harts;               // count 0: unset
    Restart restart = Restart::never; // a VMM's is its VM's
    u32 restart_limit = 0;            // how many times at most; 0 with never
};

struct Endpoint {
    const char* name = "";
    EndpointKind kind{};
    u32 server = 0; // process index
    bool grant = false;
};

// A capability the root places in a process's capability space and lists on its startup page.
struct Grant {
    const char* name = ""; // the name the process finds it by
    u64 slot = 0;          // startup::first_grant_slot + its place in the process's list
    u32 endpoint = 0;
    u32 rights = 0;
    u64 badge = 0;
    Role role{};
};

// A virtual machine to build; its VMM is process `vmm` of the plan.
struct Vm {
    const char* name = "";
    const char* kernel = ""; // the boot image entry (kind guest_kernel)
    const char* initrd = ""; // the boot image entry (kind guest_initrd); "" for none
    u64 memory = 0;          // bytes of guest RAM, at vm::guest_ram_base
    u64 budget = 0;          // bytes moved to the VM's domain: RAM, vCPUs, G-stage tables
    u32 vcpus = 0;           // 1..vm::max_vcpus
    u32 priority = 0;        // of every vCPU, 1..254
    u32 time_slice = 0;      // of every vCPU
    u32 devices = 0;         // vm::device bits
    u32 vmm = 0;             // process index
    const char* bootargs = "";
    Harts harts;             // count 0: unset
};

// A port on a virtual switch: the switch process serves it, the member (a process, or the
// VMM of a VM) sends and receives through it. Ports come in network order.
struct Port {
    const char* network = "";
    u32 network_index = 0;  // ports with the same index are one network
    u32 switch_process = 0; // process index
    u32 member = 0;         // process index
    u8 mac[layout::mac_bytes] = {};
};

// A partition of a virtual disk, served by the disk's block service to its member.
// Partitions come in disk order, back to back from layout::first_partition_sector.
struct Partition {
    const char* name = "";
    u32 disk = 0;
    u32 service = 0; // process index, the disk's service
    u32 member = 0;  // process index
    u64 first_sector = 0;
    u64 sectors = 0; // 512-byte sectors, a whole number of pages
};

struct Disk {
    const char* name = "";
    u32 service = 0; // process index
};

// A domain that may take typed input from the console service, in focus order.
struct ConsoleInput {
    const char* name = ""; // the manifest's name: a process's, or a VM's (not its VMM's)
    u32 process = 0;       // process index; for a VM, its VMM's
};

// What one process is to the networks and disks of a plan.
struct LinkRoles {
    u32 switch_ports = 0;       // ports it serves as a switch
    u32 member_ports = 0;       // ports it holds as a member
    u32 service_partitions = 0; // partitions it serves
    u32 client_partitions = 0;  // partitions it holds
    bool service = false;       // it serves a disk (a disk may have no partitions)
    bool any() const { return switch_ports || member_ports || service || client_partitions; }
    // The capabilities the root gives it for them (links_build).
    u32 caps() const;
};

// A validated plan. open() checks everything once: counts, sizes, every index, every name,
// every range. The accessors then cannot fail on the content, only on indices out of range.
class Plan {
public:
    // available: the plan's bytes (may extend past the plan's declared size).
    [[nodiscard]] static Result<Plan, Error> open(Bytes available);

    Plan() = default; // the empty plan: no processes

    const char* system() const;
    u32 process_count() const { return processes_; }
    u32 endpoint_count() const { return endpoints_; }
    u32 vm_count() const { return vms_; }
    Result<Process, Error> process(u32 index) const;
    Result<Endpoint, Error> endpoint(u32 index) const;
    Result<Grant, Error> grant(u32 process, u32 index) const;
    Result<u32, Error> find_process(const char* name) const;
    Result<Vm, Error> vm(u32 index) const;
    // The VM whose VMM the process is; not_found for an ordinary process.
    Result<u32, Error> vm_of(u32 process) const;

    u32 port_count() const { return ports_; }
    u32 partition_count() const { return partitions_; }
    u32 disk_count() const { return disks_; }
    Result<Port, Error> port(u32 index) const;
    Result<Partition, Error> partition(u32 index) const;
    Result<Disk, Error> disk(u32 index) const;
    // An empty LinkRoles for an index past the processes.
    LinkRoles link_roles(u32 process) const;

    bool has_console() const { return console_service_ != none; }
    u32 console_service() const { return console_service_; } // process index; none without a console
    u32 console_input_count() const { return console_inputs_; }
    Result<ConsoleInput, Error> console_input(u32 index) const;
    // The console input index (0-based) of a process, or not_found.
    Result<u32, Error> console_input_of(u32 process) const;

private:
    struct Tables {
        u32 processes, endpoints, grants, vms, ports, partitions, disks, console_inputs;
    };
    Plan(Bytes plan, const Tables& t, u32 console_service)
        : plan_(plan), processes_(t.processes), endpoints_(t.endpoints), grants_(t.grants), vms_(t.vms),
          ports_(t.ports), partitions_(t.partitions), disks_(t.disks), console_inputs_(t.console_inputs),
          console_service_(console_service) {}
    Bytes vm_record(u32 index) const;
    Bytes port_record(u32 index) const;
    Bytes partition_record(u32 index) const;
    Bytes disk_record(u32 index) const;
    Bytes console_input_record(u32 index) const;

    Bytes plan_;
    u32 processes_ = 0;
    u32 endpoints_ = 0;
    u32 grants_ = 0;
    u32 vms_ = 0;
    u32 ports_ = 0;
    u32 partitions_ = 0;
    u32 disks_ = 0;
    u32 console_inputs_ = 0;
    u32 console_service_ = none;
};

} // namespace isok::plan

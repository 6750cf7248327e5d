// The system manifest (TOML, schema in docs/manifest.md) read into a checked model: what
// `isotool check` reports on and `isotool build` compiles into a system plan.
#pragma once
#include "footprint.hpp"
#include <isok/types.hpp>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace isotool {

// Defaults and limits of the schema.
namespace manifest_rules {
inline constexpr isok::u64 default_priority = 100;
inline constexpr isok::u64 min_priority = 1;
inline constexpr isok::u64 max_priority = 254; // 255 is the root's
inline constexpr isok::u64 default_budget = 256 * isok::KiB;
inline constexpr isok::u64 default_stack = 16 * isok::KiB;
inline constexpr isok::u64 default_time_slice = 10;
inline constexpr isok::u64 max_time_slice = 1000;
inline constexpr isok::u64 default_caps = 64;
inline constexpr isok::u64 min_caps = 16;
inline constexpr isok::u64 max_caps = 4096;
inline constexpr std::size_t max_name_length = 31;
// Virtual machines. A VM's VMM is the process "<vm>.vmm", so VM names leave room for ".vmm".
inline constexpr std::size_t max_vm_name_length = max_name_length - 4;
inline constexpr isok::u64 default_vm_memory = 64 * isok::MiB;
inline constexpr isok::u64 min_vm_memory = 4 * isok::MiB;
inline constexpr isok::u64 default_vcpus = 1;
inline constexpr isok::u64 max_vcpus = 8;
inline constexpr std::size_t max_bootargs = 255;
inline constexpr const char* default_vmm = "vmm.elf";
inline constexpr isok::u64 vmm_stack = 64 * isok::KiB;
inline constexpr isok::u64 vmm_caps = 64;
// A VMM's default budget: what it needs to start, and this for what it creates later.
inline constexpr isok::u64 vmm_headroom = 128 * isok::KiB;
// Restarts of a process or VM (restart, restart_limit): how many at most by default and at all.
inline constexpr isok::u64 default_restart_limit = 3;
inline constexpr isok::u64 max_restart_limit = 1000; // isok::plan::layout::max_restart_limit
inline constexpr std::size_t max_args = 255; // startup::Info::args holds them and a NUL
// Networks, disks and partitions: their names become capability names with a suffix.
inline constexpr std::size_t max_link_name_length = 24;
// Hart lists: indices 0..max_hart, at most max_harts of them (isok::plan::layout::max_harts).
inline constexpr std::size_t max_harts = 8;
inline constexpr isok::u64 max_hart = max_harts - 1;
// The console's inputs (isok::plan::layout::max_console_inputs).
inline constexpr std::size_t max_console_inputs = 32;
} // namespace manifest_rules

// Where each key of a table was written, for messages that point at it.
struct Lines {
    int table = 0;                   // the line of its header: [system], [[process]], [console]...
    std::map<std::string, int> keys; // key -> line of its value
    int of(const std::string& key) const;
};

// What the root does when a process or VM ends (docs/manifest.md, "Restarts").
struct RestartPolicy {
    enum class When { never, on_failure, always };
    When when = When::never;
    isok::u64 limit = manifest_rules::default_restart_limit; // used unless never
};

struct Process {
    std::string name;
    std::string image;         // as written in the manifest
    std::string image_path;    // where it was found
    std::vector<isok::u8> elf; // its content, read once for checks and packing
    isok::u64 priority = manifest_rules::default_priority;
    isok::u64 max_priority = 0; // 0: the same as priority
    isok::u64 budget = manifest_rules::default_budget;
    isok::u64 stack = manifest_rules::default_stack;
    isok::u64 time_slice = manifest_rules::default_time_slice;
    isok::u64 caps = manifest_rules::default_caps;
    std::optional<std::string> fault_handler;
    std::string args; // for startup::Info::args
    std::vector<isok::u8> harts; // its first thread runs on harts[0]; empty: the root's choice
    RestartPolicy restart;
    Footprint need;   // the least budget it can run in, once checked
    Lines lines;
};

struct Channel {
    std::string name;
    std::string server;
    std::vector<std::string> clients;
    bool grant = false;
    Lines lines;
};

// A file a VM is given, as written in the manifest, where it was found, and its content.
struct GuestFile {
    std::string name;
    std::string path;
    std::vector<isok::u8> bytes;
};

struct Vm {
    std::string name;
    GuestFile kernel;
    std::optional<GuestFile> initrd;
    isok::u64 memory = manifest_rules::default_vm_memory;
    isok::u64 vcpus = manifest_rules::default_vcpus;
    isok::u64 priority = manifest_rules::default_priority;
    isok::u64 time_slice = manifest_rules::default_time_slice;
    std::string bootargs;
    std::vector<std::string> devices{"uart"};
    isok::u32 device_bits = 0;            // isok::vm::device, once checked
    std::vector<isok::u8> harts;          // vCPU i runs on harts[i % size]; empty: the root's choice
    GuestFile vmm{manifest_rules::default_vmm, {}, {}}; // the VMM's ELF
    std::optional<isok::u64> vmm_budget;  // as written; vmm_budget_bytes() otherwise
    RestartPolicy restart;                // the VM's with its VMM's
    VmFootprint need;                     // the VM's own domain, once checked
    Footprint vmm_need;                   // the least budget its VMM can run in, once checked
    Lines lines;

    isok::u64 vmm_budget_bytes() const { return vmm_budget.value_or(vmm_need.total() + manifest_rules::vmm_headroom); }
    // What the VM takes of the system's memory: its domain and its VMM.
    isok::u64 total() const { return need.total() + vmm_budget_bytes(); }
};

// One of a network's ports: the process or VM that holds it and the address it must send from.
struct Port {
    std::string domain;
    std::string mac;                      // as written
    std::array<isok::u8, 6> address{};    // once checked
    Lines lines;                          // of its inline table
};

struct Network {
    std::string name;
    std::string switch_process; // the key "switch"
    std::vector<Port> ports;
    Lines lines;
};

// One of a disk's partitions, laid out back to back from 1 MiB in the order written.
struct Partition {
    std::string name;
    std::string domain;
    isok::u64 size = 0; // bytes, a page multiple
    Lines lines;
};

struct Disk {
    std::string name;
    std::string service;
    std::vector<Partition> partitions;
    Lines lines;
};

// The [console] table: the process that owns the UART and who may take typed input.
struct Console {
    std::string service;
    std::vector<std::string> inputs; // processes and VMs, in focus order
    Lines lines;
};

struct Manifest {
    std::string path;
    std::string name;
    std::optional<isok::u64> memory; // [system] memory: the most all budgets may add up to
    std::vector<Process> processes;
    std::vector<Channel> channels;
    std::vector<Vm> vms;
    std::vector<Network> networks;
    std::vector<Disk> disks;
    std::optional<Console> console;
    Lines lines; // of [system]
};

// Reads and checks a manifest, and finds and reads its images (beside the manifest first,
// then in each search folder in order). Every problem is appended to errors as
// "FILE:LINE: what": the manifest may be used only when errors stays empty.
Manifest load_manifest(const std::string& path, const std::vector<std::string>& search,
                       std::vector<std::string>& errors);

// Reads the manifest's keys and their types only, without the checks that relate them or
// the files they name: enough for the layout of its disks.
Manifest read_manifest(const std::string& path, std::vector<std::string>& errors);

// 256K, 1M, 2G; plain bytes when not a whole number of KiB.
std::string format_size(isok::u64 bytes);

} // namespace isotool

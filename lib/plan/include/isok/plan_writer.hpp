// Host-only system plan writer, for isotool and the unit tests: the counterpart of Plan::open.
#pragma once
#include <isok/plan.hpp>
#include <array>
#include <string>
#include <vector>

namespace isok::plan {

struct ProcessSpec {
    std::string name;
    std::string image; // boot image entry name
    u64 budget = 0;
    u64 stack = 0;
    u32 priority = 0;
    u32 max_priority = 0; // 0: the same as priority
    u32 time_slice = 0;
    u32 cap_slots = 0;
    u32 fault_handler = none;
    u32 fault_endpoint = none;
    u64 fault_badge = 0;
    std::string args{}; // for startup::Info::args
    std::vector<u8> harts{}; // hart indices; empty: the root places them
    Restart restart = Restart::never;
    u32 restart_limit = 0;
};

struct EndpointSpec {
    std::string name;
    EndpointKind kind{};
    u32 server = 0;
    bool grant = false;
};

struct GrantSpec {
    u32 process = 0; // whose capability space it goes into
    std::string name;
    u32 endpoint = 0;
    u32 rights = 0;
    u64 badge = 0;
    Role role{};
};

struct VmSpec {
    std::string name;
    std::string kernel; // boot image entry names
    std::string initrd; // empty for none
    u64 memory = 0;
    u64 budget = 0;
    u32 vcpus = 0;
    u32 priority = 0;
    u32 time_slice = 0;
    u32 devices = 0;
    u32 vmm = 0; // process index
    std::string bootargs;
    std::vector<u8> harts{}; // hart indices; empty: the root places them
};

// Added in network order (docs/plan-format.md): the reader refuses anything else.
struct PortSpec {
    std::string network;
    u32 network_index = 0;
    u32 switch_process = 0;
    u32 member = 0;
    std::array<u8, layout::mac_bytes> mac{};
};

// Added in disk order, back to back from layout::first_partition_sector.
struct PartitionSpec {
    std::string name;
    u32 disk = 0;
    u32 service = 0;
    u32 member = 0;
    u64 first_sector = 0;
    u64 sectors = 0;
};

struct DiskSpec {
    std::string name;
    u32 service = 0;
};

// Added in focus order; a plan with inputs needs a console service (Writer::set_console).
struct ConsoleInputSpec {
    std::string name; // the process's or VM's manifest name
    u32 process = 0;  // process index; a VM's VMM
};

class Writer {
public:
    explicit Writer(std::string system) : system_(std::move(system)) {}

    // Each returns the index the reader will give the record.
    u32 add(ProcessSpec process);
    u32 add(EndpointSpec endpoint);
    u32 add(VmSpec vm);
    u32 add(PortSpec port);
    u32 add(PartitionSpec partition);
    u32 add(DiskSpec disk);
    u32 add(ConsoleInputSpec input);
    // The process that runs the console service; none (the default): no console.
    void set_console(u32 service) { console_service_ = service; }
    // Grants keep the order they were added in, per process; their slots follow from it.
    void add(GrantSpec grant);

    // The plan's bytes, read back with Plan::open: whatever the reader would refuse is
    // refused here, as the reader's error. The same inputs always give the same bytes.
    Result<std::vector<u8>, Error> build() const;

private:
    Status<Error> check_lengths() const;
    std::vector<u8> encode() const;

    std::string system_;
    std::vector<ProcessSpec> processes_;
    std::vector<EndpointSpec> endpoints_;
    std::vector<GrantSpec> grants_;
    std::vector<VmSpec> vms_;
    std::vector<PortSpec> ports_;
    std::vector<PartitionSpec> partitions_;
    std::vector<DiskSpec> disks_;
    std::vector<ConsoleInputSpec> console_inputs_;
    u32 console_service_ = none;
};

} // namespace isok::plan

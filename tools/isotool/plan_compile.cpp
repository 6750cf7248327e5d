// Manifest to system plan: processes, then channel and fault endpoints, then each process's
// grants; then for each VM its VMM process and its VM record; then the ports of each network,
// the partitions of each disk and the disks; then the console.
#include "plan_compile.hpp"
#include "disk_layout.hpp"
#include <isok/abi.hpp>
#include <isok/plan_writer.hpp>
#include <algorithm>
#include <filesystem>

namespace isotool {
namespace {

namespace plan = isok::plan;
namespace rights = isok::abi::rights;
using isok::u32;
using isok::u64;

static_assert(manifest_rules::max_harts == plan::layout::max_harts);

u32 index_of(const Manifest& m, const std::string& name) {
    for (std::size_t i = 0; i < m.processes.size(); ++i)
        if (m.processes[i].name == name) return u32(i);
    return plan::none;
}

std::optional<GrantedCap> channel_cap(const Channel& c, std::size_t channel, const std::string& process) {
    if (c.server == process) return GrantedCap{c.name, plan::Role::server, channel, 0, u32(rights::read)};
    const auto client = std::find(c.clients.begin(), c.clients.end(), process);
    if (client == c.clients.end()) return std::nullopt;
    const u32 send = u32(rights::write | (c.grant ? rights::grant : 0));
    return GrantedCap{c.name, plan::Role::client, channel, u64(client - c.clients.begin() + 1), send};
}

// The plan's form of a restart policy: never carries no limit.
void set_restart(plan::ProcessSpec& spec, const RestartPolicy& r) {
    using When = RestartPolicy::When;
    spec.restart = r.when == When::always       ? plan::Restart::always
                   : r.when == When::on_failure ? plan::Restart::on_failure
                                                : plan::Restart::never;
    spec.restart_limit = r.when == When::never ? 0 : u32(r.limit);
}

plan::ProcessSpec process_spec(const Manifest& m, std::size_t index, const std::vector<u32>& fault_endpoints) {
    const Process& p = m.processes[index];
    plan::ProcessSpec spec{.name = p.name,
                           .image = p.name,
                           .budget = p.budget,
                           .stack = p.stack,
                           .priority = u32(p.priority),
                           .max_priority = u32(p.max_priority),
                           .time_slice = u32(p.time_slice),
                           .cap_slots = u32(p.caps),
                           .args = p.args,
                           .harts = p.harts};
    if (p.fault_handler) {
        spec.fault_handler = index_of(m, *p.fault_handler);
        spec.fault_endpoint = fault_endpoints[spec.fault_handler];
        const auto handled = handled_by(m, spec.fault_handler);
        spec.fault_badge = u64(std::find(handled.begin(), handled.end(), index) - handled.begin() + 1);
    }
    set_restart(spec, p.restart);
    return spec;
}

// Files are the same VMM when their paths lead to the same file.
std::string file_key(const GuestFile& f) {
    std::error_code ec;
    const auto canonical = std::filesystem::weakly_canonical(f.path, ec);
    return f.path.empty() ? f.name : ec ? f.path : canonical.string();
}

// A VMM is a process of the VM's own, one priority above its vCPUs so that it answers
// their exits before a spinning guest takes the processor again. It runs on the VM's first
// hart, beside vCPU 0 (unset, the root puts it there too).
plan::ProcessSpec vmm_spec(const Manifest& m, std::size_t vm) {
    const Vm& v = m.vms[vm];
    plan::ProcessSpec spec{.name = vmm_process(v),
                           .image = vmm_entry(m, vm),
                           .budget = v.vmm_budget_bytes(),
                           .stack = manifest_rules::vmm_stack,
                           .priority = u32(std::min(v.priority + 1, manifest_rules::max_priority)),
                           .time_slice = u32(manifest_rules::default_time_slice),
                           .cap_slots = u32(manifest_rules::vmm_caps)};
    if (!v.harts.empty()) spec.harts = {v.harts[0]};
    set_restart(spec, v.restart);
    return spec;
}

plan::VmSpec vm_spec(const Vm& v, u32 vmm) {
    return plan::VmSpec{.name = v.name,
                        .kernel = kernel_entry(v),
                        .initrd = v.initrd ? initrd_entry(v) : "",
                        .memory = v.memory,
                        .budget = v.need.total(),
                        .vcpus = u32(v.vcpus),
                        .priority = u32(v.priority),
                        .time_slice = u32(v.time_slice),
                        .devices = v.device_bits,
                        .vmm = vmm,
                        .bootargs = v.bootargs,
                        .harts = v.harts};
}

// The plan index of a process or VM: a VM's links and console input go to its VMM, whose
// record follows the processes in VM order.
u32 domain_index(const Manifest& m, const std::string& name) {
    if (u32 i = index_of(m, name); i != plan::none) return i;
    for (std::size_t v = 0; v < m.vms.size(); ++v)
        if (m.vms[v].name == name) return u32(m.processes.size() + v);
    return plan::none;
}

void add_links(const Manifest& m, plan::Writer& writer) {
    for (std::size_t n = 0; n < m.networks.size(); ++n) {
        const Network& network = m.networks[n];
        for (const Port& p : network.ports)
            writer.add(plan::PortSpec{network.name, u32(n), index_of(m, network.switch_process),
                                      domain_index(m, p.domain), p.address});
    }
    for (std::size_t k = 0; k < m.disks.size(); ++k) {
        const Disk& disk = m.disks[k];
        const u32 service = index_of(m, disk.service);
        const auto places = partition_layout(disk);
        for (std::size_t i = 0; i < places.size(); ++i)
            writer.add(plan::PartitionSpec{disk.partitions[i].name, u32(k), service,
                                           domain_index(m, disk.partitions[i].domain), places[i].first_sector,
                                           places[i].sectors});
        writer.add(plan::DiskSpec{disk.name, service});
    }
}

// The service by its index; each input by its manifest name and its index (a VM's VMM's).
void add_console(const Manifest& m, plan::Writer& writer) {
    if (!m.console) return;
    writer.set_console(index_of(m, m.console->service));
    for (const std::string& input : m.console->inputs) writer.add(plan::ConsoleInputSpec{input, domain_index(m, input)});
}

} // namespace

std::string kernel_entry(const Vm& v) { return v.name + ".kernel"; }
std::string initrd_entry(const Vm& v) { return v.name + ".initrd"; }
std::string vmm_process(const Vm& v) { return v.name + ".vmm"; }

std::vector<VmmImage> vmm_images(const Manifest& m) {
    std::vector<VmmImage> images;
    std::vector<std::string> keys;
    for (const Vm& v : m.vms) {
        const std::string key = file_key(v.vmm);
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
        keys.push_back(key);
        const std::size_t n = images.size() + 1;
        images.push_back({n == 1 ? "vmm.elf" : "vmm." + std::to_string(n) + ".elf", &v.vmm});
    }
    return images;
}

std::string vmm_entry(const Manifest& m, std::size_t vm) {
    const std::string key = file_key(m.vms[vm].vmm);
    for (const VmmImage& image : vmm_images(m))
        if (file_key(*image.file) == key) return image.entry;
    return {};
}

std::vector<GrantedCap> granted_caps(const Manifest& m, std::size_t process) {
    std::vector<GrantedCap> caps;
    for (std::size_t c = 0; c < m.channels.size(); ++c)
        if (auto cap = channel_cap(m.channels[c], c, m.processes[process].name)) caps.push_back(*cap);
    if (!handled_by(m, process).empty())
        caps.push_back({"faults", plan::Role::faults, no_channel, 0, u32(rights::read)});
    return caps;
}

std::vector<std::size_t> handled_by(const Manifest& m, std::size_t handler) {
    std::vector<std::size_t> handled;
    for (std::size_t i = 0; i < m.processes.size(); ++i)
        if (m.processes[i].fault_handler == m.processes[handler].name) handled.push_back(i);
    return handled;
}

isok::Result<std::vector<isok::u8>, std::string> compile_plan(const Manifest& m) {
    plan::Writer writer(m.name);
    for (const Channel& c : m.channels)
        writer.add(plan::EndpointSpec{c.name, plan::EndpointKind::channel, index_of(m, c.server), c.grant});
    // Fault endpoints follow the channels, one per handler, in process order.
    std::vector<u32> fault_endpoints(m.processes.size(), plan::none);
    for (std::size_t h = 0; h < m.processes.size(); ++h)
        if (!handled_by(m, h).empty())
            fault_endpoints[h] = writer.add(plan::EndpointSpec{"faults", plan::EndpointKind::faults, u32(h), false});
    for (std::size_t p = 0; p < m.processes.size(); ++p) {
        writer.add(process_spec(m, p, fault_endpoints));
        for (const GrantedCap& cap : granted_caps(m, p)) {
            const u32 endpoint = cap.channel == no_channel ? fault_endpoints[p] : u32(cap.channel);
            writer.add(plan::GrantSpec{u32(p), cap.name, endpoint, cap.rights, cap.badge, cap.role});
        }
    }
    for (std::size_t v = 0; v < m.vms.size(); ++v) writer.add(vm_spec(m.vms[v], writer.add(vmm_spec(m, v))));
    add_links(m, writer);
    add_console(m, writer);
    auto bytes = writer.build();
    if (!bytes) return isok::fail(std::string("the plan writer refused the plan: ") + plan::describe(bytes.error()));
    return std::move(*bytes);
}

} // namespace isotool

// Host-only system plan writer: lays out the header and the eight tables of docs/plan-format.md.
#include <isok/plan_writer.hpp>
#include <isok/startup.hpp>
#include <algorithm>
#include <iterator>
#include <utility>

namespace isok::plan {
namespace {

using namespace layout;

void store32(std::vector<u8>& out, usize offset, u32 v) {
    for (usize i = 0; i < 4; ++i) out[offset + i] = u8(v >> (8 * i));
}

void store64(std::vector<u8>& out, usize offset, u64 v) {
    store32(out, offset, u32(v));
    store32(out, offset + 4, u32(v >> 32));
}

// The buffer starts zeroed, so the NUL terminator and padding are already there.
void store_name(std::vector<u8>& out, usize offset, const std::string& name) {
    std::copy(name.begin(), name.end(), out.begin() + offset);
}

// The reader checks the indices; a list too long for its field is refused before this.
void store_harts(std::vector<u8>& out, usize count_at, usize index_at, const std::vector<u8>& harts) {
    store32(out, count_at, u32(harts.size()));
    std::copy(harts.begin(), harts.end(), out.begin() + long(index_at));
}

void write_process(std::vector<u8>& out, usize at, const ProcessSpec& p, u32 first_grant, u32 grant_count) {
    store_name(out, at + process_field::name, p.name);
    store_name(out, at + process_field::image, p.image);
    store64(out, at + process_field::budget, p.budget);
    store64(out, at + process_field::stack, p.stack);
    store64(out, at + process_field::fault_badge, p.fault_badge);
    store32(out, at + process_field::priority, p.priority);
    store32(out, at + process_field::max_priority, p.max_priority);
    store32(out, at + process_field::time_slice, p.time_slice);
    store32(out, at + process_field::cap_slots, p.cap_slots);
    store32(out, at + process_field::fault_handler, p.fault_handler);
    store32(out, at + process_field::fault_endpoint, p.fault_endpoint);
    store32(out, at + process_field::first_grant, first_grant);
    store32(out, at + process_field::grant_count, grant_count);
    store_name(out, at + process_field::args, p.args);
    store_harts(out, at + process_field::hart_count, at + process_field::harts, p.harts);
    store32(out, at + process_field::restart, u32(p.restart));
    store32(out, at + process_field::restart_limit, p.restart_limit);
}

void write_endpoint(std::vector<u8>& out, usize at, const EndpointSpec& e) {
    store_name(out, at + endpoint_field::name, e.name);
    store32(out, at + endpoint_field::kind, u32(e.kind));
    store32(out, at + endpoint_field::server, e.server);
    store32(out, at + endpoint_field::flags, e.grant ? flag_grant : 0);
}

void write_grant(std::vector<u8>& out, usize at, const GrantSpec& g, u64 slot) {
    store_name(out, at + grant_field::name, g.name);
    store64(out, at + grant_field::badge, g.badge);
    store32(out, at + grant_field::slot, u32(slot));
    store32(out, at + grant_field::endpoint, g.endpoint);
    store32(out, at + grant_field::rights, g.rights);
    store32(out, at + grant_field::role, u32(g.role));
}

void write_vm(std::vector<u8>& out, usize at, const VmSpec& v) {
    store_name(out, at + vm_field::name, v.name);
    store_name(out, at + vm_field::kernel, v.kernel);
    store_name(out, at + vm_field::initrd, v.initrd);
    store64(out, at + vm_field::memory, v.memory);
    store64(out, at + vm_field::budget, v.budget);
    store32(out, at + vm_field::vcpus, v.vcpus);
    store32(out, at + vm_field::priority, v.priority);
    store32(out, at + vm_field::time_slice, v.time_slice);
    store32(out, at + vm_field::devices, v.devices);
    store32(out, at + vm_field::vmm, v.vmm);
    store_name(out, at + vm_field::bootargs, v.bootargs);
    store_harts(out, at + vm_field::hart_count, at + vm_field::harts, v.harts);
}

void write_port(std::vector<u8>& out, usize at, const PortSpec& p) {
    store_name(out, at + port_field::network, p.network);
    store32(out, at + port_field::network_index, p.network_index);
    store32(out, at + port_field::switch_process, p.switch_process);
    store32(out, at + port_field::member, p.member);
    std::copy(p.mac.begin(), p.mac.end(), out.begin() + long(at + port_field::mac));
}

void write_partition(std::vector<u8>& out, usize at, const PartitionSpec& p) {
    store_name(out, at + partition_field::name, p.name);
    store32(out, at + partition_field::disk, p.disk);
    store32(out, at + partition_field::service, p.service);
    store32(out, at + partition_field::member, p.member);
    store64(out, at + partition_field::first_sector, p.first_sector);
    store64(out, at + partition_field::sectors, p.sectors);
}

// Adds an entry to one of the writer's tables; its index there.
template <class T> u32 append(std::vector<T>& table, T entry) {
    table.push_back(std::move(entry));
    return u32(table.size() - 1);
}

void write_disk(std::vector<u8>& out, usize at, const DiskSpec& d) {
    store_name(out, at + disk_field::name, d.name);
    store32(out, at + disk_field::service, d.service);
}

void write_console_input(std::vector<u8>& out, usize at, const ConsoleInputSpec& i) {
    store_name(out, at + console_input_field::name, i.name);
    store32(out, at + console_input_field::process, i.process);
}

} // namespace

u32 Writer::add(ProcessSpec process) { return append(processes_, std::move(process)); }
u32 Writer::add(EndpointSpec endpoint) { return append(endpoints_, std::move(endpoint)); }
u32 Writer::add(VmSpec vm) { return append(vms_, std::move(vm)); }
u32 Writer::add(PortSpec port) { return append(ports_, std::move(port)); }
u32 Writer::add(PartitionSpec partition) { return append(partitions_, std::move(partition)); }
u32 Writer::add(DiskSpec disk) { return append(disks_, std::move(disk)); }
u32 Writer::add(ConsoleInputSpec input) { return append(console_inputs_, std::move(input)); }

void Writer::add(GrantSpec grant) { grants_.push_back(std::move(grant)); }

// What encode() cannot express: a name or hart list that does not fit its field, a grant for no process.
Status<Error> Writer::check_lengths() const {
    auto fits = [](const std::string& s, usize field) { return s.size() < field; };
    if (!fits(system_, name_bytes)) return fail(Error::name_too_long);
    for (const ProcessSpec& p : processes_) {
        if (!fits(p.name, name_bytes) || !fits(p.image, image_name_bytes)) return fail(Error::name_too_long);
        if (!fits(p.args, args_bytes)) return fail(Error::bad_args);
        if (p.harts.size() > max_harts) return fail(Error::bad_harts);
    }
    for (const EndpointSpec& e : endpoints_)
        if (!fits(e.name, name_bytes)) return fail(Error::name_too_long);
    for (const GrantSpec& g : grants_) {
        if (!fits(g.name, name_bytes)) return fail(Error::name_too_long);
        if (g.process >= processes_.size()) return fail(Error::bad_grant_range);
    }
    for (const VmSpec& v : vms_) {
        if (!fits(v.name, name_bytes) || !fits(v.kernel, image_name_bytes) || !fits(v.initrd, image_name_bytes))
            return fail(Error::name_too_long);
        if (!fits(v.bootargs, bootargs_bytes)) return fail(Error::bad_bootargs);
        if (v.harts.size() > max_harts) return fail(Error::bad_harts);
    }
    for (const PortSpec& p : ports_)
        if (!fits(p.network, name_bytes)) return fail(Error::name_too_long);
    for (const PartitionSpec& p : partitions_)
        if (!fits(p.name, name_bytes)) return fail(Error::name_too_long);
    for (const DiskSpec& d : disks_)
        if (!fits(d.name, name_bytes)) return fail(Error::name_too_long);
    for (const ConsoleInputSpec& i : console_inputs_)
        if (!fits(i.name, name_bytes)) return fail(Error::name_too_long);
    return {};
}

// Grants are grouped by process, each group in the order it was added.
std::vector<u8> Writer::encode() const {
    const usize endpoints_at = header_bytes + processes_.size() * process_bytes;
    const usize grants_at = endpoints_at + endpoints_.size() * endpoint_bytes;
    const usize vms_at = grants_at + grants_.size() * grant_bytes;
    const usize ports_at = vms_at + vms_.size() * vm_bytes;
    const usize partitions_at = ports_at + ports_.size() * port_bytes;
    const usize disks_at = partitions_at + partitions_.size() * partition_bytes;
    const usize console_inputs_at = disks_at + disks_.size() * disk_bytes;
    std::vector<u8> out(console_inputs_at + console_inputs_.size() * console_input_bytes, 0);
    std::copy(std::begin(magic), std::end(magic), out.begin() + header_field::magic);
    store32(out, header_field::version, version);
    store32(out, header_field::process_count, u32(processes_.size()));
    store32(out, header_field::endpoint_count, u32(endpoints_.size()));
    store32(out, header_field::grant_count, u32(grants_.size()));
    store32(out, header_field::vm_count, u32(vms_.size()));
    store32(out, header_field::port_count, u32(ports_.size()));
    store32(out, header_field::partition_count, u32(partitions_.size()));
    store32(out, header_field::disk_count, u32(disks_.size()));
    store32(out, header_field::console_service, console_service_);
    store32(out, header_field::console_input_count, u32(console_inputs_.size()));
    store64(out, header_field::size, out.size());
    store_name(out, header_field::system, system_);
    for (usize i = 0; i < endpoints_.size(); ++i) write_endpoint(out, endpoints_at + i * endpoint_bytes, endpoints_[i]);
    u32 next = 0;
    for (usize p = 0; p < processes_.size(); ++p) {
        const u32 first = next;
        for (const GrantSpec& g : grants_) {
            if (g.process != p) continue;
            write_grant(out, grants_at + next * grant_bytes, g, startup::first_grant_slot + (next - first));
            ++next;
        }
        write_process(out, header_bytes + p * process_bytes, processes_[p], first, next - first);
    }
    for (usize i = 0; i < vms_.size(); ++i) write_vm(out, vms_at + i * vm_bytes, vms_[i]);
    for (usize i = 0; i < ports_.size(); ++i) write_port(out, ports_at + i * port_bytes, ports_[i]);
    for (usize i = 0; i < partitions_.size(); ++i)
        write_partition(out, partitions_at + i * partition_bytes, partitions_[i]);
    for (usize i = 0; i < disks_.size(); ++i) write_disk(out, disks_at + i * disk_bytes, disks_[i]);
    for (usize i = 0; i < console_inputs_.size(); ++i)
        write_console_input(out, console_inputs_at + i * console_input_bytes, console_inputs_[i]);
    return out;
}

Result<std::vector<u8>, Error> Writer::build() const {
    if (auto s = check_lengths(); !s) return fail(s.error());
    std::vector<u8> out = encode();
    if (auto plan = Plan::open(Bytes(out.data(), out.size())); !plan) return fail(plan.error());
    return out;
}

} // namespace isok::plan

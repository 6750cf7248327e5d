// The system plan reader (lib/plan) on arbitrary bytes: every plan it accepts hands out
// names inside the plan, and what it reads, written back with plan::Writer, reads the same.
#include "fuzz_util.hpp"

#include <isok/plan.hpp>
#include <isok/plan_writer.hpp>

#include <algorithm>

namespace plan = isok::plan;
using fuzz::check;
using fuzz::string_inside;

namespace {

std::array<isok::u8, plan::layout::mac_bytes> mac_of(const plan::Port& p) {
    std::array<isok::u8, plan::layout::mac_bytes> mac{};
    std::copy(std::begin(p.mac), std::end(p.mac), mac.begin());
    return mac;
}

// A hart list as the writer takes it; what open() accepted holds at most 8 indices below 8.
std::vector<isok::u8> harts_of(const plan::Harts& h) {
    check(h.count <= plan::layout::max_harts);
    for (isok::u32 i = 0; i < h.count; ++i) check(h.index[i] < plan::layout::max_harts);
    return std::vector<isok::u8>(h.index, h.index + h.count);
}

// Rewrites an accepted plan from what its accessors return.
plan::Writer rewrite(const plan::Plan& p, isok::Bytes input) {
    check(string_inside(p.system(), input));
    plan::Writer w(p.system());
    for (isok::u32 i = 0; i < p.process_count(); ++i) {
        plan::Process r = *p.process(i);
        check(string_inside(r.name, input) && string_inside(r.image, input) && string_inside(r.args, input));
        check(*p.find_process(r.name) == i);
        w.add(plan::ProcessSpec{.name = r.name,
                                .image = r.image,
                                .budget = r.budget,
                                .stack = r.stack,
                                .priority = r.priority,
                                .max_priority = r.max_priority,
                                .time_slice = r.time_slice,
                                .cap_slots = r.cap_slots,
                                .fault_handler = r.fault_handler,
                                .fault_endpoint = r.fault_endpoint,
                                .fault_badge = r.fault_badge,
                                .args = r.args,
                                .harts = harts_of(r.harts)});
        for (isok::u32 g = 0; g < r.grant_count; ++g) {
            plan::Grant grant = *p.grant(i, g);
            check(string_inside(grant.name, input) && grant.endpoint < p.endpoint_count());
            w.add(plan::GrantSpec{i, grant.name, grant.endpoint, grant.rights, grant.badge, grant.role});
        }
        check(!p.grant(i, r.grant_count).ok());
    }
    for (isok::u32 i = 0; i < p.endpoint_count(); ++i) {
        plan::Endpoint e = *p.endpoint(i);
        check(string_inside(e.name, input) && e.server < p.process_count());
        w.add(plan::EndpointSpec{e.name, e.kind, e.server, e.grant});
    }
    for (isok::u32 i = 0; i < p.vm_count(); ++i) {
        plan::Vm v = *p.vm(i);
        check(string_inside(v.name, input) && string_inside(v.kernel, input) && string_inside(v.initrd, input) &&
              string_inside(v.bootargs, input));
        check(v.vmm < p.process_count() && *p.vm_of(v.vmm) == i);
        w.add(plan::VmSpec{v.name, v.kernel, v.initrd, v.memory, v.budget, v.vcpus, v.priority, v.time_slice,
                           v.devices, v.vmm, v.bootargs, harts_of(v.harts)});
    }
    for (isok::u32 i = 0; i < p.port_count(); ++i) {
        plan::Port r = *p.port(i);
        check(string_inside(r.network, input) && r.switch_process < p.process_count() && r.member < p.process_count());
        w.add(plan::PortSpec{r.network, r.network_index, r.switch_process, r.member, mac_of(r)});
    }
    for (isok::u32 i = 0; i < p.partition_count(); ++i) {
        plan::Partition r = *p.partition(i);
        check(string_inside(r.name, input) && r.disk < p.disk_count() && r.member < p.process_count());
        w.add(plan::PartitionSpec{r.name, r.disk, r.service, r.member, r.first_sector, r.sectors});
    }
    for (isok::u32 i = 0; i < p.disk_count(); ++i) {
        plan::Disk r = *p.disk(i);
        check(string_inside(r.name, input) && r.service < p.process_count());
        w.add(plan::DiskSpec{r.name, r.service});
    }
    if (p.has_console()) {
        check(p.console_service() < p.process_count() && !p.vm_of(p.console_service()).ok());
        w.set_console(p.console_service());
    }
    for (isok::u32 i = 0; i < p.console_input_count(); ++i) {
        plan::ConsoleInput r = *p.console_input(i);
        check(string_inside(r.name, input) && r.process < p.process_count() && r.process != p.console_service());
        check(*p.console_input_of(r.process) == i);
        w.add(plan::ConsoleInputSpec{r.name, r.process});
    }
    check(!p.process(p.process_count()).ok() && !p.vm(p.vm_count()).ok() && !p.port(p.port_count()).ok() &&
          !p.console_input(p.console_input_count()).ok());
    return w;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    isok::Bytes input(data, size);
    auto p = plan::Plan::open(input);
    if (!p) {
        check(plan::describe(p.error()) != nullptr);
        return 0;
    }
    // Written back, the plan has the input plan's size and reads as it does: rewriting it
    // once more changes nothing.
    auto bytes = rewrite(*p, input).build();
    check(bytes.ok() && bytes->size() <= size);
    isok::Bytes rebuilt(bytes->data(), bytes->size());
    auto again = plan::Plan::open(rebuilt);
    check(again.ok());
    auto twice = rewrite(*again, rebuilt).build();
    check(twice.ok() && *twice == *bytes);
    for (isok::u32 i = 0; i <= p->process_count(); ++i) (void)p->link_roles(i).caps();
    return 0;
}

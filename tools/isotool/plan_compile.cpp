// Manifest to system plan: processes, then channel and fault endpoints, then each process's grants.
#include "plan_compile.hpp"
#include <isok/abi.hpp>
#include <isok/plan_writer.hpp>
#include <algorithm>

namespace isotool {
namespace {

namespace plan = isok::plan;
namespace rights = isok::abi::rights;
using isok::u32;
using isok::u64;

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

plan::ProcessSpec process_spec(const Manifest& m, std::size_t index, const std::vector<u32>& fault_endpoints) {
    const Process& p = m.processes[index];
    plan::ProcessSpec spec{.name = p.name,
                           .image = p.name,
                           .budget = p.budget,
                           .stack = p.stack,
                           .priority = u32(p.priority),
                           .time_slice = u32(p.time_slice),
                           .cap_slots = u32(p.caps)};
    if (p.fault_handler) {
        spec.fault_handler = index_of(m, *p.fault_handler);
        spec.fault_endpoint = fault_endpoints[spec.fault_handler];
        const auto handled = handled_by(m, spec.fault_handler);
        spec.fault_badge = u64(std::find(handled.begin(), handled.end(), index) - handled.begin() + 1);
    }
    return spec;
}

} // namespace

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
    auto bytes = writer.build();
    if (!bytes) return isok::fail(std::string("the plan writer refused the plan: ") + plan::describe(bytes.error()));
    return std::move(*bytes);
}

} // namespace isotool

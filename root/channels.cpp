// Endpoints and grants. Each endpoint is charged to the process that receives on it
// (the server of a channel, the handler of a faults endpoint); each grant copies it into
// a process's space with the rights and badge the plan gives, and lists it on the
// process's startup page under the grant's name.
#include "root.hpp"
#include <isok/rt/console.hpp>
#include <isok/rt/syscall.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;
u64 endpoints[isok::plan::layout::max_endpoints];
u32 endpoint_total = 0;

void make_endpoint(const isok::plan::Plan& plan, Child* children, u32 index) {
    endpoints[index] = no_slot;
    auto e = plan.endpoint(index);
    if (!e) return;
    Child& server = children[e->server];
    if (!server.ok) {
        isok::rt::print("channel '%s' is not made: its server '%s' failed\n", e->name, server.plan.name);
        return;
    }
    u64 slot = slots::take();
    if (slot == no_slot) {
        isok::rt::print("channel '%s' is not made: the root is out of capability slots\n", e->name);
        return;
    }
    Error error = sys::create(isok::abi::ObjectType::endpoint, slot, server.domain);
    if (error != Error::ok) {
        isok::rt::print("channel '%s' is not made: %s (charged to '%s')\n", e->name, isok::rt::error_name(error),
                        server.plan.name);
        slots::give(slot);
        return;
    }
    endpoints[index] = slot;
}

void grant(const isok::plan::Plan& plan, Child& child, u32 process, u32 index) {
    auto g = plan.grant(process, index);
    if (!g) return;
    auto e = plan.endpoint(g->endpoint);
    const char* channel = e ? e->name : "?";
    u64 endpoint = g->endpoint < endpoint_total ? endpoints[g->endpoint] : no_slot;
    if (endpoint == no_slot) {
        isok::rt::print("process '%s': '%s' is not granted: channel '%s' does not exist\n", child.plan.name, g->name,
                        channel);
        return;
    }
    Error error = sys::cap_copy(endpoint, child.domain, g->slot, g->rights, g->badge);
    if (error != Error::ok) {
        isok::rt::print("process '%s': granting '%s' (channel '%s') in slot %lu: %s\n", child.plan.name, g->name,
                        channel, g->slot, isok::rt::error_name(error));
        return;
    }
    (void)list_cap(child, g->name, g->slot, isok::startup::CapKind::endpoint, g->rights, g->badge);
}

} // namespace

void build_channels(const isok::plan::Plan& plan, Child* children, u32 count) {
    endpoint_total = plan.endpoint_count();
    for (u32 e = 0; e < endpoint_total; ++e) make_endpoint(plan, children, e);
    for (u32 p = 0; p < count; ++p) {
        if (!children[p].ok) continue;
        for (u32 g = 0; g < children[p].plan.grant_count; ++g) grant(plan, children[p], p, g);
    }
}

u64 endpoint_slot(u32 index) { return index < endpoint_total ? endpoints[index] : no_slot; }

// The processes hold their own capabilities now; the root keeps none to their channels.
void release_channels() {
    for (u32 e = 0; e < endpoint_total; ++e) {
        if (endpoints[e] == no_slot) continue;
        if (sys::cap_delete(endpoints[e]) == Error::ok) slots::give(endpoints[e]);
        endpoints[e] = no_slot;
    }
}

} // namespace root

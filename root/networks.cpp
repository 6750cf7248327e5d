// Virtual networks. Each port is one memory region of frame rings (isok/frame_ring.hpp),
// charged to its member and mapped read-write into both the member and the switch. A switch
// waits on one doorbell notification (its own); each member gets a copy it may only signal,
// badged 1 << i for the switch's port i, so the bits a switch wakes with say which ports
// have work. Each member port has a notification of its own that the switch signals.
// Ports are numbered on each side in plan order among that side's ports; a port whose
// switch or member was not built, or that cannot be made, is left out and said so.
#include "root.hpp"
#include <isok/rt/console.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/format.hpp>
#include <isok/string.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;
namespace rights = isok::abi::rights;
namespace su = isok::startup;
namespace links = isok::links;
using isok::abi::ObjectType;

constexpr u64 ring_pages = isok::plan::links_build::ring_bytes / page;

// Per switch: the root's capability to its doorbell and the doorbell's slot in the switch.
struct Doorbell {
    u64 root = no_slot;
    u64 in_switch = no_slot;
};
Doorbell doorbells[isok::plan::layout::max_processes];

bool say(const isok::plan::Port& port, const Child& member, Error e, const char* what) {
    if (e == Error::ok) return true;
    isok::rt::print("network '%s': the port of '%s' is not made: %s: %s\n", port.network, member.plan.name, what,
                    isok::rt::error_name(e));
    return false;
}

// Made with the switch's first port, charged to the switch; it may only wait on it.
bool make_doorbell(Child& sw, u32 index) {
    Doorbell& d = doorbells[index];
    if (d.in_switch != no_slot) return true;
    if (d.root != no_slot) return false; // made, but the switch could not be given it
    Error e = slots::create(ObjectType::notification, d.root, sw.domain);
    if (e != Error::ok) {
        isok::rt::print("process '%s': its doorbell is not made: %s\n", sw.plan.name, isok::rt::error_name(e));
        return false;
    }
    d.in_switch = give_cap(sw, d.root, rights::read, 0, "doorbell", su::CapKind::notification);
    return d.in_switch != no_slot;
}

void port_name(char (&out)[su::name_bytes], u32 index, const char* suffix) {
    isok::format_to(out, sizeof out, "port%u%s", index, suffix);
}

void describe(links::Port& to, const isok::plan::Port& port, u32 index, u64 signal, u64 wait) {
    isok::str_copy(to.network, port.network, links::name_bytes);
    for (usize i = 0; i < sizeof to.mac; ++i) to.mac[i] = port.mac[i];
    to.network_index = isok::u16(port.network_index); // at most max_ports networks: fits
    to.reserved = 0;
    to.ring = links::ring_window + u64(index) * links::ring_stride;
    to.ring_bytes = isok::plan::links_build::ring_bytes;
    to.signal = signal;
    to.wait = wait;
}

// What the member gets: its rings, the switch's doorbell (badged with its port) and its own
// notification; what the switch gets: the rings and the member's notification to signal.
bool give_port(const isok::plan::Port& port, Child& sw, Child& member, u64 ring, u64 wait) {
    const u32 i = sw.links->port_count, j = member.links->port_count;
    char name[su::name_bytes];
    port_name(name, i, ".ring");
    u64 sw_ring = give_cap(sw, ring, rights::read | rights::write, 0, name, su::CapKind::memory);
    port_name(name, i, ".signal");
    u64 sw_signal = give_cap(sw, wait, rights::write, 0, name, su::CapKind::notification);
    link_cap_name(name, port.network, ".ring");
    u64 m_ring = give_cap(member, ring, rights::read | rights::write, 0, name, su::CapKind::memory);
    link_cap_name(name, port.network, ".signal");
    u64 m_signal = give_cap(member, doorbells[port.switch_process].root, rights::write, u64(1) << i, name,
                            su::CapKind::notification);
    link_cap_name(name, port.network, ".wait");
    u64 m_wait = give_cap(member, wait, rights::read, 0, name, su::CapKind::notification);
    if (sw_ring == no_slot || sw_signal == no_slot || m_ring == no_slot || m_signal == no_slot || m_wait == no_slot)
        return false;
    // The switch names the member's address: what frames from the port must carry.
    describe(sw.links->ports[i], port, i, sw_signal, doorbells[port.switch_process].in_switch);
    describe(member.links->ports[j], port, j, m_signal, m_wait);
    ++sw.links->port_count;
    ++member.links->port_count;
    return true;
}

void build_port(const isok::plan::Port& port, Child* children) {
    Child& sw = children[port.switch_process];
    Child& member = children[port.member];
    if (!sw.ok || !member.ok) {
        isok::rt::print("network '%s': the port of '%s' is not made: '%s' was not built\n", port.network,
                        member.plan.name, sw.ok ? member.plan.name : sw.plan.name);
        return;
    }
    if (!sw.links || !member.links || sw.links->port_count >= links::max_ports ||
        member.links->port_count >= links::max_ports)
        return; // the plan reader refuses such plans
    if (!make_doorbell(sw, port.switch_process)) return;
    const u64 i = sw.links->port_count, j = member.links->port_count;
    u64 ring = no_slot, wait = no_slot;
    LinkStep made = make_link_memory(
        ring, member.domain, ring_pages, "its rings",
        {sw.domain, links::ring_window + i * links::ring_stride, "mapping its rings into the switch"},
        {member.domain, links::ring_window + j * links::ring_stride, "mapping its rings into the member"});
    bool ok = say(port, member, made.error, made.what) &&
              say(port, member, slots::create(ObjectType::notification, wait, member.domain), "its notification") &&
              give_port(port, sw, member, ring, wait);
    // Destroying what was made undoes its mappings and turns any copies given out stale.
    if (!ok && ring != no_slot) (void)sys::destroy(ring);
    if (!ok && wait != no_slot) (void)sys::destroy(wait);
    slots::release(ring);
    if (ok && member.wake == no_slot) {
        member.wake = wait; // kept until the console is built
        return;
    }
    slots::release(wait);
}

} // namespace

void build_networks(const isok::plan::Plan& plan, Child* children) {
    for (Doorbell& d : doorbells) d = {};
    for (u32 i = 0; i < plan.port_count(); ++i)
        if (auto port = plan.port(i)) build_port(*port, children);
    for (u32 p = 0; p < plan.process_count(); ++p) {
        if (doorbells[p].in_switch != no_slot)
            isok::rt::print("switch '%s': %u ports\n", children[p].plan.name, children[p].links->port_count);
        slots::release(doorbells[p].root); // the switch and its members hold theirs
    }
}

} // namespace root

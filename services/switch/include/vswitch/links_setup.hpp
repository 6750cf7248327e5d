// Building the switch from its Links page (isok/links.hpp): one port per entry, with
// the notification slots that connect it. The page comes from the root, but it is
// still checked, so that a wrong page stops the switch with a reason instead of a fault.
#pragma once
#include <isok/links.hpp>
#include <isok/result.hpp>
#include <vswitch/switch.hpp>

namespace isok::vswitch {

enum class LinksProblem : u8 {
    bad_magic = 1,
    too_many_ports,
    no_ports,
    small_ring,    // ring_bytes below frame_ring::region_bytes
    bad_ring,      // no address, or one not aligned for the ring's indices
    two_doorbells, // ports name different notifications to wait on: the switch has one
    bad_port,      // Switch::add_port refused it (port_error says why)
};

const char* describe(LinksProblem p);

struct LinksError {
    LinksProblem problem;
    u32 port = 0;
    PortError port_error = {};
};

// How the switch talks to the kernel about its ports.
struct Wiring {
    u64 doorbell = 0;                   // the notification every member rings (badged 1 << port)
    u64 signal[links::max_ports] = {};  // port i's member's notification
};

// Adds every port of `page` to `sw` (which must be empty).
Result<Wiring, LinksError> setup_ports(Switch& sw, const links::Links& page);

} // namespace isok::vswitch

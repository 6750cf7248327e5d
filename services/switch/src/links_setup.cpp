// The switch's side of its Links page: each port entry is copied once and checked
// before its ring is used.
#include <vswitch/links_setup.hpp>

namespace isok::vswitch {

const char* describe(LinksProblem p) {
    switch (p) {
    case LinksProblem::bad_magic: return "no Links page (bad magic)";
    case LinksProblem::too_many_ports: return "more ports than a Links page holds";
    case LinksProblem::no_ports: return "no ports";
    case LinksProblem::small_ring: return "ring region smaller than a frame ring";
    case LinksProblem::bad_ring: return "ring address missing or misaligned";
    case LinksProblem::two_doorbells: return "ports wait on different notifications";
    case LinksProblem::bad_port: return "port refused";
    }
    return "?";
}

Result<Wiring, LinksError> setup_ports(Switch& sw, const links::Links& page) {
    if (page.magic != links::magic) return fail(LinksError{LinksProblem::bad_magic});
    u32 count = page.port_count;
    if (count > links::max_ports) return fail(LinksError{LinksProblem::too_many_ports});
    if (count == 0) return fail(LinksError{LinksProblem::no_ports});
    Wiring wiring;
    for (u32 i = 0; i < count; ++i) {
        links::Port p = page.ports[i];
        if (p.ring_bytes < frame_ring::region_bytes) return fail(LinksError{LinksProblem::small_ring, i});
        if (p.ring == 0 || !is_aligned(p.ring, alignof(frame_ring::Indices)))
            return fail(LinksError{LinksProblem::bad_ring, i});
        if (i == 0) wiring.doorbell = p.wait;
        if (p.wait != wiring.doorbell) return fail(LinksError{LinksProblem::two_doorbells, i});
        net::MacAddr mac = net::MacAddr::load(p.mac);
        if (Status<PortError> s = sw.add_port(mac, p.network_index, reinterpret_cast<void*>(uptr(p.ring))); !s)
            return fail(LinksError{LinksProblem::bad_port, i, s.error()});
        wiring.signal[i] = p.signal;
    }
    return wiring;
}

} // namespace isok::vswitch

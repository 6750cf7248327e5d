// switch: the virtual Ethernet switch process. It finds its ports on its Links page and
// then forwards frames forever: wait on the doorbell, run rounds while frames wait,
// signal the members that received frames, and report drop counters as they grow.
#include <isok/links.hpp>
#include <isok/net/mac_addr.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/string.hpp>
#include <vswitch/links_setup.hpp>

using namespace isok;
using rt::Error;

namespace {

vswitch::Switch the_switch; // ports, counters and a frame buffer: too much for the stack

void announce(const links::Links& page) {
    rt::print("switch: %zu ports on %zu networks\n", the_switch.port_count(), the_switch.network_count());
    for (usize i = 0; i < the_switch.port_count(); ++i) {
        char mac[net::mac_text_bytes];
        net::format_mac(the_switch.port(i).mac, mac);
        char network[links::name_bytes];
        str_copy(network, page.ports[i].network, sizeof network);
        rt::print("switch: port %zu %s on %s\n", i, mac, network);
    }
}

void report_drops() {
    vswitch::DropReport r;
    while (the_switch.next_report(r)) {
        const vswitch::Port& p = the_switch.port(r.port);
        char mac[net::mac_text_bytes];
        net::format_mac(p.mac, mac);
        rt::print("switch: port %zu (%s) dropped %lu %s frame(s) (rx %lu, tx %lu)\n", r.port, mac, r.count,
                  vswitch::describe(r.kind), p.counters.rx, p.counters.tx);
    }
}

// A member that died leaves a stale notification: say so once, keep serving the rest.
void signal_members(u64 delivered, const vswitch::Wiring& wiring) {
    static u64 failed = 0;
    for (; delivered; delivered &= delivered - 1) {
        usize i = usize(__builtin_ctzll(delivered));
        Error e = rt::sys::signal(wiring.signal[i]);
        if (e != Error::ok && !(failed & (u64(1) << i))) {
            failed |= u64(1) << i;
            rt::print("switch: port %zu: signal failed: %s\n", i, rt::error_name(e));
        }
    }
}

} // namespace

int main(const startup::Info&) {
    const auto& page = *reinterpret_cast<const links::Links*>(links::address);
    Result<vswitch::Wiring, vswitch::LinksError> wiring = vswitch::setup_ports(the_switch, page);
    if (!wiring) {
        const vswitch::LinksError& e = wiring.error();
        if (e.problem == vswitch::LinksProblem::bad_port)
            rt::fatal("switch: port %u: %s\n", e.port, vswitch::describe(e.port_error));
        rt::fatal("switch: port %u: %s\n", e.port, vswitch::describe(e.problem));
    }
    announce(page);
    for (;;) {
        u64 rang = 0;
        if (!the_switch.pending()) {
            rt::Bits b = rt::sys::wait(wiring->doorbell);
            if (b.error != Error::ok)
                rt::fatal("switch: waiting on the doorbell failed: %s\n", rt::error_name(b.error));
            rang = b.bits;
        }
        signal_members(the_switch.round(rang), *wiring);
        report_drops();
    }
}

// The IPv4 host's receive paths (ARP, IPv4, ICMP echo, UDP) and its timers. Replies go
// back to the Ethernet source of the request: the switch guarantees that source, so no
// ARP exchange is needed to answer, and none can be poisoned into misdirecting one.
#include <inet/stack.hpp>
#include <isok/net/arp.hpp>
#include <isok/net/icmp.hpp>

namespace isok::inet {
namespace {

constexpr char done_word[] = "done ";
constexpr usize done_word_bytes = sizeof(done_word) - 1;

bool starts_with_done(Bytes payload) {
    if (payload.size() < done_word_bytes) return false;
    for (usize i = 0; i < done_word_bytes; ++i)
        if (payload.data()[i] != u8(done_word[i])) return false;
    return true;
}

// A source address no reply may go to.
bool bogus_source(net::Ipv4Addr a) { return a.is_unspecified() || a.is_broadcast() || a.is_multicast(); }

} // namespace

Stack::Stack(const Config& config, const net::MacAddr& mac, u64 ticks_per_second, FrameSink& link, Events& events)
    : config_(config), mac_(mac), link_(link), events_(events),
      pinger_(config.peers, config.peer_count, u16(config.interface.address.value),
              max(ticks_per_second, u64(1)) / ping_interval_divisor),
      barrier_(config.barrier, max(ticks_per_second, u64(1))) {}

void Stack::receive(Bytes frame) {
    ++stats_.received;
    Result<net::EthernetFrame, net::NetError> eth = net::parse_ethernet(frame);
    if (!eth || eth->addresses.source.is_group()) {
        ++stats_.malformed;
        return;
    }
    const net::MacAddr& to = eth->addresses.destination;
    if ((to != mac_ && !to.is_group()) || eth->addresses.source == mac_) {
        ++stats_.ignored;
        return;
    }
    switch (eth->type) {
    case net::ether_type::arp: handle_arp(*eth); break;
    case net::ether_type::ipv4: handle_ipv4(*eth); break;
    default: ++stats_.ignored; break;
    }
}

void Stack::handle_arp(const net::EthernetFrame& frame) {
    Result<net::ArpPacket, net::NetError> a = net::parse_arp(frame.payload);
    if (!a) {
        ++(a.error() == net::NetError::unsupported ? stats_.ignored : stats_.malformed);
        return;
    }
    // A packet that names another MAC than the one it came from is a forgery.
    if (a->sender_mac != frame.addresses.source) {
        ++stats_.malformed;
        return;
    }
    net::Ipv4Addr self = config_.interface.address;
    bool for_us = a->target_ip == self;
    if (a->sender_ip != self) arp_.update(a->sender_ip, a->sender_mac, for_us);
    if (!for_us || a->op != net::ArpOp::request) {
        stats_.ignored += !for_us;
        return;
    }
    net::ArpPacket answer{net::ArpOp::reply, mac_, self, a->sender_mac, a->sender_ip};
    transmit(net::build_arp_frame(frame_, sizeof frame_, a->sender_mac, answer));
}

void Stack::handle_ipv4(const net::EthernetFrame& frame) {
    Result<net::Ipv4Packet, net::NetError> p = net::parse_ipv4(frame.payload);
    if (!p) {
        ++stats_.malformed;
        return;
    }
    net::Ipv4Addr to = p->header.destination;
    bool to_us = to == config_.interface.address;
    bool broadcast =
        to.is_broadcast() || (config_.interface.prefix_length < 31 && to == config_.interface.subnet_broadcast());
    if ((!to_us && !broadcast) || bogus_source(p->header.source) || p->header.source == config_.interface.address) {
        ++stats_.ignored;
        return;
    }
    if (p->header.protocol == net::ip_protocol::icmp && to_us)
        handle_icmp(frame, *p);
    else if (p->header.protocol == net::ip_protocol::udp)
        handle_udp(frame, *p, to_us);
    else
        ++stats_.ignored;
}

void Stack::handle_icmp(const net::EthernetFrame& frame, const net::Ipv4Packet& packet) {
    Result<net::IcmpEcho, net::NetError> e = net::parse_icmp_echo(packet.payload);
    if (!e) {
        ++(e.error() == net::NetError::unsupported ? stats_.ignored : stats_.malformed);
        return;
    }
    net::Ipv4Addr from = packet.header.source;
    if (e->type == net::IcmpType::echo_request) {
        net::IcmpEcho reply{net::IcmpType::echo_reply, e->id, e->sequence, e->payload};
        transmit(
            net::build_icmp_echo_frame(frame_, sizeof frame_, {frame.addresses.source, mac_}, header_to(from), reply));
        return;
    }
    if (pinger_.answer(from, e->id, e->sequence) < 0) {
        ++stats_.ignored;
        return;
    }
    events_.ping_answered(from, e->sequence);
}

void Stack::handle_udp(const net::EthernetFrame& frame, const net::Ipv4Packet& packet, bool to_us) {
    Result<net::UdpDatagram, net::NetError> d = net::parse_udp(packet);
    if (!d) {
        ++stats_.malformed;
        return;
    }
    u16 port = d->destination_port;
    net::Ipv4Addr from = packet.header.source;
    if (port == Barrier::port && starts_with_done(d->payload)) {
        barrier_.hear(from);
    } else if (to_us && config_.echo_port && port == config_.echo_port && d->source_port != 0 &&
               d->source_port != config_.echo_port) {
        // Never echo an echo server (source port = ours): two of them would bounce one
        // datagram forever.
        net::UdpDatagram back{config_.echo_port, d->source_port, d->payload};
        transmit(net::build_udp_frame(frame_, sizeof frame_, {frame.addresses.source, mac_}, header_to(from), back));
    } else if (to_us && config_.sink_port && port == config_.sink_port) {
        if (sink_.datagrams() == 0) events_.sink_started();
        if (sink_.count(d->payload.size())) events_.sink_progress(sink_.datagrams(), sink_.bytes());
    } else {
        ++stats_.ignored;
    }
}

void Stack::tick(u64 now) {
    if (pinger_.due(now)) {
        for (usize i = 0; i < pinger_.count(); ++i) {
            net::Ipv4Addr peer = pinger_.peer(i).address;
            Pinger::Attempt a = pinger_.attempt(i);
            if (a.action == Pinger::Action::give_up) {
                events_.ping_failed(peer);
            } else if (a.action == Pinger::Action::try_again) {
                // Until the peer's MAC is known every try is an ARP request.
                if (const net::MacAddr* mac = arp_.lookup(peer))
                    send_echo_request(peer, *mac, a.sequence);
                else
                    send_arp_request(peer);
            }
        }
    }
    Barrier::Step s = barrier_.step(now, pinger_.finished());
    if (s.completed) events_.barrier_done();
    if (s.failed) events_.barrier_failed(barrier_.heard(), config_.barrier);
    if (s.broadcast) broadcast_done();
}

bool Stack::timers_running() const { return !pinger_.finished() || !barrier_.quiet(); }

void Stack::send_arp_request(net::Ipv4Addr target) {
    net::ArpPacket request{net::ArpOp::request, mac_, config_.interface.address, net::MacAddr{}, target};
    transmit(net::build_arp_frame(frame_, sizeof frame_, net::MacAddr::broadcast(), request));
}

void Stack::send_echo_request(net::Ipv4Addr peer, const net::MacAddr& mac, u16 sequence) {
    u8 payload[ping_payload_bytes];
    for (usize i = 0; i < sizeof payload; ++i) payload[i] = u8(i);
    net::IcmpEcho echo{net::IcmpType::echo_request, pinger_.id(), sequence, Bytes(payload, sizeof payload)};
    transmit(net::build_icmp_echo_frame(frame_, sizeof frame_, {mac, mac_}, header_to(peer), echo));
}

void Stack::broadcast_done() {
    char text[done_word_bytes + net::ipv4_text_bytes];
    for (usize i = 0; i < done_word_bytes; ++i) text[i] = done_word[i];
    char address[net::ipv4_text_bytes];
    net::format_ipv4(config_.interface.address, address);
    usize length = done_word_bytes;
    for (usize i = 0; address[i]; ++i) text[length++] = address[i];
    net::UdpDatagram done{Barrier::port, Barrier::port, Bytes(reinterpret_cast<const u8*>(text), length)};
    transmit(net::build_udp_frame(frame_, sizeof frame_, {net::MacAddr::broadcast(), mac_},
                                  header_to(net::Ipv4Addr::broadcast()), done));
}

net::Ipv4Header Stack::header_to(net::Ipv4Addr destination) {
    net::Ipv4Header h;
    h.source = config_.interface.address;
    h.destination = destination;
    h.id = next_id_++;
    return h;
}

void Stack::transmit(Result<usize, net::NetError> built) {
    if (built && link_.transmit(frame_, *built))
        ++stats_.sent;
    else
        ++stats_.send_failed;
}

} // namespace isok::inet

// A small IPv4 host on one Ethernet port: answers ARP for its address and keeps an ARP
// cache, answers ICMP echo, serves UDP echo, counts a UDP sink, pings its peers and takes
// part in the start-up barrier. Every received frame is untrusted: anything malformed
// is counted and dropped, anything not for this host is ignored.
#pragma once
#include <inet/arp_cache.hpp>
#include <inet/barrier.hpp>
#include <inet/config.hpp>
#include <inet/link.hpp>
#include <inet/pinger.hpp>
#include <inet/sink.hpp>
#include <isok/bytes.hpp>
#include <isok/net/ethernet.hpp>
#include <isok/net/ipv4.hpp>
#include <isok/net/mac_addr.hpp>
#include <isok/net/udp.hpp>

namespace isok::inet {

struct StackStats {
    u64 received = 0;    // frames handed to receive()
    u64 malformed = 0;   // dropped: a header or checksum that does not verify, a fragment
    u64 ignored = 0;     // well formed but not for this host or of a kind it does not serve
    u64 sent = 0;
    u64 send_failed = 0; // the link refused the frame
};

class Stack {
public:
    static constexpr u64 ping_interval_divisor = 20; // a try every 1/20 s = 50 ms
    static constexpr usize ping_payload_bytes = 56;  // what ping(8) sends by default

    // `ticks_per_second` is the rate of the `now` values passed below.
    Stack(const Config& config, const net::MacAddr& mac, u64 ticks_per_second, FrameSink& link, Events& events);

    void receive(Bytes frame);
    // Runs the timers: ping tries, barrier broadcasts.
    void tick(u64 now);
    // Timers are running: the caller must keep calling tick() instead of sleeping until
    // the next frame.
    bool timers_running() const;

    const StackStats& stats() const { return stats_; }
    const ArpCache& arp_cache() const { return arp_; }
    const Pinger& pinger() const { return pinger_; }
    const Barrier& barrier() const { return barrier_; }
    const Sink& sink() const { return sink_; }

private:
    void handle_arp(const net::EthernetFrame& frame);
    void handle_ipv4(const net::EthernetFrame& frame);
    void handle_icmp(const net::EthernetFrame& frame, const net::Ipv4Packet& packet);
    void handle_udp(const net::EthernetFrame& frame, const net::Ipv4Packet& packet, bool to_us);

    void send_arp_request(net::Ipv4Addr target);
    void send_echo_request(net::Ipv4Addr peer, const net::MacAddr& mac, u16 sequence);
    void broadcast_done();
    net::Ipv4Header header_to(net::Ipv4Addr destination);
    void transmit(Result<usize, net::NetError> built);

    Config config_;
    net::MacAddr mac_;
    FrameSink& link_;
    Events& events_;
    ArpCache arp_;
    Pinger pinger_;
    Barrier barrier_;
    Sink sink_;
    StackStats stats_;
    u16 next_id_ = 1;
    u8 frame_[net::ethernet_max_frame]; // the frame being built
};

} // namespace isok::inet

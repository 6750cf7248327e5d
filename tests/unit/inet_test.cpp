// The IPv4 endpoint's stack fed crafted frames: it answers ARP, ICMP echo and UDP echo
// correctly, counts the sink, pings and runs the barrier on its timers, and drops what
// is malformed or not for it without answering.
#include <gtest/gtest.h>
#include <inet/arp_cache.hpp>
#include <inet/stack.hpp>
#include <isok/net/arp.hpp>
#include <isok/net/byte_order.hpp>
#include <isok/net/icmp.hpp>

#include <memory>
#include <string>
#include <vector>

using isok::Bytes;
using isok::u16;
using isok::u64;
using isok::u8;
using isok::usize;
using namespace isok::net;
using namespace isok::inet;

namespace {

constexpr u64 hz = 1000; // one tick per millisecond: pings every 50, broadcasts every 200

const MacAddr self_mac{{0x02, 0, 0, 0, 0, 0x03}};
const MacAddr peer_mac{{0x02, 0, 0, 0, 0, 0x01}};
const MacAddr other_mac{{0x02, 0, 0, 0, 0, 0x02}};
const Ipv4Addr self_ip{0x0a000003};
const Ipv4Addr peer_ip{0x0a000001};
const Ipv4Addr other_ip{0x0a000002};

struct FakeLink final : FrameSink {
    std::vector<std::vector<u8>> frames;
    bool refuse = false;
    bool transmit(const u8* frame, usize length) override {
        if (refuse) return false;
        frames.emplace_back(frame, frame + length);
        return true;
    }
    std::vector<std::vector<u8>> take() { return std::exchange(frames, {}); }
};

struct FakeEvents final : Events {
    std::vector<std::string> log;
    void ping_answered(Ipv4Addr peer, u16 sequence) override {
        char a[ipv4_text_bytes];
        format_ipv4(peer, a);
        log.push_back(std::string("ok ") + a + " " + std::to_string(sequence));
    }
    void ping_failed(Ipv4Addr peer) override {
        char a[ipv4_text_bytes];
        format_ipv4(peer, a);
        log.push_back(std::string("failed ") + a);
    }
    void barrier_done() override { log.push_back("barrier"); }
    void barrier_failed(usize heard, isok::u32 needed) override {
        log.push_back("barrier failed " + std::to_string(heard) + " of " + std::to_string(needed));
    }
    void sink_started() override { log.push_back("sink started"); }
    void sink_progress(u64 datagrams, u64 bytes) override {
        log.push_back("sink " + std::to_string(datagrams) + " " + std::to_string(bytes));
    }
};

Bytes view(const std::vector<u8>& v) { return Bytes(v.data(), v.size()); }
Bytes text(const std::string& s) { return Bytes(reinterpret_cast<const u8*>(s.data()), s.size()); }
std::string as_string(Bytes b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

Ipv4Header ip_header(Ipv4Addr from, Ipv4Addr to) {
    Ipv4Header h;
    h.source = from;
    h.destination = to;
    h.id = 77;
    return h;
}

std::vector<u8> built(isok::Result<usize, NetError> n, std::vector<u8>& buffer) {
    EXPECT_TRUE(n.ok());
    buffer.resize(n.ok() ? *n : 0);
    return buffer;
}

std::vector<u8> arp_frame(ArpOp op, const MacAddr& from_mac, Ipv4Addr from_ip, const MacAddr& to_mac, Ipv4Addr to_ip,
                          const MacAddr& link_to) {
    std::vector<u8> f(ethernet_max_frame);
    return built(build_arp_frame(f.data(), f.size(), link_to, {op, from_mac, from_ip, to_mac, to_ip}), f);
}

std::vector<u8> echo_frame(IcmpType type, const MacAddr& from_mac, Ipv4Addr from, Ipv4Addr to, u16 id, u16 seq,
                           const std::string& payload, const MacAddr& link_to = self_mac) {
    std::vector<u8> f(ethernet_max_frame);
    return built(build_icmp_echo_frame(f.data(), f.size(), {link_to, from_mac}, ip_header(from, to),
                                       {type, id, seq, text(payload)}),
                 f);
}

std::vector<u8> udp_frame(const MacAddr& from_mac, Ipv4Addr from, u16 from_port, Ipv4Addr to, u16 to_port,
                          const std::string& payload, const MacAddr& link_to = self_mac) {
    std::vector<u8> f(ethernet_max_frame);
    return built(build_udp_frame(f.data(), f.size(), {link_to, from_mac}, ip_header(from, to),
                                 {from_port, to_port, text(payload)}),
                 f);
}

// A frame the stack sent, taken apart (each layer checked by the parsers).
struct Sent {
    EthernetFrame eth;
    Ipv4Packet ip;
    std::vector<u8> bytes;
};
Sent decode_ipv4(const std::vector<u8>& frame) {
    Sent s;
    s.bytes = frame;
    auto e = parse_ethernet(view(s.bytes));
    EXPECT_TRUE(e.ok());
    s.eth = *e;
    EXPECT_EQ(s.eth.type, ether_type::ipv4);
    auto ip = parse_ipv4(s.eth.payload);
    EXPECT_TRUE(ip.ok()) << "sent IPv4 packets verify";
    if (ip) s.ip = *ip;
    return s;
}

struct InetTest : ::testing::Test {
    FakeLink link;
    FakeEvents events;
    std::unique_ptr<Stack> stack;

    void make(const std::string& args) {
        auto c = parse_args(args.data(), args.size());
        ASSERT_TRUE(c.ok());
        stack = std::make_unique<Stack>(*c, self_mac, hz, link, events);
    }
    void SetUp() override { make("ip=10.0.0.3/24 sink=9000"); }
    void receive(const std::vector<u8>& frame) {
        // An exactly sized copy: a read past the frame would read past the allocation.
        std::unique_ptr<u8[]> exact(new u8[frame.size() + 1]);
        std::copy(frame.begin(), frame.end(), exact.get());
        stack->receive(Bytes(exact.get(), frame.size()));
    }
};

} // namespace

TEST_F(InetTest, AnswersArpForItsAddressAndLearnsTheAsker) {
    receive(arp_frame(ArpOp::request, peer_mac, peer_ip, MacAddr{}, self_ip, MacAddr::broadcast()));
    auto out = link.take();
    ASSERT_EQ(out.size(), 1u);
    auto e = parse_ethernet(view(out[0]));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->addresses.destination, peer_mac);
    EXPECT_EQ(e->addresses.source, self_mac);
    auto a = parse_arp(e->payload);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->op, ArpOp::reply);
    EXPECT_EQ(a->sender_mac, self_mac);
    EXPECT_EQ(a->sender_ip, self_ip);
    EXPECT_EQ(a->target_mac, peer_mac);
    EXPECT_EQ(a->target_ip, peer_ip);
    ASSERT_NE(stack->arp_cache().lookup(peer_ip), nullptr);
    EXPECT_EQ(*stack->arp_cache().lookup(peer_ip), peer_mac);
}

TEST_F(InetTest, ArpForOthersIsNotAnsweredNorLearned) {
    receive(arp_frame(ArpOp::request, peer_mac, peer_ip, MacAddr{}, other_ip, MacAddr::broadcast()));
    EXPECT_TRUE(link.take().empty());
    EXPECT_EQ(stack->arp_cache().lookup(peer_ip), nullptr);
    EXPECT_EQ(stack->stats().ignored, 1u);
}

TEST_F(InetTest, ArpThatLiesAboutItsSenderIsDropped) {
    // Port 1's member claims, inside ARP, to be port 2's MAC.
    receive(arp_frame(ArpOp::request, other_mac, peer_ip, MacAddr{}, self_ip, MacAddr::broadcast()));
    auto f = arp_frame(ArpOp::request, other_mac, peer_ip, MacAddr{}, self_ip, MacAddr::broadcast());
    peer_mac.store(f.data() + 6); // the link source is the real one
    receive(f);
    EXPECT_EQ(link.take().size(), 1u) << "only the consistent one is answered";
    EXPECT_EQ(stack->stats().malformed, 1u);
}

TEST_F(InetTest, AnswersIcmpEchoWithTheSameIdSequenceAndPayload) {
    receive(echo_frame(IcmpType::echo_request, peer_mac, peer_ip, self_ip, 0x4242, 9, "ping payload 123"));
    auto out = link.take();
    ASSERT_EQ(out.size(), 1u);
    Sent s = decode_ipv4(out[0]);
    EXPECT_EQ(s.eth.addresses.destination, peer_mac);
    EXPECT_EQ(s.eth.addresses.source, self_mac);
    EXPECT_EQ(s.ip.header.source, self_ip);
    EXPECT_EQ(s.ip.header.destination, peer_ip);
    auto e = parse_icmp_echo(s.ip.payload);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->type, IcmpType::echo_reply);
    EXPECT_EQ(e->id, 0x4242);
    EXPECT_EQ(e->sequence, 9);
    EXPECT_EQ(as_string(e->payload), "ping payload 123");
}

TEST_F(InetTest, EchoRequestsNotForItAreIgnored) {
    receive(echo_frame(IcmpType::echo_request, peer_mac, peer_ip, other_ip, 1, 1, "x"));
    receive(echo_frame(IcmpType::echo_request, peer_mac, peer_ip, Ipv4Addr::broadcast(), 1, 1, "x",
                       MacAddr::broadcast()));
    receive(echo_frame(IcmpType::echo_request, peer_mac, peer_ip, self_ip, 1, 1, "x", other_mac));
    receive(echo_frame(IcmpType::echo_request, peer_mac, Ipv4Addr{}, self_ip, 1, 1, "x"));
    EXPECT_TRUE(link.take().empty());
    EXPECT_EQ(stack->stats().ignored, 4u);
    EXPECT_EQ(stack->stats().malformed, 0u);
}

TEST_F(InetTest, ServesUdpEcho) {
    receive(udp_frame(peer_mac, peer_ip, 40000, self_ip, 7, "echo me"));
    auto out = link.take();
    ASSERT_EQ(out.size(), 1u);
    Sent s = decode_ipv4(out[0]);
    EXPECT_EQ(s.eth.addresses.destination, peer_mac);
    EXPECT_EQ(s.ip.header.destination, peer_ip);
    auto u = parse_udp(s.ip);
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->source_port, 7);
    EXPECT_EQ(u->destination_port, 40000);
    EXPECT_EQ(as_string(u->payload), "echo me");
}

TEST_F(InetTest, UdpEchoRefusesWhatCouldLoop) {
    receive(udp_frame(peer_mac, peer_ip, 7, self_ip, 7, "from another echo server"));
    receive(udp_frame(peer_mac, peer_ip, 0, self_ip, 7, "no port to answer"));
    receive(udp_frame(peer_mac, peer_ip, 5000, Ipv4Addr::broadcast(), 7, "broadcast", MacAddr::broadcast()));
    receive(udp_frame(peer_mac, peer_ip, 5000, self_ip, 8, "closed port"));
    EXPECT_TRUE(link.take().empty());
}

TEST_F(InetTest, LargestUdpEchoFits) {
    std::string payload(udp_max_payload, 'z');
    receive(udp_frame(peer_mac, peer_ip, 40000, self_ip, 7, payload));
    auto out = link.take();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].size(), ethernet_max_frame);
}

TEST_F(InetTest, SinkCountsAndReportsAtPowersOfTwo) {
    for (int i = 0; i < 2048; ++i) receive(udp_frame(peer_mac, peer_ip, 40000, self_ip, 9000, "0123456789"));
    EXPECT_TRUE(link.take().empty());
    EXPECT_EQ(events.log, (std::vector<std::string>{"sink started", "sink 1024 10240", "sink 2048 20480"}));
    EXPECT_EQ(stack->sink().bytes(), 20480u);
}

TEST_F(InetTest, MalformedFramesAreCountedAndNotAnswered) {
    std::vector<std::vector<u8>> bad;
    auto good = echo_frame(IcmpType::echo_request, peer_mac, peer_ip, self_ip, 1, 1, "payload");
    bad.emplace_back(good.begin(), good.begin() + 10);                              // no Ethernet header
    bad.emplace_back(good.begin(), good.begin() + 30);                              // IPv4 cut short
    bad.push_back(good), bad.back()[14 + 15] ^= 1;                                  // IPv4 header checksum
    bad.push_back(good), bad.back()[14 + 6] = 0x20;                                 // a fragment (and bad sum)
    bad.push_back(good), bad.back()[14 + 20 + 9] ^= 1;                              // ICMP checksum
    auto u = udp_frame(peer_mac, peer_ip, 40000, self_ip, 7, "payload");
    bad.push_back(u), bad.back()[14 + 20 + 9] ^= 1;                                 // UDP checksum
    auto a = arp_frame(ArpOp::request, peer_mac, peer_ip, MacAddr{}, self_ip, MacAddr::broadcast());
    bad.emplace_back(a.begin(), a.begin() + 14 + 27);                               // ARP cut short
    auto group = good;
    MacAddr::broadcast().store(group.data() + 6);                                  // a group source MAC
    bad.push_back(group);
    for (auto& f : bad) receive(f);
    EXPECT_TRUE(link.take().empty());
    EXPECT_EQ(stack->stats().malformed, bad.size());
    EXPECT_EQ(stack->stats().received, bad.size());
}

TEST_F(InetTest, PingsResolveThenEchoUntilAnswered) {
    make("ip=10.0.0.3/24 ping=10.0.0.1");
    EXPECT_TRUE(stack->timers_running());
    stack->tick(0);
    auto out = link.take();
    ASSERT_EQ(out.size(), 1u) << "first an ARP request, the MAC being unknown";
    auto e = parse_ethernet(view(out[0]));
    EXPECT_TRUE(e->addresses.destination.is_broadcast());
    auto a = parse_arp(e->payload);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->op, ArpOp::request);
    EXPECT_EQ(a->target_ip, peer_ip);
    receive(arp_frame(ArpOp::reply, peer_mac, peer_ip, self_mac, self_ip, self_mac));
    EXPECT_TRUE(link.take().empty());
    stack->tick(49);
    EXPECT_TRUE(link.take().empty()) << "the next try waits for its interval";
    stack->tick(50);
    out = link.take();
    ASSERT_EQ(out.size(), 1u);
    Sent s = decode_ipv4(out[0]);
    EXPECT_EQ(s.eth.addresses.destination, peer_mac);
    auto echo = parse_icmp_echo(s.ip.payload);
    ASSERT_TRUE(echo.ok());
    EXPECT_EQ(echo->type, IcmpType::echo_request);
    EXPECT_EQ(echo->sequence, 2);
    // A reply with another id or a sequence not sent yet answers nothing.
    receive(echo_frame(IcmpType::echo_reply, peer_mac, peer_ip, self_ip, u16(echo->id + 1), 2, "x"));
    receive(echo_frame(IcmpType::echo_reply, peer_mac, peer_ip, self_ip, echo->id, 3, "x"));
    receive(echo_frame(IcmpType::echo_reply, other_mac, other_ip, self_ip, echo->id, 2, "x"));
    EXPECT_TRUE(events.log.empty());
    receive(echo_frame(IcmpType::echo_reply, peer_mac, peer_ip, self_ip, echo->id, 2, as_string(echo->payload)));
    EXPECT_EQ(events.log, (std::vector<std::string>{"ok 10.0.0.1 2"}));
    EXPECT_FALSE(stack->timers_running()) << "no more pings, and no barrier to take part in";
    stack->tick(100);
    EXPECT_TRUE(link.take().empty());
}

TEST_F(InetTest, PingGivesUpAfterItsTries) {
    make("ip=10.0.0.3/24 ping=10.0.0.9 barrier=1");
    u64 now = 0;
    for (; events.log.empty() && now < 1000000; now += 50) stack->tick(now);
    EXPECT_EQ(events.log, (std::vector<std::string>{"failed 10.0.0.9"}));
    EXPECT_EQ(now, 50u * (Pinger::max_tries + 1));
    EXPECT_EQ(stack->pinger().peer(0).tries, Pinger::max_tries);
    EXPECT_TRUE(stack->timers_running()) << "the barrier still waits";
}

TEST_F(InetTest, BarrierCountsDistinctOthersThenLingersAndFallsQuiet) {
    make("ip=10.0.0.3/24 barrier=2");
    stack->tick(0);
    auto out = link.take();
    ASSERT_EQ(out.size(), 1u) << "no peers: pings are done, broadcasting starts at once";
    Sent s = decode_ipv4(out[0]);
    EXPECT_TRUE(s.eth.addresses.destination.is_broadcast());
    EXPECT_TRUE(s.ip.header.destination.is_broadcast());
    auto u = parse_udp(s.ip);
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->source_port, Barrier::port);
    EXPECT_EQ(u->destination_port, Barrier::port);
    EXPECT_EQ(as_string(u->payload), "done 10.0.0.3");
    stack->tick(199);
    EXPECT_TRUE(link.take().empty());
    stack->tick(200);
    EXPECT_EQ(link.take().size(), 1u);
    auto done_from = [&](const MacAddr& m, Ipv4Addr ip, const std::string& what) {
        receive(udp_frame(m, ip, Barrier::port, Ipv4Addr::broadcast(), Barrier::port, what, MacAddr::broadcast()));
    };
    done_from(peer_mac, peer_ip, "done 10.0.0.1");
    done_from(peer_mac, peer_ip, "done 10.0.0.1"); // the same sender twice counts once
    done_from(other_mac, other_ip, "hello");        // not a "done"
    stack->tick(300);
    EXPECT_TRUE(events.log.empty());
    done_from(other_mac, other_ip, "done 10.0.0.2");
    stack->tick(301);
    EXPECT_EQ(events.log, (std::vector<std::string>{"barrier"}));
    EXPECT_TRUE(stack->timers_running());
    usize broadcasts = link.take().size();
    for (u64 now = 302; now < 301 + 2 * hz; ++now) stack->tick(now);
    broadcasts += link.take().size();
    EXPECT_GE(broadcasts, 9u);
    EXPECT_LE(broadcasts, 11u);
    stack->tick(301 + 2 * hz);
    EXPECT_FALSE(stack->timers_running());
    for (u64 now = 301 + 2 * hz; now < 10 * hz; now += 100) stack->tick(now);
    EXPECT_TRUE(link.take().empty()) << "quiet: no more broadcasts";
    EXPECT_EQ(events.log.size(), 1u);
    // Still serving.
    receive(echo_frame(IcmpType::echo_request, peer_mac, peer_ip, self_ip, 1, 1, "x"));
    EXPECT_EQ(link.take().size(), 1u);
}

TEST_F(InetTest, NoBarrierMeansNoBroadcasts) {
    make("ip=10.0.0.3/24");
    EXPECT_FALSE(stack->timers_running());
    for (u64 now = 0; now < 5 * hz; now += 10) stack->tick(now);
    EXPECT_TRUE(events.log.empty());
    EXPECT_TRUE(link.take().empty());
}

TEST_F(InetTest, BarrierGivesUpAfterAMinute) {
    make("ip=10.0.0.3/24 barrier=2");
    receive(udp_frame(peer_mac, peer_ip, Barrier::port, Ipv4Addr::broadcast(), Barrier::port, "done 10.0.0.1",
                      MacAddr::broadcast()));
    u64 now = 0;
    for (; stack->timers_running() && now < 100 * hz; now += 10) stack->tick(now);
    EXPECT_EQ(now, Barrier::give_up_seconds * hz + 10);
    EXPECT_EQ(events.log, (std::vector<std::string>{"barrier failed 1 of 2"}));
    EXPECT_FALSE(stack->barrier().complete());
    EXPECT_EQ(link.take().size(), Barrier::give_up_seconds * 5) << "a broadcast every 200 ms until then";
}

TEST_F(InetTest, RefusedTransmitsAreCounted) {
    link.refuse = true;
    receive(echo_frame(IcmpType::echo_request, peer_mac, peer_ip, self_ip, 1, 1, "x"));
    EXPECT_EQ(stack->stats().send_failed, 1u);
    EXPECT_EQ(stack->stats().sent, 0u);
}

TEST(InetArpCache, ReplacesTheOldestAndKeepsNoGroups) {
    ArpCache cache;
    auto mac_of = [](u8 i) { return MacAddr{{0x02, 0, 0, 0, 1, i}}; };
    cache.update(Ipv4Addr{1}, mac_of(1), false);
    EXPECT_EQ(cache.size(), 0u) << "no entry is created unless asked";
    for (u8 i = 1; i <= ArpCache::capacity; ++i) cache.update(Ipv4Addr{i}, mac_of(i), true);
    EXPECT_EQ(cache.size(), ArpCache::capacity);
    cache.update(Ipv4Addr{1}, mac_of(100), false); // refreshes entry 1: entry 2 is now the oldest
    cache.update(Ipv4Addr{500}, mac_of(200), true);
    EXPECT_EQ(cache.size(), ArpCache::capacity);
    EXPECT_EQ(cache.lookup(Ipv4Addr{2}), nullptr);
    ASSERT_NE(cache.lookup(Ipv4Addr{1}), nullptr);
    EXPECT_EQ(*cache.lookup(Ipv4Addr{1}), mac_of(100));
    ASSERT_NE(cache.lookup(Ipv4Addr{500}), nullptr);
    ArpCache fresh;
    fresh.update(Ipv4Addr{}, mac_of(1), true);
    fresh.update(Ipv4Addr::broadcast(), mac_of(1), true);
    fresh.update(Ipv4Addr{0xe0000001}, mac_of(1), true);
    fresh.update(Ipv4Addr{7}, MacAddr::broadcast(), true);
    fresh.update(Ipv4Addr{7}, MacAddr{}, true);
    EXPECT_EQ(fresh.size(), 0u);
}

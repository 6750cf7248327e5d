// The virtual switch over host memory as rings: where each frame arrives, what is
// dropped and counted, and that no member can starve or block the others.
#include <gtest/gtest.h>
#include <isok/frame_ring.hpp>
#include <isok/links.hpp>
#include <isok/net/ethernet.hpp>
#include <vswitch/links_setup.hpp>
#include <vswitch/switch.hpp>

#include <algorithm>
#include <memory>
#include <vector>

using isok::Bytes;
using isok::u16;
using isok::u32;
using isok::u64;
using isok::u8;
using isok::usize;
using isok::net::MacAddr;
using namespace isok::vswitch;
namespace fr = isok::frame_ring;

namespace {

struct alignas(4096) Region {
    u8 bytes[fr::region_bytes] = {};
};

MacAddr mac(u8 last) { return MacAddr{{0x02, 0, 0, 0, 0, last}}; }

std::vector<u8> frame(const MacAddr& to, const MacAddr& from, usize length = 64, u8 fill = 0xab) {
    std::vector<u8> f(length, fill);
    isok::net::write_ethernet_header(f.data(), {to, from}, 0x88b5);
    return f;
}

// A member: the other end of a port's rings.
struct Member {
    std::unique_ptr<Region> region = std::make_unique<Region>();
    fr::Ring transmit{region.get(), fr::Direction::to_switch};
    fr::Ring receive{region.get(), fr::Direction::from_switch};
    fr::Header& header() { return *reinterpret_cast<fr::Header*>(region.get()); }

    bool send(const std::vector<u8>& f) { return transmit.push(f.data(), u32(f.size())); }
    std::vector<std::vector<u8>> received() {
        std::vector<std::vector<u8>> out;
        u8 buffer[fr::max_frame];
        for (;;) {
            fr::Ring::Popped p = receive.pop(buffer);
            if (!p.length && !p.bad) return out;
            out.emplace_back(buffer, buffer + p.length);
        }
    }
    // Publishes a slot with a raw length, as a hostile member can.
    void send_raw_length(u32 length) {
        fr::Slot* slots = reinterpret_cast<fr::Slot*>(region->bytes + fr::header_bytes);
        u32 head = header().to_switch.head;
        slots[head % fr::slots].length = length;
        header().to_switch.head = head + 1;
    }
};

struct SwitchTest : ::testing::Test {
    std::unique_ptr<Switch> sw = std::make_unique<Switch>();
    std::vector<std::unique_ptr<Member>> members;

    // Port i gets MAC 02:00:00:00:00:(i+1).
    Member& add(u16 network) {
        members.push_back(std::make_unique<Member>());
        EXPECT_TRUE(sw->add_port(mac(u8(members.size())), network, members.back()->region.get()).ok());
        return *members.back();
    }
    Member& m(usize i) { return *members[i]; }
    const PortCounters& counters(usize i) { return sw->port(i).counters; }
    std::vector<DropReport> reports() {
        std::vector<DropReport> out;
        DropReport r;
        while (sw->next_report(r)) out.push_back(r);
        return out;
    }
};

} // namespace

TEST_F(SwitchTest, UnicastReachesOnlyItsDestination) {
    for (int i = 0; i < 4; ++i) add(0);
    auto f = frame(mac(3), mac(1), 100, 0x11);
    ASSERT_TRUE(m(0).send(f));
    EXPECT_EQ(sw->round(1), u64(1) << 2);
    auto got = m(2).received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], f);
    EXPECT_TRUE(m(0).received().empty());
    EXPECT_TRUE(m(1).received().empty());
    EXPECT_TRUE(m(3).received().empty());
    EXPECT_EQ(counters(0).rx, 1u);
    EXPECT_EQ(counters(2).tx, 1u);
    EXPECT_EQ(counters(1).tx, 0u);
}

TEST_F(SwitchTest, BroadcastAndMulticastStayInTheirNetwork) {
    add(0), add(0), add(1), add(0), add(1);
    ASSERT_TRUE(m(0).send(frame(MacAddr::broadcast(), mac(1))));
    ASSERT_TRUE(m(2).send(frame(MacAddr{{0x01, 0x00, 0x5e, 0, 0, 1}}, mac(3))));
    u64 signalled = sw->round(0b101);
    EXPECT_EQ(signalled, u64(0b11010)) << "ports 1 and 3 (network 0) and 4 (network 1); never the senders";
    EXPECT_EQ(m(1).received().size(), 1u);
    EXPECT_EQ(m(3).received().size(), 1u);
    EXPECT_EQ(m(4).received().size(), 1u);
    EXPECT_TRUE(m(0).received().empty());
    EXPECT_TRUE(m(2).received().empty());
}

TEST_F(SwitchTest, UnicastDoesNotCrossNetworks) {
    add(0), add(1);
    ASSERT_TRUE(m(0).send(frame(mac(2), mac(1))));
    EXPECT_EQ(sw->round(1), 0u);
    EXPECT_TRUE(m(1).received().empty());
    EXPECT_EQ(counters(0).dropped_unknown, 1u);
}

TEST_F(SwitchTest, SpoofedSourceDroppedAndReported) {
    add(0), add(0), add(0);
    ASSERT_TRUE(m(1).send(frame(mac(1), mac(3))));             // pretends to be port 2
    ASSERT_TRUE(m(1).send(frame(mac(1), MacAddr::broadcast()))); // a group source
    EXPECT_EQ(sw->round(0b10), 0u);
    EXPECT_TRUE(m(0).received().empty());
    EXPECT_EQ(counters(1).dropped_spoof, 2u);
    EXPECT_EQ(counters(1).rx, 0u);
    auto r = reports();
    ASSERT_EQ(r.size(), 1u) << "one pending report per counter, with its current value";
    EXPECT_EQ(r[0].port, 1u);
    EXPECT_EQ(r[0].kind, Drop::spoofed);
    EXPECT_EQ(r[0].count, 2u);
}

TEST_F(SwitchTest, ReportsAtOneThenPowersOfTwo) {
    add(0), add(0);
    std::vector<u64> reported;
    for (int i = 1; i <= 20; ++i) {
        ASSERT_TRUE(m(0).send(frame(mac(9), mac(1))));
        (void)sw->round(1);
        for (const DropReport& r : reports()) reported.push_back(r.count);
    }
    EXPECT_EQ(reported, (std::vector<u64>{1, 2, 4, 8, 16}));
    EXPECT_EQ(counters(0).dropped_unknown, 20u);
}

TEST_F(SwitchTest, BadLengthsDroppedAndCounted) {
    add(0), add(0);
    for (u32 length : {0u, 13u, 1515u, 2048u, 0xffffffffu}) m(0).send_raw_length(length);
    ASSERT_TRUE(m(0).send(frame(mac(2), mac(1))));
    EXPECT_EQ(sw->round(1), u64(0b10));
    EXPECT_EQ(counters(0).dropped_bad, 5u);
    EXPECT_EQ(m(1).received().size(), 1u) << "the good frame after the bad ones still goes through";
}

TEST_F(SwitchTest, UnknownAndSelfUnicastDropped) {
    add(0), add(0);
    ASSERT_TRUE(m(0).send(frame(mac(0x77), mac(1))));
    ASSERT_TRUE(m(0).send(frame(mac(1), mac(1))));
    EXPECT_EQ(sw->round(1), 0u);
    EXPECT_EQ(counters(0).dropped_unknown, 2u);
    EXPECT_TRUE(m(0).received().empty());
    EXPECT_TRUE(m(1).received().empty());
}

TEST_F(SwitchTest, FullRingDropsOnlyForThatDestination) {
    add(0), add(0), add(0);
    // Fill port 1's receive ring.
    for (u32 i = 0; i < fr::slots; ++i) {
        ASSERT_TRUE(m(0).send(frame(mac(2), mac(1))));
        if (i % 8 == 7) (void)sw->round(1);
    }
    ASSERT_EQ(counters(1).tx, fr::slots);
    ASSERT_TRUE(m(0).send(frame(MacAddr::broadcast(), mac(1))));
    ASSERT_TRUE(m(0).send(frame(mac(2), mac(1))));
    EXPECT_EQ(sw->round(1), u64(0b100)) << "port 2 got the broadcast; port 1 had no room";
    EXPECT_EQ(counters(1).dropped_full, 2u);
    EXPECT_EQ(counters(2).tx, 1u);
    EXPECT_EQ(m(1).received().size(), fr::slots);
    // Once port 1 drains, frames flow again.
    ASSERT_TRUE(m(0).send(frame(mac(2), mac(1))));
    EXPECT_EQ(sw->round(1), u64(0b10));
}

TEST_F(SwitchTest, FloodingPortDoesNotStarveAnother) {
    add(0), add(0), add(0);
    for (u32 i = 0; i < fr::slots; ++i) ASSERT_TRUE(m(0).send(frame(mac(3), mac(1))));
    ASSERT_FALSE(m(0).send(frame(mac(3), mac(1)))) << "port 0's ring is full";
    auto f = frame(mac(3), mac(2), 80, 0x22);
    ASSERT_TRUE(m(1).send(f));
    (void)sw->round(0b11);
    auto got = m(2).received();
    EXPECT_EQ(got.size(), Switch::batch + 1) << "a batch from the flooder and the other port's frame";
    EXPECT_NE(std::find(got.begin(), got.end(), f), got.end());
    EXPECT_TRUE(sw->pending()) << "the rest of the flood waits for later rounds";
    // The flood drains over later rounds without blocking.
    for (int i = 0; i < 8 && sw->pending(); ++i) (void)sw->round(0), m(2).received();
    EXPECT_FALSE(sw->pending());
    EXPECT_EQ(counters(0).rx, fr::slots);
}

TEST_F(SwitchTest, ServesRingsWhoseDoorbellBitWasLost) {
    add(0), add(0);
    ASSERT_TRUE(m(0).send(frame(mac(2), mac(1))));
    EXPECT_EQ(sw->round(0), u64(0b10));
    // Bits for ports that do not exist change nothing.
    EXPECT_EQ(sw->round(~u64(0)), 0u);
}

TEST_F(SwitchTest, CorruptIndicesNeitherCrashNorForward) {
    add(0), add(0);
    ASSERT_TRUE(m(0).send(frame(mac(2), mac(1))));
    m(0).header().to_switch.head += 0x40000000; // claims 2^30 frames
    EXPECT_EQ(sw->round(1), 0u);
    EXPECT_FALSE(sw->pending());
    m(0).header().to_switch.head -= 0x40000000; // repaired: the frame is still there
    EXPECT_EQ(sw->round(1), u64(0b10));
    // A member that moves the tail of its own receive ring only loses its own frames.
    m(1).header().from_switch.tail += 1000;
    ASSERT_TRUE(m(0).send(frame(mac(2), mac(1))));
    EXPECT_EQ(sw->round(1), 0u);
    EXPECT_EQ(counters(1).dropped_full, 1u);
}

TEST_F(SwitchTest, FairOrderRotates) {
    add(0), add(0), add(0);
    // Ports 0 and 1 both send to port 2, more than its ring holds.
    for (u32 i = 0; i < fr::slots; ++i) {
        ASSERT_TRUE(m(0).send(frame(mac(3), mac(1), 64, 0)));
        ASSERT_TRUE(m(1).send(frame(mac(3), mac(2), 64, 1)));
    }
    while (sw->pending()) (void)sw->round(0);
    auto got = m(2).received();
    ASSERT_EQ(got.size(), fr::slots);
    usize from0 = 0;
    for (auto& f : got) from0 += f[20] == 0;
    EXPECT_EQ(from0, fr::slots / 2) << "turns alternate, so both senders get half of the ring";
}

TEST_F(SwitchTest, PortsAreChecked) {
    Region r;
    EXPECT_EQ(sw->add_port(MacAddr::broadcast(), 0, &r).error(), PortError::group_mac);
    EXPECT_EQ(sw->add_port(MacAddr{{0x01, 0, 0x5e, 0, 0, 1}}, 0, &r).error(), PortError::group_mac);
    EXPECT_EQ(sw->add_port(mac(1), 0, nullptr).error(), PortError::no_region);
    add(0);
    EXPECT_EQ(sw->add_port(mac(1), 0, &r).error(), PortError::duplicate_mac);
    EXPECT_TRUE(sw->add_port(mac(1), 1, &r).ok()) << "the same MAC on another network is another port";
    EXPECT_EQ(sw->network_count(), 2u);
    std::vector<std::unique_ptr<Region>> more;
    while (sw->port_count() < Switch::max_ports) {
        more.push_back(std::make_unique<Region>());
        ASSERT_TRUE(sw->add_port(mac(u8(sw->port_count() + 10)), 2, more.back().get()).ok());
    }
    EXPECT_EQ(sw->add_port(mac(200), 3, &r).error(), PortError::too_many);
    EXPECT_EQ(sw->network_count(), 3u);
}

namespace {

struct LinksTest : ::testing::Test {
    std::unique_ptr<isok::links::Links> page = std::make_unique<isok::links::Links>();
    std::vector<std::unique_ptr<Region>> regions;
    Switch sw;

    void port(u8 last, u16 network, u64 signal) {
        regions.push_back(std::make_unique<Region>());
        isok::links::Port& p = page->ports[page->port_count++];
        p = {};
        mac(last).store(p.mac);
        p.network_index = network;
        p.ring = u64(reinterpret_cast<isok::uptr>(regions.back().get()));
        p.ring_bytes = fr::region_bytes;
        p.signal = signal;
        p.wait = 7;
    }
    void SetUp() override {
        *page = {};
        page->magic = isok::links::magic;
        port(1, 0, 10);
        port(2, 0, 11);
        port(3, 1, 12);
    }
};

} // namespace

TEST_F(LinksTest, BuildsPortsFromThePage) {
    auto w = setup_ports(sw, *page);
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(w->doorbell, 7u);
    EXPECT_EQ(w->signal[2], 12u);
    EXPECT_EQ(sw.port_count(), 3u);
    EXPECT_EQ(sw.network_count(), 2u);
    EXPECT_EQ(sw.port(1).mac, mac(2));
}

TEST_F(LinksTest, RefusesBadPages) {
    auto problem = [&](auto change) {
        SetUp();
        Switch fresh;
        change(*page);
        auto w = setup_ports(fresh, *page);
        return w.ok() ? LinksProblem{} : w.error().problem;
    };
    EXPECT_EQ(problem([](auto& p) { p.magic = 0; }), LinksProblem::bad_magic);
    EXPECT_EQ(problem([](auto& p) { p.port_count = isok::links::max_ports + 1; }), LinksProblem::too_many_ports);
    EXPECT_EQ(problem([](auto& p) { p.port_count = 0; }), LinksProblem::no_ports);
    EXPECT_EQ(problem([](auto& p) { p.ports[1].ring_bytes = fr::region_bytes - 1; }), LinksProblem::small_ring);
    EXPECT_EQ(problem([](auto& p) { p.ports[1].ring = 0; }), LinksProblem::bad_ring);
    EXPECT_EQ(problem([](auto& p) { p.ports[1].ring += 4; }), LinksProblem::bad_ring);
    EXPECT_EQ(problem([](auto& p) { p.ports[2].wait = 8; }), LinksProblem::two_doorbells);
    EXPECT_EQ(problem([](auto& p) { p.ports[1].mac[5] = 1; }), LinksProblem::bad_port);
    SetUp();
    Switch fresh;
    page->ports[2].mac[0] = 1;
    auto w = setup_ports(fresh, *page);
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.error().port, 2u);
    EXPECT_EQ(w.error().port_error, PortError::group_mac);
}

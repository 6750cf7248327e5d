// Two IPv4 endpoints and a flooder on one virtual switch, all over host memory rings and
// a simulated clock: the endpoints resolve, ping each other and pass the barrier while
// the flooder fills its ring with broadcasts, forgeries and garbage every step.
#include <gtest/gtest.h>
#include <inet/stack.hpp>
#include <isok/frame_ring.hpp>
#include <isok/net/ethernet.hpp>
#include <vswitch/switch.hpp>

#include <memory>
#include <string>
#include <vector>

using isok::Bytes;
using isok::u16;
using isok::u32;
using isok::u64;
using isok::u8;
using isok::usize;
using namespace isok::net;
namespace fr = isok::frame_ring;

namespace {

constexpr u64 hz = 1000;

struct alignas(4096) Region {
    u8 bytes[fr::region_bytes] = {};
};

MacAddr mac(u8 last) { return MacAddr{{0x02, 0, 0, 0, 0, last}}; }

struct RingLink final : isok::inet::FrameSink {
    fr::Ring ring;
    usize dropped = 0;
    explicit RingLink(void* region) : ring(region, fr::Direction::to_switch) {}
    bool transmit(const u8* frame, usize length) override {
        if (ring.push(frame, u32(length))) return true;
        ++dropped;
        return false;
    }
};

struct Log final : isok::inet::Events {
    std::vector<std::string> lines;
    void ping_answered(Ipv4Addr, u16) override { lines.push_back("ping ok"); }
    void ping_failed(Ipv4Addr) override { lines.push_back("ping failed"); }
    void barrier_done() override { lines.push_back("barrier done"); }
    void barrier_failed(usize, u32) override { lines.push_back("barrier failed"); }
    void sink_started() override {}
    void sink_progress(u64, u64) override {}
};

struct Host {
    std::unique_ptr<Region> region = std::make_unique<Region>();
    RingLink link{region.get()};
    Log log;
    std::unique_ptr<isok::inet::Stack> stack;
    fr::Ring rx{region.get(), fr::Direction::from_switch};

    Host(const std::string& args, const MacAddr& m) {
        auto c = isok::inet::parse_args(args.data(), args.size());
        EXPECT_TRUE(c.ok());
        stack = std::make_unique<isok::inet::Stack>(*c, m, hz, link, log);
    }
    // What inet's main loop does in one pass.
    void run(u64 now) {
        u8 frame[fr::max_frame];
        for (int i = 0; i < 32; ++i) {
            fr::Ring::Popped p = rx.pop(frame);
            if (!p.bad && !p.length) break;
            if (!p.bad) stack->receive(Bytes(frame, p.length));
        }
        stack->tick(now);
    }
};

// Fills its ring every step: broadcasts, forged sources, unknown unicasts, bad lengths.
struct Flooder {
    std::unique_ptr<Region> region = std::make_unique<Region>();
    fr::Ring tx{region.get(), fr::Direction::to_switch};
    u64 sent = 0;
    void flood(const MacAddr& self) {
        u8 frame[fr::max_frame] = {};
        for (;; ++sent) {
            MacAddr to = sent % 3 == 0 ? MacAddr::broadcast() : mac(u8(0x80 + sent % 50));
            MacAddr from = sent % 4 == 1 ? mac(1) : self; // sometimes pretends to be host 1
            write_ethernet_header(frame, {to, from}, 0x88b5);
            if (sent % 7 == 0) {
                if (tx.full()) return;
                auto* h = reinterpret_cast<fr::Header*>(region.get());
                auto* slots = reinterpret_cast<fr::Slot*>(region->bytes + fr::header_bytes);
                slots[h->to_switch.head % fr::slots].length = 0xffff;
                ++h->to_switch.head;
            } else if (!tx.push(frame, u32(fr::min_frame + sent % 1000))) {
                return;
            }
        }
    }
};

} // namespace

TEST(InetNetwork, PingsAndBarrierSurviveAFlood) {
    auto sw = std::make_unique<isok::vswitch::Switch>();
    Host a("ip=10.0.0.1/24 ping=10.0.0.2 barrier=1", mac(1));
    Host b("ip=10.0.0.2/24 ping=10.0.0.1 barrier=1", mac(2));
    Flooder f;
    ASSERT_TRUE(sw->add_port(mac(1), 0, a.region.get()).ok());
    ASSERT_TRUE(sw->add_port(mac(2), 0, b.region.get()).ok());
    ASSERT_TRUE(sw->add_port(mac(3), 0, f.region.get()).ok());
    u64 now = 0;
    for (; now < 20 * hz; ++now) {
        f.flood(mac(3));
        (void)sw->round(0);
        a.run(now);
        b.run(now);
        if (!a.stack->timers_running() && !b.stack->timers_running()) break;
    }
    EXPECT_EQ(a.log.lines, (std::vector<std::string>{"ping ok", "barrier done"}));
    EXPECT_EQ(b.log.lines, (std::vector<std::string>{"ping ok", "barrier done"}));
    EXPECT_LT(now, 5 * hz) << "pings within their first tries, then 2 s of lingering";
    const auto& flooder_port = sw->port(2).counters;
    EXPECT_GT(flooder_port.dropped_spoof, 100u);
    EXPECT_GT(flooder_port.dropped_bad, 100u);
    EXPECT_GT(flooder_port.dropped_unknown, 100u);
    EXPECT_GT(f.sent, 10000u);
    EXPECT_EQ(a.stack->stats().malformed, 0u) << "the switch let no forged or bad frame through";
    EXPECT_EQ(b.stack->stats().malformed, 0u);
    EXPECT_GT(a.stack->stats().ignored, 1000u) << "the flood's broadcasts reached the hosts and were ignored";
}

// virtio-net over virtio-mmio with a fake switch port: frames both ways with the
// virtio_net_hdr in front, frames kept while the guest has no receive buffers, and
// malformed chains, each of which costs only its own frame. Also the real backend (a
// switch port's frame rings), the Links checks and the wiring into a VM.
#include "vmm_virtio_driver.hpp"

#include <gtest/gtest.h>
#include <isok/frame_ring.hpp>
#include <isok/links.hpp>
#include <vmm/device_tree.hpp>
#include <vmm/layout.hpp>
#include <vmm/switch_port.hpp>
#include <vmm/virtio_net.hpp>
#include <vmm/vm.hpp>
#include <vmm/vm_links.hpp>

#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <vector>

using isok::vmm::Chain;
using isok::vmm::MacAddress;
using isok::vmm::VirtioNet;
using namespace isok::virtio;
using namespace vmm_test;
namespace frame_ring = isok::frame_ring;
namespace links = isok::links;

namespace {

constexpr u32 irq = 2;
constexpr u32 rxq = VirtioNet::receiveq, txq = VirtioNet::transmitq;
constexpr u32 hdr = net_header_bytes;
constexpr u64 f_mac = net_f_mac;

using Frame = std::vector<u8>;

Frame frame(size_t length, u8 seed = 1) {
    Frame f(length);
    for (size_t i = 0; i < length; ++i) f[i] = u8(seed + i * 7);
    return f;
}

struct FakePort final : isok::vmm::NetBackend {
    std::vector<Frame> sent;
    std::deque<Frame> incoming;
    bool accept = true;

    MacAddress mac() const override { return {{0x02, 0x00, 0x00, 0x00, 0x00, 0x07}}; }
    bool transmit(const u8* data, u32 length) override {
        if (!accept) return false;
        sent.emplace_back(data, data + length);
        return true;
    }
    bool has_receive() override { return !incoming.empty(); }
    u32 receive(u8* out) override {
        if (incoming.empty()) return 0;
        Frame f = incoming.front();
        incoming.pop_front();
        std::memcpy(out, f.data(), f.size());
        return u32(f.size());
    }
};

struct VmmVirtioNet : VirtioQueuesTest {
    FakePort port;
    VirtioNet device{port};
    VirtioMmio mmio{device, memory, IrqLine(plic, irq)};

    VmmVirtioNet() : VirtioQueuesTest(irq) {}
    VirtioMmio& transport() override { return mmio; }

    void bring_up() { bring_up_queues(f_version_1 | f_mac, 2); }

    // A transmit chain of one descriptor at `index`: header then the frame.
    void offer_frame(u32 index, const Frame& f) {
        Frame bytes(hdr, 0);
        bytes.insert(bytes.end(), f.begin(), f.end());
        put_bytes(buffer(index), bytes);
        put_desc(txq, index, buffer(index), u32(bytes.size()));
        offer(txq, u16(index));
    }
    // A receive buffer of one writable descriptor at `index`.
    void post_receive(u32 index, u32 length = 2048) {
        put_desc(rxq, index, buffer(8 + index), length, f_write);
        offer(rxq, u16(index));
    }
};

} // namespace

TEST_F(VmmVirtioNet, IdentityAndFeatures) {
    EXPECT_EQ(rd(reg_device_id), 1u);
    wr(reg_device_features_sel, 0);
    EXPECT_EQ(rd(reg_device_features), 1u << 5); // VIRTIO_NET_F_MAC
    wr(reg_device_features_sel, 1);
    EXPECT_EQ(rd(reg_device_features), 1u); // VERSION_1
    wr(reg_queue_sel, 1);
    EXPECT_EQ(rd(reg_queue_num_max), VirtioMmio::queue_size_max);
    wr(reg_queue_sel, 2);
    EXPECT_EQ(rd(reg_queue_num_max), 0u);
}

TEST_F(VmmVirtioNet, FeatureNegotiation) {
    EXPECT_TRUE(negotiate(f_version_1 | f_mac));
    EXPECT_TRUE(negotiate(f_version_1)); // a driver may ignore the MAC
    EXPECT_FALSE(negotiate(f_mac));      // a legacy driver is not served
    EXPECT_FALSE(negotiate(f_version_1 | 1u << 0));  // CSUM was not offered
    EXPECT_FALSE(negotiate(f_version_1 | 1u << 15)); // nor MRG_RXBUF
}

TEST_F(VmmVirtioNet, ConfigSpaceHoldsThePortMac) {
    u64 v = 0;
    for (u32 i = 0; i < 6; ++i) {
        ASSERT_TRUE(mmio.read(reg_config + i, 1, v));
        EXPECT_EQ(v, port.mac().octet[i]);
    }
    ASSERT_TRUE(mmio.read(reg_config, 4, v));
    EXPECT_EQ(v, 0x00000002u);
    ASSERT_TRUE(mmio.read(reg_config + 4, 2, v));
    EXPECT_EQ(v, 0x0700u);
    EXPECT_FALSE(mmio.read(reg_config + 4, 4, v)); // past mac[6]: no STATUS field offered
    EXPECT_FALSE(mmio.read(reg_config + 1, 2, v)); // misaligned
    EXPECT_FALSE(mmio.read(reg_config + 6, 1, v));
}

TEST_F(VmmVirtioNet, FrameSplitOverDescriptorsArrivesWhole) {
    bring_up();
    Frame f = frame(60);
    // Header alone, then header tail and frame start together, then the rest in two.
    Frame bytes(hdr, 0);
    bytes.insert(bytes.end(), f.begin(), f.end());
    put_bytes(buffer(0), Frame(bytes.begin(), bytes.begin() + 8));
    put_bytes(buffer(1), Frame(bytes.begin() + 8, bytes.begin() + 20));
    put_bytes(buffer(2), Frame(bytes.begin() + 20, bytes.begin() + 50));
    put_bytes(buffer(3), Frame(bytes.begin() + 50, bytes.end()));
    put_desc(txq, 4, buffer(0), 8, f_next, 9);
    put_desc(txq, 9, buffer(1), 12, f_next, 2);
    put_desc(txq, 2, buffer(2), 30, f_next, 11);
    put_desc(txq, 11, buffer(3), u32(bytes.size() - 50));
    offer(txq, 4);
    notify(txq);
    ASSERT_EQ(port.sent.size(), 1u);
    EXPECT_EQ(port.sent[0], f);
    EXPECT_EQ(used_idx(txq), 1u);
    EXPECT_EQ(used_id(txq, 0), 4u);
    EXPECT_EQ(used_len(txq, 0), 0u);
    EXPECT_EQ(rd(reg_interrupt_status), interrupt_used);
    EXPECT_EQ(vcpus.hvip[0], isok::vmm::hvip::vseip);
    EXPECT_EQ(device.stats().transmitted, 1u);
}

TEST_F(VmmVirtioNet, SmallestAndLargestFramesGo) {
    bring_up();
    offer_frame(0, frame(14));
    offer_frame(1, frame(1514));
    notify(txq);
    ASSERT_EQ(port.sent.size(), 2u);
    EXPECT_EQ(port.sent[0].size(), 14u);
    EXPECT_EQ(port.sent[1], frame(1514));
}

TEST_F(VmmVirtioNet, ReceiveFillsHeaderAndFrame) {
    bring_up();
    post_receive(0);
    std::memset(ram.host(buffer(8)), 0xee, 2048);
    Frame f = frame(98, 3);
    port.incoming.push_back(f);
    device.frames_arrived(mmio);
    ASSERT_EQ(used_idx(rxq), 1u);
    EXPECT_EQ(used_id(rxq, 0), 0u);
    EXPECT_EQ(used_len(rxq, 0), hdr + 98);
    Frame header = get_bytes(buffer(8), hdr);
    Frame expected(hdr, 0);
    expected[10] = 1; // num_buffers
    EXPECT_EQ(header, expected);
    EXPECT_EQ(get_bytes(buffer(8) + hdr, 98), f);
    EXPECT_EQ(ram.host(buffer(8))[hdr + 98], 0xee); // nothing past the frame
    EXPECT_EQ(rd(reg_interrupt_status), interrupt_used);
    EXPECT_EQ(device.stats().received, 1u);
}

TEST_F(VmmVirtioNet, ReceiveIntoHeaderAndFrameDescriptors) {
    bring_up();
    put_desc(rxq, 0, buffer(8), hdr, f_write | f_next, 1);
    put_desc(rxq, 1, buffer(9), 1514, f_write);
    offer(rxq, 0);
    Frame f = frame(1514, 9);
    port.incoming.push_back(f);
    device.frames_arrived(mmio);
    ASSERT_EQ(used_idx(rxq), 1u);
    EXPECT_EQ(used_len(rxq, 0), hdr + 1514);
    EXPECT_EQ(get_bytes(buffer(9), 1514), f);
}

TEST_F(VmmVirtioNet, FramesWaitInTheBackendUntilBuffersCome) {
    bring_up();
    port.incoming.push_back(frame(60, 1));
    port.incoming.push_back(frame(61, 2));
    port.incoming.push_back(frame(62, 3));
    device.frames_arrived(mmio);
    EXPECT_EQ(used_idx(rxq), 0u);
    EXPECT_EQ(port.incoming.size(), 3u); // none taken, none dropped
    EXPECT_EQ(rd(reg_interrupt_status), 0u);

    post_receive(0);
    post_receive(1);
    notify(rxq); // new buffers: the device drains what waits
    ASSERT_EQ(used_idx(rxq), 2u);
    EXPECT_EQ(get_bytes(buffer(8) + hdr, 60), frame(60, 1));
    EXPECT_EQ(get_bytes(buffer(9) + hdr, 61), frame(61, 2));
    EXPECT_EQ(port.incoming.size(), 1u);

    post_receive(2);
    notify(rxq);
    ASSERT_EQ(used_idx(rxq), 3u);
    EXPECT_EQ(get_bytes(buffer(10) + hdr, 62), frame(62, 3));
    EXPECT_TRUE(port.incoming.empty());
    EXPECT_TRUE(healthy());
}

TEST_F(VmmVirtioNet, NothingMovesBeforeDriverOk) {
    ASSERT_TRUE(negotiate(f_version_1 | f_mac));
    setup_queue(rxq);
    setup_queue(txq);
    post_receive(0);
    port.incoming.push_back(frame(60));
    device.frames_arrived(mmio);
    offer_frame(1, frame(60));
    notify(txq);
    EXPECT_EQ(used_idx(rxq), 0u);
    EXPECT_EQ(used_idx(txq), 0u);
    EXPECT_TRUE(port.sent.empty());
    EXPECT_EQ(port.incoming.size(), 1u);
}

// Each malformed transmit chain comes back used and counted; the good frame after it goes.
struct BadTransmit {
    const char* what;
    void (*build)(VmmVirtioNet& t);
};

TEST_F(VmmVirtioNet, MalformedTransmitChainsCostOnlyThemselves) {
    const BadTransmit cases[] = {
        {"loop",
         [](VmmVirtioNet& t) {
             t.put_desc(txq, 0, buffer(0), 40, f_next, 1);
             t.put_desc(txq, 1, buffer(0), 40, f_next, 0);
         }},
        {"outside RAM", [](VmmVirtioNet& t) { t.put_desc(txq, 0, base + (1 << 20) - 30, 60); }},
        {"address wraps", [](VmmVirtioNet& t) { t.put_desc(txq, 0, ~u64{0} - 8, 60); }},
        {"next outside the table", [](VmmVirtioNet& t) { t.put_desc(txq, 0, buffer(0), 60, f_next, 200); }},
        {"write-only descriptor", [](VmmVirtioNet& t) { t.put_desc(txq, 0, buffer(0), 80, f_write); }},
        {"readable then writable",
         [](VmmVirtioNet& t) {
             t.put_desc(txq, 0, buffer(0), 80, f_next, 1);
             t.put_desc(txq, 1, buffer(1), 10, f_write);
         }},
        {"2000-byte frame", [](VmmVirtioNet& t) { t.put_desc(txq, 0, buffer(0), hdr + 2000); }},
        {"1515-byte frame", [](VmmVirtioNet& t) { t.put_desc(txq, 0, buffer(0), hdr + 1515); }},
        {"13-byte frame", [](VmmVirtioNet& t) { t.put_desc(txq, 0, buffer(0), hdr + 13); }},
        {"header only", [](VmmVirtioNet& t) { t.put_desc(txq, 0, buffer(0), hdr); }},
        {"empty", [](VmmVirtioNet& t) { t.put_desc(txq, 0, buffer(0), 0); }},
    };
    for (const BadTransmit& c : cases) {
        SCOPED_TRACE(c.what);
        port.sent.clear();
        avail_idx[0] = avail_idx[1] = 0;
        bring_up();
        u64 bad_before = device.stats().bad_transmit;
        c.build(*this);
        offer(txq, 0);
        offer_frame(5, frame(64));
        notify(txq);
        EXPECT_EQ(device.stats().bad_transmit, bad_before + 1);
        ASSERT_EQ(port.sent.size(), 1u);
        EXPECT_EQ(port.sent[0], frame(64));
        EXPECT_EQ(used_idx(txq), 2u);
        EXPECT_EQ(used_id(txq, 0), 0u);
        EXPECT_EQ(used_len(txq, 0), 0u);
        EXPECT_EQ(used_id(txq, 1), 5u);
        EXPECT_TRUE(healthy());
        // And the queue still serves the next notification.
        offer_frame(6, frame(70));
        notify(txq);
        EXPECT_EQ(port.sent.size(), 2u);
    }
}

TEST_F(VmmVirtioNet, ChainTooLongIsDroppedAlone) {
    queue_size = 64;
    bring_up();
    for (u32 i = 0; i < 40; ++i) put_desc(txq, i, buffer(0), 2, i + 1 < 40 ? f_next : 0, u16(i + 1));
    offer(txq, 0);
    offer_frame(50, frame(64));
    notify(txq);
    EXPECT_EQ(device.stats().bad_transmit, 1u);
    EXPECT_EQ(port.sent.size(), 1u);
    EXPECT_TRUE(healthy());
}

TEST_F(VmmVirtioNet, FullBackendDropsAndCounts) {
    bring_up();
    port.accept = false;
    offer_frame(0, frame(64));
    notify(txq);
    EXPECT_EQ(used_idx(txq), 1u);
    EXPECT_EQ(device.stats().backend_dropped, 1u);
    port.accept = true;
    offer_frame(1, frame(64));
    notify(txq);
    EXPECT_EQ(port.sent.size(), 1u);
}

TEST_F(VmmVirtioNet, BadReceiveBuffersAreReturnedAndTheFrameKept) {
    bring_up();
    put_desc(rxq, 0, buffer(8), hdr + 50, f_write);        // too small for the frame
    put_desc(rxq, 1, buffer(9), 2048);                      // device-readable
    put_desc(rxq, 2, buffer(10), 4, f_write | f_next, 2);   // loops
    put_desc(rxq, 3, base + (1 << 20) - 100, 2048, f_write); // outside RAM
    put_desc(rxq, 4, buffer(11), 2048, f_write);
    for (u16 i = 0; i < 5; ++i) offer(rxq, i);
    Frame f = frame(100);
    port.incoming.push_back(f);
    device.frames_arrived(mmio);
    ASSERT_EQ(used_idx(rxq), 5u);
    for (u32 i = 0; i < 4; ++i) EXPECT_EQ(used_len(rxq, i), 0u) << i;
    EXPECT_EQ(used_id(rxq, 4), 4u);
    EXPECT_EQ(used_len(rxq, 4), hdr + 100);
    EXPECT_EQ(get_bytes(buffer(11) + hdr, 100), f);
    EXPECT_EQ(device.stats().bad_receive, 4u);
    EXPECT_EQ(device.stats().received, 1u);
    EXPECT_TRUE(healthy());
}

TEST_F(VmmVirtioNet, BackendFramesOfImpossibleLengthAreSkipped) {
    struct Liar final : isok::vmm::NetBackend {
        int calls = 0;
        MacAddress mac() const override { return {}; }
        bool transmit(const u8*, u32) override { return true; }
        bool has_receive() override { return calls < 3; }
        u32 receive(u8* out) override {
            ++calls;
            std::memset(out, 0x11, 60);
            return calls == 1 ? 5 : calls == 2 ? 0 : 60; // too short, none, then a good one
        }
    } liar;
    VirtioNet net(liar);
    VirtioMmio transport(net, memory, IrqLine());
    auto w = [&](u64 reg, u32 v) { ASSERT_TRUE(transport.write(reg, 4, v)); };
    w(reg_status, status_acknowledge | status_driver);
    w(reg_driver_features_sel, 1);
    w(reg_driver_features, 1);
    w(reg_status, status_acknowledge | status_driver | status_features_ok);
    w(reg_queue_sel, rxq);
    w(reg_queue_num, queue_size);
    w(reg_queue_desc_low, u32(desc(rxq)));
    w(reg_queue_driver_low, u32(avail(rxq)));
    w(reg_queue_device_low, u32(used(rxq)));
    w(reg_queue_ready, 1);
    w(reg_status, status_acknowledge | status_driver | status_features_ok | status_driver_ok);
    post_receive(0);
    net.frames_arrived(transport);
    ASSERT_EQ(used_idx(rxq), 1u);
    EXPECT_EQ(used_len(rxq, 0), hdr + 60);
}

TEST_F(VmmVirtioNet, BrokenRingNeedsReset) {
    bring_up();
    ram.put<u16>(avail(txq) + 2, 17); // 17 new buffers in a queue of 16
    notify(txq);
    EXPECT_TRUE(rd(reg_status) & status_needs_reset);
    isok::vmm::QueueError e{};
    EXPECT_TRUE(mmio.take_error(e));
    EXPECT_EQ(e, isok::vmm::QueueError::bad_avail_index);
}

TEST_F(VmmVirtioNet, HeadOutsideTheTableNeedsReset) {
    bring_up();
    port.incoming.push_back(frame(60));
    offer(rxq, 16);
    device.frames_arrived(mmio);
    EXPECT_TRUE(rd(reg_status) & status_needs_reset);
    // A head outside the table cannot be handed back: the ring is broken, and the frame
    // taken for it goes with the device's state at the reset.
    isok::vmm::QueueError e{};
    EXPECT_TRUE(mmio.take_error(e));
    EXPECT_EQ(e, isok::vmm::QueueError::bad_index);
}

TEST_F(VmmVirtioNet, ResetForgetsNothingOfTheBackend) {
    bring_up();
    port.incoming.push_back(frame(60));
    wr(reg_status, 0);
    EXPECT_EQ(rd(reg_status), 0u);
    avail_idx[0] = avail_idx[1] = 0;
    std::memset(ram.host(desc(0)), 0, 0x8000);
    bring_up();
    post_receive(0);
    notify(rxq);
    EXPECT_EQ(used_idx(rxq), 1u);
}

// The real backend: a switch port's two frame rings in shared memory.
struct SwitchRegion {
    std::unique_ptr<u8, decltype(&std::free)> memory{
        static_cast<u8*>(std::aligned_alloc(4096, frame_ring::region_bytes)), &std::free};
    SwitchRegion() { std::memset(memory.get(), 0, frame_ring::region_bytes); }
    void* region() { return memory.get(); }
};

void count_kick(void* counter) { ++*static_cast<int*>(counter); }

TEST(VmmSwitchPort, TransmitGoesToTheSwitchAndKicksIt) {
    SwitchRegion r;
    int kicks = 0;
    isok::vmm::SwitchPort port(r.region(), MacAddress{{2, 0, 0, 0, 0, 1}}, count_kick, &kicks);
    EXPECT_EQ(port.mac().octet[5], 1u);
    Frame f = frame(100);
    EXPECT_TRUE(port.transmit(f.data(), u32(f.size())));
    EXPECT_EQ(kicks, 1);
    frame_ring::Ring at_switch(r.region(), frame_ring::Direction::to_switch);
    u8 out[frame_ring::max_frame];
    auto p = at_switch.pop(out);
    ASSERT_EQ(p.length, 100u);
    EXPECT_EQ(Frame(out, out + 100), f);
    EXPECT_FALSE(port.has_receive()); // the other ring
}

TEST(VmmSwitchPort, FullRingDropsAndCounts) {
    SwitchRegion r;
    int kicks = 0;
    isok::vmm::SwitchPort port(r.region(), MacAddress{}, count_kick, &kicks);
    Frame f = frame(60);
    for (u32 i = 0; i < frame_ring::slots; ++i) ASSERT_TRUE(port.transmit(f.data(), 60));
    EXPECT_FALSE(port.transmit(f.data(), 60));
    EXPECT_EQ(port.counters().full, 1u);
    EXPECT_EQ(kicks, int(frame_ring::slots));
}

TEST(VmmSwitchPort, ReceiveTakesFromTheSwitchAndCountsBadSlots) {
    SwitchRegion r;
    isok::vmm::SwitchPort port(r.region(), MacAddress{}, nullptr, nullptr);
    frame_ring::Ring from_switch(r.region(), frame_ring::Direction::from_switch);
    Frame f = frame(200);
    ASSERT_TRUE(from_switch.push(f.data(), 200));
    ASSERT_TRUE(from_switch.push(f.data(), 60));
    // The switch corrupts the second slot's length after the fact.
    auto* slot = reinterpret_cast<frame_ring::Slot*>(static_cast<u8*>(r.region()) + frame_ring::header_bytes +
                                                      frame_ring::ring_bytes + frame_ring::slot_bytes);
    slot->length = 60000;
    u8 out[frame_ring::max_frame];
    EXPECT_TRUE(port.has_receive());
    EXPECT_EQ(port.receive(out), 200u);
    EXPECT_EQ(Frame(out, out + 200), f);
    EXPECT_EQ(port.receive(out), 0u);
    EXPECT_EQ(port.counters().bad_received, 1u);
    EXPECT_FALSE(port.has_receive());
    // A transmit with no kick function still goes.
    EXPECT_TRUE(port.transmit(f.data(), 60));
}

TEST(VmmLinks, FirstPortIsChecked) {
    auto page = std::make_unique<links::Links>();
    *page = {};
    EXPECT_EQ(isok::vmm::first_port(*page).error(), isok::vmm::LinkError::bad_magic);
    page->magic = links::magic;
    EXPECT_EQ(isok::vmm::first_port(*page).error(), isok::vmm::LinkError::none);
    page->port_count = 1;
    EXPECT_EQ(isok::vmm::first_port(*page).error(), isok::vmm::LinkError::bad_ring);
    page->ports[0].ring = links::ring_window;
    page->ports[0].ring_bytes = frame_ring::region_bytes - 1;
    EXPECT_EQ(isok::vmm::first_port(*page).error(), isok::vmm::LinkError::bad_ring);
    page->ports[0].ring_bytes = frame_ring::region_bytes;
    page->ports[0].ring = links::ring_window + 8;
    EXPECT_EQ(isok::vmm::first_port(*page).error(), isok::vmm::LinkError::bad_ring);
    page->ports[0].ring = links::ring_window;
    auto port = isok::vmm::first_port(*page);
    ASSERT_TRUE(port.ok());
    EXPECT_EQ(*port, &page->ports[0]);
    EXPECT_NE(std::string(isok::vmm::describe(isok::vmm::LinkError::bad_ring)), "");
}

// In a VM: its own virtio-mmio slot and PLIC line, the device tree lists it, and the
// port's notification reaches the guest as a receive interrupt.
struct VmmVmNet : ::testing::Test {
    Ram ram{1 << 20};
    FakeVcpus vcpus;
    Lines lines;
    FakePort port;

    isok::vmm::VmSetup setup(u64 devices, isok::vmm::NetBackend* net) {
        isok::vmm::VmSetup s;
        s.name = "vm";
        s.name_max = 32;
        s.devices = devices;
        s.ram = ram.memory();
        s.output = Lines::output;
        s.output_context = &lines;
        s.net = net;
        return s;
    }
};

TEST_F(VmmVmNet, DeviceSitsInItsSlot) {
    namespace layout = isok::vmm::layout;
    isok::vmm::Vm vm(setup(isok::vm::device::virtio_net | isok::vm::device::uart, &port), vcpus);
    EXPECT_EQ(vm.devices(), isok::vm::device::virtio_net | isok::vm::device::uart);
    isok::vmm::Exit e;
    e.word[isok::abi::exception_message::cause] = isok::abi::exception_message::cause_load_guest_fault;
    e.word[isok::abi::exception_message::address] = layout::virtio_slot_base(layout::VirtioSlot::net) + reg_device_id;
    e.word[isok::abi::exception_message::access] = isok::abi::exception_message::make_access(4, false, false, 10, 4);
    auto r = vm.handle_exit(0, e);
    EXPECT_EQ(r.action, isok::abi::ExceptionReply::emulated);
    EXPECT_EQ(r.value0, 1u);
    e.word[isok::abi::exception_message::address] = layout::virtio_slot_base(layout::VirtioSlot::net) + reg_config + 5;
    e.word[isok::abi::exception_message::access] = isok::abi::exception_message::make_access(1, false, false, 10, 4);
    EXPECT_EQ(vm.handle_exit(0, e).value0, 7u);
    EXPECT_EQ(layout::virtio_slot_base(layout::VirtioSlot::net), 0x10002000u);
    EXPECT_EQ(layout::virtio_slot_irq(layout::VirtioSlot::net), 2u);
    vm.frames_arrived(); // before the driver: nothing happens, nothing breaks
    EXPECT_TRUE(lines.lines.empty());
}

TEST_F(VmmVmNet, ConfiguredWithoutAPortIsLeftOutAndSaysSo) {
    auto s = setup(isok::vm::device::virtio_net, nullptr);
    isok::vmm::Vm vm(s, vcpus);
    EXPECT_EQ(vm.devices(), 0u);
    EXPECT_NE(lines.all().find("[vm] vmm: virtio-net: no switch port for this VM; left out"), std::string::npos);
    vm.frames_arrived();
    s.net_missing = "switch port: not listed";
    Lines other;
    s.output_context = &other;
    isok::vmm::Vm again(s, vcpus);
    EXPECT_NE(other.all().find("virtio-net: switch port: not listed; left out"), std::string::npos);
}

TEST_F(VmmVmNet, NotConfiguredMeansNotThereEvenWithAPort) {
    isok::vmm::Vm vm(setup(isok::vm::device::uart, &port), vcpus);
    EXPECT_EQ(vm.devices(), isok::vm::device::uart);
}

TEST(VmmDeviceTreeNet, ListsTheNetSlot) {
    isok::vmm::GuestDescription g;
    g.ram_base = base;
    g.ram_size = 64 << 20;
    g.devices = isok::vm::device::virtio_net;
    g.timebase_hz = 10000000;
    g.host_isa = "rv64imafdch";
    g.host_isa_max = 12;
    std::vector<u8> blob(16384);
    auto size = isok::vmm::write_device_tree(g, blob.data(), blob.size());
    ASSERT_TRUE(size.ok());
    std::string text(reinterpret_cast<char*>(blob.data()), *size);
    EXPECT_NE(text.find("virtio_mmio@10002000"), std::string::npos);
    EXPECT_EQ(text.find("virtio_mmio@10001000"), std::string::npos);
    EXPECT_EQ(text.find("virtio_mmio@10003000"), std::string::npos);
}

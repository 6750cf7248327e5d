// virtio-mmio transport and the virtio console on split virtqueues: the register
// handshake a driver performs, buffers going both ways, and hostile rings, which must
// end in DEVICE_NEEDS_RESET and never in a crash or a write outside guest RAM.
#include "vmm_virtio_driver.hpp"

#include <gtest/gtest.h>
#include <vmm/virtio_console.hpp>
#include <vmm/virtio_mmio.hpp>

#include <random>
#include <string>

using isok::vmm::GuestConsole;
using isok::vmm::QueueError;
using isok::vmm::VirtioConsole;
using namespace isok::virtio;
using namespace vmm_test;

namespace {

constexpr u32 irq = 1;

struct VmmVirtio : VirtioQueuesTest {
    Lines lines;
    GuestConsole console{"vm", 32, Lines::output, &lines};
    isok::vmm::ConsoleInput input;
    VirtioConsole device{console, input};
    VirtioMmio mmio{device, memory, IrqLine(plic, irq)};

    VmmVirtio() : VirtioQueuesTest(irq) {}
    VirtioMmio& transport() override { return mmio; }

    void bring_up() { bring_up_queues(f_version_1, 2); }
    void text(u64 gpa, const std::string& s) { std::memcpy(ram.host(gpa), s.data(), s.size()); }

    // The error the device reported after a hostile transmit.
    QueueError transmit_error() {
        notify(VirtioConsole::transmitq);
        EXPECT_TRUE(rd(reg_status) & status_needs_reset);
        EXPECT_TRUE(rd(reg_interrupt_status) & interrupt_config);
        EXPECT_TRUE(ram.guards_intact());
        QueueError e{};
        EXPECT_TRUE(mmio.take_error(e));
        return e;
    }
};

} // namespace

TEST_F(VmmVirtio, IdentityRegisters) {
    EXPECT_EQ(rd(reg_magic), 0x74726976u);
    EXPECT_EQ(rd(reg_version), 2u);
    EXPECT_EQ(rd(reg_device_id), 3u);
    EXPECT_EQ(rd(reg_vendor_id), VirtioMmio::vendor_id);
    wr(reg_device_features_sel, 0);
    EXPECT_EQ(rd(reg_device_features), 0u);
    wr(reg_device_features_sel, 1);
    EXPECT_EQ(rd(reg_device_features), 1u); // VERSION_1, bit 32
    wr(reg_device_features_sel, 2);
    EXPECT_EQ(rd(reg_device_features), 0u);
    EXPECT_EQ(rd(reg_config_generation), 0u);
}

TEST_F(VmmVirtio, FeatureNegotiation) {
    EXPECT_FALSE(negotiate(0));                     // a legacy driver is not served
    EXPECT_FALSE(negotiate(f_version_1 | 1u << 1)); // MULTIPORT was not offered
    EXPECT_TRUE(negotiate(f_version_1));
    wr(reg_driver_features_sel, 0);
    wr(reg_driver_features, 0xff); // after FEATURES_OK: ignored
    wr(reg_status, 0);
    EXPECT_EQ(rd(reg_status), 0u);
    EXPECT_TRUE(negotiate(f_version_1));
}

TEST_F(VmmVirtio, QueueRegisters) {
    wr(reg_queue_sel, 0);
    EXPECT_EQ(rd(reg_queue_num_max), VirtioMmio::queue_size_max);
    wr(reg_queue_sel, 1);
    EXPECT_EQ(rd(reg_queue_num_max), VirtioMmio::queue_size_max);
    wr(reg_queue_sel, 2);
    EXPECT_EQ(rd(reg_queue_num_max), 0u); // the console has two queues
    wr(reg_queue_ready, 1);
    EXPECT_EQ(rd(reg_queue_ready), 0u);
    bring_up();
    wr(reg_queue_sel, 1);
    EXPECT_EQ(rd(reg_queue_ready), 1u);
    EXPECT_FALSE(rd(reg_status) & status_needs_reset);
}

TEST_F(VmmVirtio, RegistersAreWordsConfigIsNarrowAndZero) {
    u64 v;
    EXPECT_FALSE(mmio.read(reg_magic, 1, v));
    EXPECT_FALSE(mmio.read(reg_magic + 2, 4, v));
    EXPECT_FALSE(mmio.write(reg_status, 2, 1));
    EXPECT_TRUE(mmio.read(reg_config, 2, v));
    EXPECT_EQ(v, 0u);
    EXPECT_TRUE(mmio.read(reg_config + 4, 4, v));
    EXPECT_FALSE(mmio.read(reg_config + 12, 4, v));
    EXPECT_TRUE(mmio.write(reg_config, 4, 80)); // read-only: ignored
}

TEST_F(VmmVirtio, TransmitReachesTheConsoleAndInterrupts) {
    bring_up();
    text(buffer(0), "hello ");
    text(buffer(1), "virtio\n");
    put_desc(1, 3, buffer(0), 6, f_next, 7);
    put_desc(1, 7, buffer(1), 7);
    offer(1, 3);
    notify(1);
    EXPECT_EQ(lines.all(), "[vm] hello virtio\n");
    EXPECT_EQ(used_idx(1), 1u);
    EXPECT_EQ(used_id(1, 0), 3u);
    EXPECT_EQ(used_len(1, 0), 0u);
    EXPECT_EQ(rd(reg_interrupt_status), interrupt_used);
    EXPECT_EQ(vcpus.hvip[0], isok::vmm::hvip::vseip);
    EXPECT_EQ(plic.claim(0), irq);
    wr(reg_interrupt_ack, interrupt_used);
    EXPECT_EQ(rd(reg_interrupt_status), 0u);
    plic.complete(0, irq);
    EXPECT_EQ(vcpus.hvip[0], 0u);
}

TEST_F(VmmVirtio, NoInterruptWhenTheDriverSaysSo) {
    bring_up();
    ram.put<u16>(avail(1), 1); // VIRTQ_AVAIL_F_NO_INTERRUPT
    text(buffer(0), "quiet\n");
    put_desc(1, 0, buffer(0), 6);
    offer(1, 0);
    notify(1);
    EXPECT_EQ(lines.all(), "[vm] quiet\n");
    EXPECT_EQ(rd(reg_interrupt_status), 0u);
}

TEST_F(VmmVirtio, InputWaitsForReceiveBuffers) {
    bring_up();
    const u8 in[] = {'a', 'b', 'c', 'd', 'e'};
    EXPECT_EQ(input.push(in, sizeof in), sizeof in);
    device.input_arrived(mmio);
    EXPECT_EQ(used_idx(0), 0u); // no buffer yet
    put_desc(0, 0, buffer(2), 3, f_write);
    put_desc(0, 1, buffer(3), 8, f_write);
    offer(0, 0);
    offer(0, 1);
    notify(0);
    EXPECT_EQ(used_idx(0), 2u);
    EXPECT_EQ(used_len(0, 0), 3u);
    EXPECT_EQ(used_len(0, 1), 2u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(ram.host(buffer(2))), 3), "abc");
    EXPECT_EQ(std::string(reinterpret_cast<char*>(ram.host(buffer(3))), 2), "de");
    EXPECT_EQ(rd(reg_interrupt_status), interrupt_used);
}

TEST_F(VmmVirtio, InputClaimedByAnotherConsoleIsLeftAlone) {
    bring_up();
    put_desc(0, 0, buffer(2), 8, f_write);
    offer(0, 0);
    notify(0);
    const u8 in[] = {'u', 'a', 'r', 't'};
    input.claim(true); // an interrupt-driven UART reads
    input.push(in, sizeof in);
    device.input_arrived(mmio);
    EXPECT_EQ(used_idx(0), 0u);
    EXPECT_EQ(input.size(), sizeof in);
    input.claim(false);
    device.input_arrived(mmio);
    EXPECT_EQ(used_idx(0), 1u);
    EXPECT_EQ(used_len(0, 0), 4u);
    EXPECT_TRUE(input.empty());
    EXPECT_EQ(std::string(reinterpret_cast<char*>(ram.host(buffer(2))), 4), "uart");
}

TEST_F(VmmVirtio, NothingHappensBeforeDriverOk) {
    ASSERT_TRUE(negotiate());
    setup_queue(1);
    text(buffer(0), "early\n");
    put_desc(1, 0, buffer(0), 6);
    offer(1, 0);
    notify(1);
    EXPECT_TRUE(lines.lines.empty());
    EXPECT_EQ(used_idx(1), 0u);
}

TEST_F(VmmVirtio, BufferOutsideRam) {
    bring_up();
    put_desc(1, 0, base + ram.size() - 4, 8);
    offer(1, 0);
    EXPECT_EQ(transmit_error(), QueueError::out_of_bounds);
    EXPECT_TRUE(lines.lines.empty());
}

TEST_F(VmmVirtio, BufferAddressThatWraps) {
    bring_up();
    put_desc(1, 0, ~u64{0} - 2, 16);
    offer(1, 0);
    EXPECT_EQ(transmit_error(), QueueError::out_of_bounds);
}

TEST_F(VmmVirtio, ChainThatLoops) {
    bring_up();
    put_desc(1, 0, buffer(0), 1, f_next, 1);
    put_desc(1, 1, buffer(0), 1, f_next, 2);
    put_desc(1, 2, buffer(0), 1, f_next, 0);
    offer(1, 0);
    EXPECT_EQ(transmit_error(), QueueError::loop);
}

TEST_F(VmmVirtio, ChainThatPointsAtItself) {
    bring_up();
    put_desc(1, 5, buffer(0), 1, f_next, 5);
    offer(1, 5);
    EXPECT_EQ(transmit_error(), QueueError::loop);
}

TEST_F(VmmVirtio, ChainTooLong) {
    ASSERT_TRUE(negotiate());
    setup_queue(0);
    setup_queue(1, 64);
    wr(reg_status, status_acknowledge | status_driver | status_features_ok | status_driver_ok);
    for (u32 i = 0; i < 40; ++i) put_desc(1, i, buffer(0), 1, i + 1 < 40 ? f_next : 0, u16(i + 1));
    offer(1, 0, 64);
    EXPECT_EQ(transmit_error(), QueueError::too_long);
}

TEST_F(VmmVirtio, HeadIndexOutsideTheTable) {
    bring_up();
    offer(1, 16);
    EXPECT_EQ(transmit_error(), QueueError::bad_index);
}

TEST_F(VmmVirtio, NextIndexOutsideTheTable) {
    bring_up();
    put_desc(1, 0, buffer(0), 1, f_next, 0xffff);
    offer(1, 0);
    EXPECT_EQ(transmit_error(), QueueError::bad_index);
}

TEST_F(VmmVirtio, AvailableIndexRunningAhead) {
    bring_up();
    ram.put<u16>(avail(1) + 2, 17); // 17 new buffers in a queue of 16
    EXPECT_EQ(transmit_error(), QueueError::bad_avail_index);
}

TEST_F(VmmVirtio, IndirectDescriptorsWereNotOffered) {
    bring_up();
    put_desc(1, 0, buffer(0), 16, f_indirect);
    offer(1, 0);
    EXPECT_EQ(transmit_error(), QueueError::indirect);
}

TEST_F(VmmVirtio, ReadableAfterWritable) {
    bring_up();
    put_desc(1, 0, buffer(0), 4, f_write | f_next, 1);
    put_desc(1, 1, buffer(1), 4);
    offer(1, 0);
    EXPECT_EQ(transmit_error(), QueueError::bad_order);
}

TEST_F(VmmVirtio, RingsOutsideRamAreRefusedAtQueueReady) {
    ASSERT_TRUE(negotiate());
    wr(reg_queue_sel, 1);
    wr(reg_queue_num, 16);
    wr(reg_queue_desc_low, u32(base + ram.size() - 64)); // 16 descriptors do not fit
    wr(reg_queue_driver_low, u32(avail(1)));
    wr(reg_queue_device_low, u32(used(1)));
    wr(reg_queue_ready, 1);
    EXPECT_TRUE(rd(reg_status) & status_needs_reset);
    QueueError e{};
    ASSERT_TRUE(mmio.take_error(e));
    EXPECT_EQ(e, QueueError::bad_layout);
    EXPECT_FALSE(mmio.take_error(e)); // reported once
}

TEST_F(VmmVirtio, BadQueueSizes) {
    for (u32 size : {0u, 3u, 128u, 65536u}) {
        ASSERT_TRUE(negotiate());
        setup_queue(1, size);
        EXPECT_TRUE(rd(reg_status) & status_needs_reset) << size;
    }
}

TEST_F(VmmVirtio, ResetRecoversFromAnError) {
    bring_up();
    offer(1, 99);
    EXPECT_EQ(transmit_error(), QueueError::bad_index);
    text(buffer(0), "ignored\n");
    put_desc(1, 0, buffer(0), 8);
    offer(1, 0);
    notify(1); // a broken device does not touch its queues
    EXPECT_TRUE(lines.lines.empty());
    avail_idx[0] = avail_idx[1] = 0;
    std::memset(ram.host(desc(0)), 0, 0x8000);
    bring_up(); // negotiate() starts with a reset
    EXPECT_FALSE(rd(reg_status) & status_needs_reset);
    text(buffer(0), "again\n");
    put_desc(1, 0, buffer(0), 6);
    offer(1, 0);
    notify(1);
    EXPECT_EQ(lines.all(), "[vm] again\n");
}

// Random rings: whatever the guest writes, the device either serves a chain or reports
// an error, and nothing outside guest RAM changes.
TEST_F(VmmVirtio, RandomRingsNeverEscape) {
    std::mt19937_64 random(12345);
    for (int round = 0; round < 2000; ++round) {
        avail_idx[0] = avail_idx[1] = 0;
        bring_up();
        for (u32 q = 0; q < 2; ++q) {
            for (u32 i = 0; i < 16; ++i) {
                u64 r = random();
                u64 address = (r & 1) ? buffer(u32(r >> 8) % 8) + (r >> 16) % 64 : random();
                u32 length = (r & 2) ? u32(r >> 24) % 256 : u32(random());
                put_desc(q, i, address, length, u16(random() & 7), u16((r & 4) ? (r >> 40) % 16 : r >> 48));
            }
            u64 r = random();
            for (u32 i = 0; i < 16; ++i) ram.put<u16>(avail(q) + 4 + 2 * i, u16((r & 1) ? random() % 16 : random()));
            ram.put<u16>(avail(q) + 2, u16((r & 2) ? random() % 20 : random()));
        }
        const u8 in[] = "random input";
        input.push(in, sizeof in);
        device.input_arrived(mmio);
        notify(0);
        notify(1);
        ASSERT_TRUE(ram.guards_intact()) << round;
        QueueError e;
        (void)mmio.take_error(e);
    }
}

// The guest's side of one virtio-mmio device in the VMM's unit tests: guest RAM, a PLIC
// with the device's source enabled, register access, feature negotiation and queue set-up.
#pragma once
#include "vmm_fakes.hpp"

#include <gtest/gtest.h>
#include <isok/virtio/device.hpp>
#include <isok/virtio/mmio.hpp>
#include <vmm/virtio_mmio.hpp>
#include <vmm/vplic.hpp>

#include <cstring>
#include <vector>

namespace vmm_test {

using isok::u16;
using isok::vmm::IrqLine;
using isok::vmm::VirtioMmio;

inline constexpr u64 base = isok::vm::guest_ram_base;
inline constexpr u16 f_next = 1, f_write = 2, f_indirect = 4; // descriptor flags

// A fixture owns the device and its VirtioMmio; this base drives it the way a guest
// driver would. Queue q's rings sit at fixed guest addresses, buffers after them.
struct VirtioDriverTest : ::testing::Test {
    explicit VirtioDriverTest(u32 irq) : irq_(irq) {}

    // The fixture's transport, constructed after this base.
    virtual isok::vmm::VirtioMmio& transport() = 0;

    void SetUp() override {
        ASSERT_TRUE(plic.write(4 * irq_, 4, 1));
        ASSERT_TRUE(plic.write(0x2000, 4, 1u << irq_));
    }

    u32 rd(u64 reg) {
        u64 v = 0xdead;
        EXPECT_TRUE(transport().read(reg, 4, v));
        return u32(v);
    }
    void wr(u64 reg, u32 v) { EXPECT_TRUE(transport().write(reg, 4, v)); }

    static u64 desc(u32 q) { return base + 0x10000 + 0x4000 * q; }
    static u64 avail(u32 q) { return desc(q) + 0x1000; }
    static u64 used(u32 q) { return desc(q) + 0x2000; }
    static u64 buffer(u32 i) { return base + 0x40000 + 0x1000 * i; }

    bool negotiate(u64 features = isok::virtio::f_version_1) {
        using namespace isok::virtio;
        wr(reg_status, 0);
        wr(reg_status, status_acknowledge);
        wr(reg_status, status_acknowledge | status_driver);
        for (u32 sel = 0; sel < 2; ++sel) {
            wr(reg_driver_features_sel, sel);
            wr(reg_driver_features, u32(features >> (32 * sel)));
        }
        wr(reg_status, status_acknowledge | status_driver | status_features_ok);
        return rd(reg_status) & status_features_ok;
    }
    void setup_queue(u32 q, u32 size) {
        using namespace isok::virtio;
        wr(reg_queue_sel, q);
        wr(reg_queue_num, size);
        wr(reg_queue_desc_low, u32(desc(q)));
        wr(reg_queue_desc_high, u32(desc(q) >> 32));
        wr(reg_queue_driver_low, u32(avail(q)));
        wr(reg_queue_driver_high, u32(avail(q) >> 32));
        wr(reg_queue_device_low, u32(used(q)));
        wr(reg_queue_device_high, u32(used(q) >> 32));
        wr(reg_queue_ready, 1);
    }
    void setup_queue(u32 q) { setup_queue(q, queue_size); }
    // Negotiates `features`, sets up queues 0 .. queues-1 and sets DRIVER_OK.
    void bring_up_queues(u64 features, u32 queues) {
        using namespace isok::virtio;
        ASSERT_TRUE(negotiate(features));
        for (u32 q = 0; q < queues; ++q) setup_queue(q);
        wr(reg_status, status_acknowledge | status_driver | status_features_ok | status_driver_ok);
        ASSERT_TRUE(transport().live());
    }

    void put_bytes(u64 gpa, const std::vector<u8>& bytes) { std::memcpy(ram.host(gpa), bytes.data(), bytes.size()); }
    std::vector<u8> get_bytes(u64 gpa, size_t n) { return std::vector<u8>(ram.host(gpa), ram.host(gpa) + n); }
    bool healthy() { return !(rd(isok::virtio::reg_status) & isok::virtio::status_needs_reset) && ram.guards_intact(); }

    Ram ram{1 << 20};
    isok::vmm::GuestMemory memory = ram.memory();
    FakeVcpus vcpus;
    isok::vmm::VPlic plic{vcpus, 1};
    u32 queue_size = 16;

private:
    u32 irq_;
};

// Devices with more than one queue, each filled one descriptor at a time.
struct VirtioQueuesTest : VirtioDriverTest {
    using VirtioDriverTest::VirtioDriverTest;

    void put_desc(u32 q, u32 index, u64 address, u32 length, u16 flags = 0, u16 next = 0) {
        u64 d = desc(q) + 16 * u64(index);
        ram.put<u64>(d, address);
        ram.put<u32>(d + 8, length);
        ram.put<u16>(d + 12, flags);
        ram.put<u16>(d + 14, next);
    }
    void offer(u32 q, u16 head, u32 size) {
        ram.put<u16>(avail(q) + 4 + 2 * (avail_idx[q] % size), head);
        ram.put<u16>(avail(q) + 2, ++avail_idx[q]);
    }
    void offer(u32 q, u16 head) { offer(q, head, queue_size); }
    void notify(u32 q) { wr(isok::virtio::reg_queue_notify, q); }
    u16 used_idx(u32 q) { return ram.get<u16>(used(q) + 2); }
    u32 used_id(u32 q, u32 i) { return ram.get<u32>(used(q) + 4 + 8 * i); }
    u32 used_len(u32 q, u32 i) { return ram.get<u32>(used(q) + 4 + 8 * i + 4); }

    u16 avail_idx[2] = {};
};

} // namespace vmm_test

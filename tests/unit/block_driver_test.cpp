// The virtio-blk driver against a fake modern virtio-mmio block device whose queue is
// the VMM's device-side Virtqueue (checked against the spec on its own), so ring layout,
// descriptor addresses (physical, inside the DMA area) and used entries are seen the way
// a device sees them. Covers set-up and its refusals, requests, interrupts, and devices
// that misbehave.
#include <blockd/split_queue.hpp>
#include <blockd/virtio_blk_driver.hpp>

#include <gtest/gtest.h>
#include <vmm/guest_memory.hpp>
#include <vmm/virtqueue.hpp>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

using isok::u16;
using isok::u32;
using isok::u64;
using isok::u8;
using namespace isok::blockd;
using namespace isok::virtio;

namespace {

constexpr u64 phys_base = 0x80400000; // where the fake's DMA area "is" for the device
constexpr u64 sector = 512;

// Page-aligned host memory standing for the DMA area.
struct DmaMemory {
    u64 bytes;
    std::unique_ptr<u8, decltype(&std::free)> host;
    explicit DmaMemory(u64 n) : bytes(n), host(static_cast<u8*>(std::aligned_alloc(4096, n)), &std::free) {
        std::memset(host.get(), 0xa5, n);
    }
    DmaArea area() const { return {host.get(), phys_base, bytes}; }
};

enum class Misbehave { none, wrong_id, used_twice, ioerr, unsupp, no_status, short_read, needs_reset, lost };

struct Seen {
    u32 type;
    u64 sector;
    u64 bytes;
    u64 header_address, data_address, status_address;
};

class FakeBlockDevice final : public MmioRegisters, public InterruptLine {
public:
    // Identity and behaviour, set by the test before start().
    u32 magic_value = magic;
    u32 version = version_modern;
    u32 device_id = device_block;
    u64 offered = f_version_1 | blk_f_flush | blk_f_size_max | blk_f_seg_max | blk_f_blk_size;
    bool refuse_features = false;
    u32 num_max = 256;
    u32 preset_ready = 0;
    u32 generation_bumps = 0; // the capacity changes under this many reads
    bool complete_on_notify = true;
    u32 spurious_wakeups = 0;
    Misbehave misbehave = Misbehave::none;

    std::vector<u8> disk;
    std::set<u64> touched;
    std::vector<Seen> seen;
    u32 status = 0;
    u64 driver_features = 0;
    u32 queue_num = 0;
    u64 queue_desc = 0, queue_driver = 0, queue_device = 0;
    u32 notifies = 0, waits = 0, line_acks = 0, interrupt_acks = 0;
    u32 interrupt_status = 0;
    bool failed_layout = false;

    FakeBlockDevice(const DmaMemory& dma, u64 sectors) : disk(sectors * sector), ram_(dma.host.get(), phys_base, dma.bytes) {}

    u64 capacity() const { return disk.size() / sector; }

    u32 read(u64 offset) override {
        switch (offset) {
        case reg_magic: return magic_value;
        case reg_version: return version;
        case reg_device_id: return device_id;
        case reg_device_features: return device_features_sel_ < 2 ? u32(offered >> (32 * device_features_sel_)) : 0;
        case reg_queue_num_max: return queue_sel_ == 0 ? num_max : 0;
        case reg_queue_ready: return queue_sel_ == 0 ? (queue_.ready ? 1 : preset_ready) : 0;
        case reg_interrupt_status: return interrupt_status;
        case reg_status: return status;
        case reg_config_generation: return generation_;
        case reg_config + blk_config_capacity:
            if (generation_bumps) --generation_bumps, ++generation_, disk.resize(disk.size() + sector);
            return u32(capacity());
        case reg_config + blk_config_capacity + 4: return u32(capacity() >> 32);
        }
        return 0;
    }

    void write(u64 offset, u32 value) override {
        switch (offset) {
        case reg_device_features_sel: device_features_sel_ = value; break;
        case reg_driver_features_sel: driver_features_sel_ = value; break;
        case reg_driver_features:
            if (driver_features_sel_ < 2) {
                driver_features &= ~(u64(0xffffffff) << (32 * driver_features_sel_));
                driver_features |= u64(value) << (32 * driver_features_sel_);
            }
            break;
        case reg_queue_sel: queue_sel_ = value; break;
        case reg_queue_num: queue_num = value; break;
        case reg_queue_desc_low: queue_desc = (queue_desc & ~0xffffffffull) | value; break;
        case reg_queue_desc_high: queue_desc = (queue_desc & 0xffffffffull) | u64(value) << 32; break;
        case reg_queue_driver_low: queue_driver = (queue_driver & ~0xffffffffull) | value; break;
        case reg_queue_driver_high: queue_driver = (queue_driver & 0xffffffffull) | u64(value) << 32; break;
        case reg_queue_device_low: queue_device = (queue_device & ~0xffffffffull) | value; break;
        case reg_queue_device_high: queue_device = (queue_device & 0xffffffffull) | u64(value) << 32; break;
        case reg_queue_ready: set_ready(value); break;
        case reg_queue_notify:
            ++notifies;
            if (complete_on_notify) serve();
            break;
        case reg_interrupt_ack:
            ++interrupt_acks;
            interrupt_status &= ~value;
            break;
        case reg_status: set_status(value); break;
        }
    }

    bool wait() override {
        if (spurious_wakeups) {
            --spurious_wakeups;
            ++waits;
            return true;
        }
        if (!complete_on_notify && misbehave != Misbehave::lost) serve();
        if (!line_) return false; // nothing would ever wake the driver
        line_ = false;
        ++waits;
        return true;
    }
    void acknowledge() override { ++line_acks; }

    u16 used_index() const {
        u16 v = 0;
        EXPECT_TRUE(ram_.load(queue_device + 2, v));
        return v;
    }

private:
    void set_status(u32 value) {
        if (value == 0) {
            status = 0;
            queue_.reset();
            return;
        }
        if ((value & status_features_ok) && !(status & status_features_ok)) {
            bool subset = (driver_features & ~offered) == 0;
            if (refuse_features || !subset) value &= ~status_features_ok;
        }
        status = value;
    }

    void set_ready(u32 value) {
        if (queue_sel_ != 0 || !value) return;
        queue_.size = queue_num;
        queue_.desc = queue_desc;
        queue_.driver = queue_driver;
        queue_.device = queue_device;
        failed_layout = !queue_.check_layout(ram_);
        EXPECT_FALSE(failed_layout) << "queue rings outside the DMA area";
        queue_.ready = !failed_layout;
    }

    // Takes every available chain and carries it out.
    void serve() {
        for (;;) {
            isok::vmm::Chain chain;
            auto got = queue_.pop(ram_, chain);
            if (!got) {
                ADD_FAILURE() << "bad chain: " << isok::vmm::describe(got.error());
                return;
            }
            if (!*got) return;
            complete(chain);
        }
    }

    void complete(const isok::vmm::Chain& c) {
        ASSERT_GE(c.count, 2u);
        const auto& head = c.segment[0];
        const auto& last = c.segment[c.count - 1];
        ASSERT_FALSE(head.writable);
        ASSERT_EQ(head.length, 16u);
        ASSERT_TRUE(last.writable);
        ASSERT_EQ(last.length, 1u);
        BlkHeader h;
        ASSERT_TRUE(ram_.read(head.address, &h, sizeof h));
        u64 bytes = c.count == 3 ? c.segment[1].length : 0;
        u64 data = c.count == 3 ? c.segment[1].address : 0;
        seen.push_back({h.type, h.sector, bytes, head.address, data, last.address});
        u8 result = blk_s_ok;
        u32 written = 1;
        if (h.type == blk_t_in || h.type == blk_t_out) {
            ASSERT_EQ(c.count, 3u);
            ASSERT_EQ(c.segment[1].writable, h.type == blk_t_in);
            ASSERT_EQ(bytes % sector, 0u);
            ASSERT_LE(h.sector + bytes / sector, capacity()) << "request past the disk";
            for (u64 s = 0; s < bytes / sector; ++s) touched.insert(h.sector + s);
            u8* at = disk.data() + h.sector * sector;
            if (h.type == blk_t_in) {
                ASSERT_TRUE(ram_.write(data, at, bytes));
                written += u32(bytes);
            } else {
                ASSERT_TRUE(ram_.read(data, at, bytes));
            }
        } else if (h.type != blk_t_flush) {
            result = blk_s_unsupp;
        }
        u32 id = c.head;
        switch (misbehave) {
        case Misbehave::ioerr: result = blk_s_ioerr; break;
        case Misbehave::unsupp: result = blk_s_unsupp; break;
        case Misbehave::short_read: written = 1; break;
        case Misbehave::wrong_id: id = (id + 1) % queue_.size; break;
        default: break;
        }
        if (misbehave == Misbehave::needs_reset) {
            // The device gives up on the request and asks for a reset instead.
            status |= status_needs_reset;
            interrupt_status |= interrupt_config;
            line_ = true;
            return;
        }
        if (misbehave != Misbehave::no_status) {
            ASSERT_TRUE(ram_.store<u8>(last.address, result));
        }
        ASSERT_TRUE(queue_.push(ram_, u16(id), written));
        if (misbehave == Misbehave::used_twice) {
            ASSERT_TRUE(queue_.push(ram_, u16(id), written));
        }
        interrupt_status |= interrupt_used;
        line_ = true;
    }

    isok::vmm::GuestMemory ram_;
    isok::vmm::Virtqueue queue_;
    u32 device_features_sel_ = 0, driver_features_sel_ = 0, queue_sel_ = 0, generation_ = 0;
    bool line_ = false;
};

struct BlockDriver : ::testing::Test {
    DmaMemory dma{33 * 4096};
    FakeBlockDevice device{dma, 4096};
    VirtioBlkDriver driver{device, device, dma.area()};

    void start() { ASSERT_TRUE(driver.start()); }
    void fill(u64 bytes, u8 seed) {
        for (u64 i = 0; i < bytes; ++i) driver.buffer()[i] = u8(seed + i * 7);
    }
    SetupError start_error() {
        auto s = driver.start();
        EXPECT_FALSE(s);
        return s.error();
    }
};

} // namespace

TEST_F(BlockDriver, StartsPerTheSpec) {
    start();
    EXPECT_EQ(device.status, status_acknowledge | status_driver | status_features_ok | status_driver_ok);
    EXPECT_EQ(device.driver_features, f_version_1 | blk_f_flush); // nothing else accepted
    EXPECT_EQ(device.queue_num, 16u);
    EXPECT_EQ(device.queue_desc, phys_base);
    EXPECT_GT(device.queue_driver, device.queue_desc);
    EXPECT_GT(device.queue_device, device.queue_driver);
    EXPECT_LT(device.queue_device, phys_base + 4096);
    EXPECT_EQ(driver.sectors(), 4096u);
    EXPECT_EQ(driver.buffer_bytes(), 128u * 1024);
    EXPECT_EQ(driver.buffer(), dma.host.get() + 4096);
    EXPECT_TRUE(driver.can_flush());
    EXPECT_FALSE(driver.read_only());
}

TEST_F(BlockDriver, QueueSizeFollowsTheDevice) {
    for (auto [max, expected] : {std::pair<u32, u32>{8, 8}, {5, 4}, {1, 1}, {16, 16}, {1024, 16}}) {
        device.num_max = max;
        start();
        EXPECT_EQ(device.queue_num, expected) << "QueueNumMax " << max;
    }
}

TEST_F(BlockDriver, RefusesALegacyDeviceWithAHint) {
    device.version = version_legacy;
    EXPECT_EQ(start_error(), SetupError::legacy);
    EXPECT_NE(std::string(describe(SetupError::legacy)).find("force-legacy=false"), std::string::npos);
    EXPECT_EQ(device.status, 0u); // not touched
}

TEST_F(BlockDriver, RefusesWhatIsNotAModernBlockDevice) {
    device.magic_value = 0x12345678;
    EXPECT_EQ(start_error(), SetupError::no_device);
    device.magic_value = magic;
    device.version = 3;
    EXPECT_EQ(start_error(), SetupError::bad_version);
    device.version = version_modern;
    device.device_id = 0;
    EXPECT_EQ(start_error(), SetupError::no_device);
    device.device_id = 1;
    EXPECT_EQ(start_error(), SetupError::not_block);
    device.device_id = device_block;
    device.offered = blk_f_flush;
    EXPECT_EQ(start_error(), SetupError::no_version_1);
    EXPECT_TRUE(device.status & status_failed);
    device.offered = f_version_1;
    device.refuse_features = true;
    EXPECT_EQ(start_error(), SetupError::features_refused);
    EXPECT_TRUE(device.status & status_failed);
    device.refuse_features = false;
    device.num_max = 0;
    EXPECT_EQ(start_error(), SetupError::no_queue);
    device.num_max = 256;
    device.preset_ready = 1;
    EXPECT_EQ(start_error(), SetupError::no_queue);
    device.preset_ready = 0;
    start();
}

TEST_F(BlockDriver, RefusesTooLittleDmaMemory) {
    DmaMemory small(4096);
    VirtioBlkDriver d(device, device, small.area());
    auto s = d.start();
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), SetupError::dma_too_small);
    DmaMemory two(2 * 4096);
    VirtioBlkDriver e(device, device, two.area());
    ASSERT_TRUE(e.start());
    EXPECT_EQ(e.buffer_bytes(), 4096u);
}

TEST_F(BlockDriver, WritesAndReadsBackThroughPhysicalAddresses) {
    start();
    fill(8 * sector, 3);
    std::vector<u8> pattern(driver.buffer(), driver.buffer() + 8 * sector);
    ASSERT_TRUE(driver.write(10, 8));
    EXPECT_EQ(0, std::memcmp(device.disk.data() + 10 * sector, pattern.data(), pattern.size()));
    std::memset(driver.buffer(), 0, 8 * sector);
    ASSERT_TRUE(driver.read(10, 8));
    EXPECT_EQ(0, std::memcmp(driver.buffer(), pattern.data(), pattern.size()));

    ASSERT_EQ(device.seen.size(), 2u);
    EXPECT_EQ(device.seen[0].type, blk_t_out);
    EXPECT_EQ(device.seen[1].type, blk_t_in);
    for (const Seen& s : device.seen) {
        EXPECT_EQ(s.sector, 10u);
        EXPECT_EQ(s.bytes, 8 * sector);
        EXPECT_EQ(s.data_address, phys_base + 4096); // the bounce buffer, by its physical address
        EXPECT_GE(s.header_address, phys_base);
        EXPECT_LT(s.header_address, phys_base + 4096);
        EXPECT_GE(s.status_address, phys_base);
        EXPECT_LT(s.status_address, phys_base + 4096);
    }
    EXPECT_EQ(device.touched, (std::set<u64>{10, 11, 12, 13, 14, 15, 16, 17}));
}

TEST_F(BlockDriver, PollsFirstAndWaitsOnlyWhenNothingIsUsed) {
    start();
    ASSERT_TRUE(driver.read(0, 1));
    EXPECT_EQ(device.waits, 0u); // completed before the driver looked

    device.complete_on_notify = false;
    ASSERT_TRUE(driver.read(1, 1));
    EXPECT_EQ(device.waits, 1u);
    EXPECT_EQ(device.interrupt_acks, 1u);
    EXPECT_EQ(device.line_acks, 1u);
    EXPECT_EQ(device.interrupt_status, 0u); // InterruptACK cleared it
}

TEST_F(BlockDriver, SpuriousWakeUpsAreHarmless) {
    start();
    device.complete_on_notify = false;
    device.spurious_wakeups = 3;
    ASSERT_TRUE(driver.write(5, 2));
    EXPECT_EQ(device.waits, 4u);
    EXPECT_EQ(device.line_acks, 4u); // the line is unmasked after every wake-up
}

TEST_F(BlockDriver, ManyRequestsWrapEveryIndex) {
    device.num_max = 4;
    start();
    for (u32 i = 0; i < 70000; ++i) {
        driver.buffer()[0] = u8(i);
        ASSERT_TRUE(i % 2 ? driver.read(i % 64, 1) : driver.write(i % 64, 1)) << "request " << i;
    }
    EXPECT_EQ(device.used_index(), u16(70000));
    EXPECT_EQ(device.seen.size(), 70000u);
}

TEST_F(BlockDriver, FlushGoesToTheDeviceOnlyWhenNegotiated) {
    start();
    ASSERT_TRUE(driver.flush());
    ASSERT_EQ(device.seen.size(), 1u);
    EXPECT_EQ(device.seen[0].type, blk_t_flush);
    EXPECT_EQ(device.seen[0].bytes, 0u);

    device.offered = f_version_1;
    device.seen.clear();
    start();
    EXPECT_FALSE(driver.can_flush());
    EXPECT_TRUE(driver.flush());
    EXPECT_TRUE(device.seen.empty());
}

TEST_F(BlockDriver, ReadOnlyDeviceGetsNoWrites) {
    device.offered |= blk_f_ro;
    start();
    EXPECT_TRUE(driver.read_only());
    auto s = driver.write(0, 1);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), DiskError::read_only);
    EXPECT_TRUE(driver.read(0, 1));
    EXPECT_EQ(device.seen.size(), 1u);
}

TEST_F(BlockDriver, RequestsOutsideTheDiskOrBufferNeverReachTheDevice) {
    start();
    const u64 all = ~u64{0};
    for (auto [first, count] : {std::pair<u64, u64>{0, 0}, {4096, 1}, {4095, 2}, {all, 2}, {0, 257}}) {
        auto r = driver.read(first, count);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), DiskError::bad_request);
        auto w = driver.write(first, count);
        ASSERT_FALSE(w);
        EXPECT_EQ(w.error(), DiskError::bad_request);
    }
    EXPECT_EQ(device.notifies, 0u);
    EXPECT_TRUE(driver.read(4095, 1));
    EXPECT_TRUE(driver.write(0, 256));
}

TEST_F(BlockDriver, DeviceErrorsFailOneRequest) {
    start();
    for (auto [m, expected] : {std::pair{Misbehave::ioerr, DiskError::io},
                               {Misbehave::unsupp, DiskError::unsupported},
                               {Misbehave::no_status, DiskError::io},
                               {Misbehave::short_read, DiskError::io}}) {
        device.misbehave = m;
        auto s = driver.read(0, 4);
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error(), expected);
        device.misbehave = Misbehave::none;
        EXPECT_TRUE(driver.read(0, 4)); // the next one works
    }
    EXPECT_EQ(driver.broken_reason(), nullptr);
}

TEST_F(BlockDriver, ABrokenQueueProtocolTakesTheDeviceOutOfService) {
    for (Misbehave m : {Misbehave::wrong_id, Misbehave::used_twice, Misbehave::needs_reset, Misbehave::lost}) {
        device.misbehave = Misbehave::none;
        device.complete_on_notify = m != Misbehave::lost;
        start();
        device.misbehave = m;
        SCOPED_TRACE(int(m));
        auto s = driver.write(0, 1);
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error(), DiskError::broken);
        ASSERT_NE(driver.broken_reason(), nullptr);
        EXPECT_TRUE(device.status & status_failed);
        u32 notifies = device.notifies;
        device.misbehave = Misbehave::none;
        auto again = driver.read(0, 1);
        ASSERT_FALSE(again);
        EXPECT_EQ(again.error(), DiskError::broken);
        EXPECT_EQ(device.notifies, notifies); // nothing more reaches the device
    }
}

TEST_F(BlockDriver, CapacityIsReadAgainWhenTheConfigurationChanges) {
    device.generation_bumps = 2;
    start();
    EXPECT_EQ(driver.sectors(), 4098u);
}

TEST(BlockSplitQueue, RefusesBadSizesAndAreas) {
    DmaMemory dma(4096);
    SplitQueue q;
    for (u16 size : {0, 3, 12, 32}) {
        auto s = q.init(dma.area(), size);
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error(), QueueError::bad_size);
    }
    DmaArea small = dma.area();
    small.bytes = SplitQueue::ring_bytes(16) - 1;
    EXPECT_EQ(q.init(small, 16).error(), QueueError::too_small);
    DmaArea misaligned = dma.area();
    misaligned.physical += 8;
    EXPECT_EQ(q.init(misaligned, 16).error(), QueueError::too_small);
    EXPECT_TRUE(q.init(dma.area(), 16));
}

TEST(BlockSplitQueue, ChainsUseFreeDescriptorsAndComeBack) {
    DmaMemory dma(4096);
    isok::vmm::GuestMemory ram(dma.host.get(), phys_base, dma.bytes);
    SplitQueue q;
    ASSERT_TRUE(q.init(dma.area(), 4));
    QueueBuffer three[3] = {{phys_base + 0x800, 16, false}, {phys_base + 0x900, 512, true}, {phys_base + 0x810, 1, true}};
    auto a = q.submit(three, 3);
    ASSERT_TRUE(a);
    EXPECT_EQ(q.submit(three, 3).error(), QueueError::full);
    EXPECT_EQ(q.submit(three, 0).error(), QueueError::bad_chain);
    EXPECT_EQ(q.submit(three, SplitQueue::max_chain + 1).error(), QueueError::bad_chain);
    auto b = q.submit(three, 1);
    ASSERT_TRUE(b);
    EXPECT_EQ(q.in_flight(), 2u);

    // The device's view of what was submitted.
    isok::vmm::Virtqueue device;
    device.size = 4;
    device.desc = q.desc_physical();
    device.driver = q.avail_physical();
    device.device = q.used_physical();
    device.ready = true;
    ASSERT_TRUE(device.check_layout(ram));
    isok::vmm::Chain c;
    ASSERT_TRUE(*device.pop(ram, c));
    EXPECT_EQ(c.head, *a);
    ASSERT_EQ(c.count, 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(c.segment[i].address, three[i].physical);
        EXPECT_EQ(c.segment[i].length, three[i].length);
        EXPECT_EQ(c.segment[i].writable, three[i].device_writes);
    }
    ASSERT_TRUE(*device.pop(ram, c));
    EXPECT_EQ(c.head, *b);

    UsedChain used;
    EXPECT_FALSE(*q.take_used(used));
    ASSERT_TRUE(device.push(ram, *b, 7));
    ASSERT_TRUE(*q.take_used(used));
    EXPECT_EQ(used.head, *b);
    EXPECT_EQ(used.written, 7u);
    EXPECT_EQ(q.in_flight(), 1u);
    // A used entry for a chain not in flight (b again), then one that runs ahead.
    ASSERT_TRUE(device.push(ram, *b, 0));
    EXPECT_EQ(q.take_used(used).error(), QueueError::bad_used_id);
}

TEST(BlockSplitQueue, UsedIndexRunningAheadIsRefused) {
    DmaMemory dma(4096);
    isok::vmm::GuestMemory ram(dma.host.get(), phys_base, dma.bytes);
    SplitQueue q;
    ASSERT_TRUE(q.init(dma.area(), 8));
    QueueBuffer one{phys_base + 0x800, 16, false};
    ASSERT_TRUE(q.submit(&one, 1));
    ASSERT_TRUE(ram.store<u16>(q.used_physical() + 2, 2)); // two used, one in flight
    UsedChain used;
    EXPECT_EQ(q.take_used(used).error(), QueueError::bad_used_index);
    ASSERT_TRUE(ram.store<u16>(q.used_physical() + 2, 1));
    ASSERT_TRUE(ram.store<u32>(q.used_physical() + 4, 9)); // id past the table
    EXPECT_EQ(q.take_used(used).error(), QueueError::bad_used_id);
}

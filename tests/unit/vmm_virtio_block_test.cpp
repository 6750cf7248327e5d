// virtio-block over virtio-mmio with an in-memory disk: reads, writes split over the
// backend's buffer, flush and GET_ID, and malformed requests, each answered (IOERR, or
// handed back when it has no status byte) while the device goes on serving. Also the
// real backend (the block-protocol client), the Links checks and the wiring into a VM.
#include "vmm_virtio_driver.hpp"

#include <gtest/gtest.h>
#include <isok/links.hpp>
#include <vmm/block_client.hpp>
#include <vmm/device_tree.hpp>
#include <vmm/layout.hpp>
#include <vmm/virtio_block.hpp>
#include <vmm/vm.hpp>
#include <vmm/vm_links.hpp>

#include <memory>
#include <string>
#include <vector>

using isok::vmm::VirtioBlock;
using namespace isok::virtio;
using namespace vmm_test;
namespace block = isok::block;
namespace links = isok::links;

namespace {

constexpr u32 irq = 3;
constexpr u32 sector = 512;
constexpr u64 f_seg_max = 1u << 2, f_blk_size = 1u << 6, f_flush = 1u << 9;
constexpr u32 t_in = 0, t_out = 1, t_flush = 4, t_get_id = 8;
constexpr u8 s_ok = 0, s_ioerr = 1, s_unsupp = 2, s_untouched = 0xaa;

using Bytes = std::vector<u8>;

Bytes pattern(size_t length, u8 seed) {
    Bytes b(length);
    for (size_t i = 0; i < length; ++i) b[i] = u8(seed + i * 13 + i / 512);
    return b;
}

// A disk of `sectors` sectors whose buffer holds `buffer_sectors`, so requests bigger
// than that must be split.
struct FakeDisk final : isok::vmm::BlockBackend {
    explicit FakeDisk(u64 sectors, u64 buffer_sectors = 2)
        : disk(sectors * sector, 0), staging(buffer_sectors * sector, 0) {}

    Bytes disk;
    Bytes staging;
    std::string id = "vm1-data";
    struct Op {
        char kind;
        u64 sector, count;
    };
    std::vector<Op> ops;
    bool failing = false;

    u64 sectors() const override { return disk.size() / sector; }
    const char* name() const override { return id.c_str(); }
    u8* buffer() override { return staging.data(); }
    u64 buffer_bytes() const override { return staging.size(); }
    block::Status read(u64 first, u64 count) override {
        ops.push_back({'r', first, count});
        if (failing) return block::Status::io_error;
        EXPECT_LE((first + count) * sector, disk.size());
        EXPECT_LE(count * sector, staging.size());
        std::memcpy(staging.data(), disk.data() + first * sector, count * sector);
        return block::Status::ok;
    }
    block::Status write(u64 first, u64 count) override {
        ops.push_back({'w', first, count});
        if (failing) return block::Status::io_error;
        EXPECT_LE((first + count) * sector, disk.size());
        EXPECT_LE(count * sector, staging.size());
        std::memcpy(disk.data() + first * sector, staging.data(), count * sector);
        return block::Status::ok;
    }
    block::Status flush() override {
        ops.push_back({'f', 0, 0});
        return failing ? block::Status::io_error : block::Status::ok;
    }
};

struct VmmVirtioBlock : VirtioDriverTest {
    FakeDisk disk{64};
    VirtioBlock device{disk};
    VirtioMmio mmio{device, memory, IrqLine(plic, irq)};
    u16 avail_idx = 0;
    u32 next_desc = 0;

    VmmVirtioBlock() : VirtioDriverTest(irq) {}
    VirtioMmio& transport() override { return mmio; }

    static u64 header_at(u32 i) { return base + 0x20000 + 0x100 * i; }
    static u64 status_at(u32 i) { return header_at(i) + 0x80; }

    void bring_up() { bring_up_queues(f_version_1 | f_seg_max | f_blk_size | f_flush, 1); }

    struct Seg {
        u64 address;
        u32 length;
        bool writable;
    };
    // Writes the descriptors of one chain (from next_desc on) and offers it; returns its head.
    u16 offer(const std::vector<Seg>& segs) {
        u16 head = u16(next_desc % queue_size);
        for (size_t i = 0; i < segs.size(); ++i) {
            u32 index = (next_desc + i) % queue_size;
            bool last = i + 1 == segs.size();
            u64 d = desc(0) + 16 * u64(index);
            ram.put<u64>(d, segs[i].address);
            ram.put<u32>(d + 8, segs[i].length);
            ram.put<u16>(d + 12, u16((segs[i].writable ? f_write : 0) | (last ? 0 : f_next)));
            ram.put<u16>(d + 14, u16((index + 1) % queue_size));
        }
        next_desc += u32(segs.size());
        ram.put<u16>(avail(0) + 4 + 2 * (avail_idx % queue_size), head);
        ram.put<u16>(avail(0) + 2, ++avail_idx);
        return head;
    }
    // The usual chain: header, data segments, a 1-byte status; slot i's header and status.
    u16 request(u32 i, u32 type, u64 first_sector, const std::vector<Seg>& data) {
        ram.put<u32>(header_at(i), type);
        ram.put<u32>(header_at(i) + 4, 0);
        ram.put<u64>(header_at(i) + 8, first_sector);
        ram.put<u8>(status_at(i), s_untouched);
        std::vector<Seg> segs{{header_at(i), 16, false}};
        segs.insert(segs.end(), data.begin(), data.end());
        segs.push_back({status_at(i), 1, true});
        return offer(segs);
    }
    void notify() { wr(reg_queue_notify, 0); }
    u16 used_idx() { return ram.get<u16>(used(0) + 2); }
    u32 used_id(u32 i) { return ram.get<u32>(used(0) + 4 + 8 * (i % queue_size)); }
    u32 used_len(u32 i) { return ram.get<u32>(used(0) + 4 + 8 * (i % queue_size) + 4); }
    u8 status(u32 i) { return ram.get<u8>(status_at(i)); }

    // A good one-sector read after whatever came before: the device still serves.
    void expect_still_serving(u32 slot) {
        u16 before = used_idx();
        request(slot, t_in, 1, {{buffer(15), sector, true}});
        notify();
        ASSERT_EQ(used_idx(), u16(before + 1));
        EXPECT_EQ(status(slot), s_ok);
        EXPECT_EQ(used_len(before), sector + 1);
        EXPECT_TRUE(healthy());
    }
};

} // namespace

TEST_F(VmmVirtioBlock, IdentityAndFeatures) {
    EXPECT_EQ(rd(reg_device_id), 2u);
    wr(reg_device_features_sel, 0);
    EXPECT_EQ(rd(reg_device_features), u32(f_seg_max | f_blk_size | f_flush));
    wr(reg_device_features_sel, 1);
    EXPECT_EQ(rd(reg_device_features), 1u);
    wr(reg_queue_sel, 0);
    EXPECT_EQ(rd(reg_queue_num_max), VirtioMmio::queue_size_max);
    wr(reg_queue_sel, 1);
    EXPECT_EQ(rd(reg_queue_num_max), 0u); // one queue
}

TEST_F(VmmVirtioBlock, FeatureNegotiation) {
    EXPECT_TRUE(negotiate(f_version_1 | f_seg_max | f_blk_size | f_flush));
    EXPECT_TRUE(negotiate(f_version_1));
    EXPECT_FALSE(negotiate(f_seg_max | f_flush));       // legacy
    EXPECT_FALSE(negotiate(f_version_1 | 1u << 5));     // RO was not offered
    EXPECT_FALSE(negotiate(f_version_1 | 1ull << 28));  // nor INDIRECT_DESC
}

TEST_F(VmmVirtioBlock, ConfigSpace) {
    u64 v = 0;
    ASSERT_TRUE(mmio.read(reg_config, 8, v));
    EXPECT_EQ(v, 64u); // capacity in sectors
    ASSERT_TRUE(mmio.read(reg_config, 4, v));
    EXPECT_EQ(v, 64u);
    ASSERT_TRUE(mmio.read(reg_config + 4, 4, v));
    EXPECT_EQ(v, 0u);
    ASSERT_TRUE(mmio.read(reg_config + 12, 4, v));
    EXPECT_EQ(v, VirtioBlock::seg_max);
    ASSERT_TRUE(mmio.read(reg_config + 20, 4, v));
    EXPECT_EQ(v, 512u); // blk_size
    ASSERT_TRUE(mmio.read(reg_config, 1, v));
    EXPECT_EQ(v, 64u);
    EXPECT_FALSE(mmio.read(reg_config + 24, 4, v)); // past blk_size
    EXPECT_FALSE(mmio.read(reg_config + 2, 4, v));  // misaligned
    EXPECT_FALSE(mmio.read(reg_config, 3, v));

    // 4 TiB: the upper half of capacity matters.
    struct Huge final : isok::vmm::BlockBackend {
        u64 sectors() const override { return (u64(1) << 33) + 5; }
        const char* name() const override { return ""; }
        u8* buffer() override { return nullptr; }
        u64 buffer_bytes() const override { return 0; }
        block::Status read(u64, u64) override { return block::Status::io_error; }
        block::Status write(u64, u64) override { return block::Status::io_error; }
        block::Status flush() override { return block::Status::io_error; }
    } huge;
    VirtioBlock d(huge);
    ASSERT_TRUE(d.config_read(4, 4, v));
    EXPECT_EQ(v, 2u);
    ASSERT_TRUE(d.config_read(0, 8, v));
    EXPECT_EQ(v, (u64(1) << 33) + 5);
}

TEST_F(VmmVirtioBlock, WriteThenReadBackAcrossSegmentsAndBufferSplits) {
    bring_up();
    Bytes data = pattern(5 * sector, 7);
    put_bytes(buffer(0), Bytes(data.begin(), data.begin() + 700));
    put_bytes(buffer(1), Bytes(data.begin() + 700, data.begin() + 2048));
    put_bytes(buffer(2), Bytes(data.begin() + 2048, data.end()));
    request(0, t_out, 10, {{buffer(0), 700, false}, {buffer(1), 1348, false}, {buffer(2), 512, false}});
    notify();
    ASSERT_EQ(used_idx(), 1u);
    EXPECT_EQ(status(0), s_ok);
    EXPECT_EQ(used_len(0), 1u);
    EXPECT_EQ(Bytes(disk.disk.begin() + 10 * sector, disk.disk.begin() + 15 * sector), data);
    // A buffer of two sectors: 2 + 2 + 1.
    ASSERT_EQ(disk.ops.size(), 3u);
    EXPECT_EQ(disk.ops[0].sector, 10u);
    EXPECT_EQ(disk.ops[0].count, 2u);
    EXPECT_EQ(disk.ops[2].sector, 14u);
    EXPECT_EQ(disk.ops[2].count, 1u);
    EXPECT_EQ(rd(reg_interrupt_status), interrupt_used);
    EXPECT_EQ(vcpus.hvip[0], isok::vmm::hvip::vseip);

    request(1, t_in, 10, {{buffer(5), 1000, true}, {buffer(6), 1560, true}});
    notify();
    ASSERT_EQ(used_idx(), 2u);
    EXPECT_EQ(status(1), s_ok);
    EXPECT_EQ(used_len(1), 5 * sector + 1);
    Bytes back = get_bytes(buffer(5), 1000);
    Bytes rest = get_bytes(buffer(6), 1560);
    back.insert(back.end(), rest.begin(), rest.end());
    EXPECT_EQ(back, data);
    EXPECT_EQ(device.stats().completed, 2u);
}

TEST_F(VmmVirtioBlock, DataAndStatusInOneWritableDescriptor) {
    bring_up();
    disk.disk.assign(disk.disk.size(), 0x5c);
    ram.put<u32>(header_at(0), t_in);
    ram.put<u64>(header_at(0) + 8, 3);
    offer({{header_at(0), 16, false}, {buffer(0), sector + 1, true}});
    notify();
    EXPECT_EQ(ram.get<u8>(buffer(0) + sector), s_ok);
    EXPECT_EQ(ram.get<u8>(buffer(0) + sector - 1), 0x5c);
    EXPECT_EQ(used_len(0), sector + 1);
}

TEST_F(VmmVirtioBlock, LastSectorsAndZeroLengthAreFine) {
    bring_up();
    request(0, t_in, 63, {{buffer(0), sector, true}});
    request(1, t_out, 64, {}); // nothing to write, at the very end
    notify();
    EXPECT_EQ(status(0), s_ok);
    EXPECT_EQ(status(1), s_ok);
}

TEST_F(VmmVirtioBlock, FlushReachesTheBackend) {
    bring_up();
    request(0, t_flush, 0, {});
    notify();
    EXPECT_EQ(status(0), s_ok);
    EXPECT_EQ(used_len(0), 1u);
    ASSERT_EQ(disk.ops.size(), 1u);
    EXPECT_EQ(disk.ops[0].kind, 'f');
}

TEST_F(VmmVirtioBlock, GetIdIsThePartitionName) {
    bring_up();
    std::memset(ram.host(buffer(0)), 0xff, 20);
    request(0, t_get_id, 0, {{buffer(0), 20, true}});
    notify();
    EXPECT_EQ(status(0), s_ok);
    EXPECT_EQ(used_len(0), 21u);
    Bytes id = get_bytes(buffer(0), 20);
    Bytes expected(20, 0);
    std::memcpy(expected.data(), "vm1-data", 8);
    EXPECT_EQ(id, expected);

    disk.id = "a-partition-name-longer-than-twenty";
    request(1, t_get_id, 0, {{buffer(1), 20, true}});
    notify();
    EXPECT_EQ(std::string(reinterpret_cast<char*>(ram.host(buffer(1))), 20), "a-partition-name-lon");
}

TEST_F(VmmVirtioBlock, UnknownTypeIsUnsupported) {
    bring_up();
    request(0, 11, 0, {{buffer(0), 512, false}}); // DISCARD was not offered
    request(1, 0x80000000u, 0, {});
    notify();
    EXPECT_EQ(status(0), s_unsupp);
    EXPECT_EQ(status(1), s_unsupp);
    EXPECT_EQ(used_len(0), 1u);
    EXPECT_TRUE(disk.ops.empty());
    EXPECT_EQ(device.stats().failed, 2u);
    expect_still_serving(2);
}

TEST_F(VmmVirtioBlock, BackendFailureIsAnIoError) {
    bring_up();
    disk.failing = true;
    request(0, t_in, 0, {{buffer(0), 4 * sector, true}});
    request(1, t_out, 0, {{buffer(1), sector, false}});
    request(2, t_flush, 0, {});
    notify();
    EXPECT_EQ(status(0), s_ioerr);
    EXPECT_EQ(status(1), s_ioerr);
    EXPECT_EQ(status(2), s_ioerr);
    EXPECT_EQ(used_len(0), 1u); // no data written
    disk.failing = false;
    expect_still_serving(3);
}

// Requests that break a rule and still have a status byte: IOERR, nothing touched.
TEST_F(VmmVirtioBlock, MalformedRequestsAreIoErrors) {
    bring_up();
    disk.disk.assign(disk.disk.size(), 0x11);
    put_bytes(buffer(0), Bytes(4096, 0x22));
    u32 slot = 0;
    auto expect_ioerr = [&](const char* what) {
        SCOPED_TRACE(what);
        notify();
        EXPECT_EQ(status(slot), s_ioerr);
        EXPECT_EQ(used_len(u32(used_idx() - 1)), 1u);
        EXPECT_TRUE(healthy());
        ++slot;
    };
    request(slot, t_in, 64, {{buffer(1), sector, true}});
    expect_ioerr("read past capacity");
    request(slot, t_in, 63, {{buffer(1), 2 * sector, true}});
    expect_ioerr("read running past capacity");
    request(slot, t_out, 60, {{buffer(0), 5 * sector, false}});
    expect_ioerr("write running past capacity");
    request(slot, t_in, ~u64{0}, {{buffer(1), sector, true}});
    expect_ioerr("sector that wraps");
    request(slot, t_in, 0, {{buffer(1), 100, true}});
    expect_ioerr("read not a multiple of 512");
    request(slot, t_out, 0, {{buffer(0), 513, false}});
    expect_ioerr("write not a multiple of 512");
    request(slot, t_in, 0, {{buffer(0), sector, false}});
    expect_ioerr("read with device-readable data");
    request(slot, t_out, 0, {{buffer(1), sector, true}});
    expect_ioerr("write with device-writable data");
    request(slot, t_flush, 0, {{buffer(0), sector, false}});
    expect_ioerr("flush with data");
    request(slot, t_get_id, 0, {{buffer(0), 20, false}});
    expect_ioerr("get-id with readable data");
    ram.put<u8>(status_at(slot), s_untouched);
    offer({{header_at(slot), 8, false}, {status_at(slot), 1, true}});
    expect_ioerr("header of 8 bytes");
    ram.put<u8>(status_at(slot), s_untouched);
    offer({{status_at(slot), 1, true}});
    expect_ioerr("no header at all");

    EXPECT_TRUE(disk.ops.empty());
    EXPECT_EQ(disk.disk, Bytes(disk.disk.size(), 0x11));
    EXPECT_EQ(device.stats().failed, slot);
    expect_still_serving(slot);
}

// Chains that cannot be answered come back with nothing written; the next one is served.
TEST_F(VmmVirtioBlock, StatusDescriptorThatIsReadOnly) {
    bring_up();
    ram.put<u32>(header_at(0), t_in);
    ram.put<u8>(status_at(0), s_untouched);
    offer({{header_at(0), 16, false}, {status_at(0), 1, false}});
    notify();
    ASSERT_EQ(used_idx(), 1u);
    EXPECT_EQ(used_len(0), 0u);
    EXPECT_EQ(status(0), s_untouched);
    EXPECT_EQ(device.stats().unanswered, 1u);
    expect_still_serving(1);
}

TEST_F(VmmVirtioBlock, ChainThatLoops) {
    bring_up();
    ram.put<u32>(header_at(0), t_in);
    ram.put<u64>(desc(0) + 0, header_at(0));
    ram.put<u32>(desc(0) + 8, 16);
    ram.put<u16>(desc(0) + 12, f_next);
    ram.put<u16>(desc(0) + 14, 1);
    ram.put<u64>(desc(0) + 16, status_at(0));
    ram.put<u32>(desc(0) + 24, 1);
    ram.put<u16>(desc(0) + 28, f_write | f_next);
    ram.put<u16>(desc(0) + 30, 1); // itself
    next_desc = 2;
    ram.put<u16>(avail(0) + 4, 0);
    ram.put<u16>(avail(0) + 2, ++avail_idx);
    notify();
    ASSERT_EQ(used_idx(), 1u);
    EXPECT_EQ(used_len(0), 0u);
    EXPECT_EQ(device.stats().unanswered, 1u);
    expect_still_serving(1);
}

TEST_F(VmmVirtioBlock, DataOutsideRam) {
    bring_up();
    request(0, t_in, 0, {{base + (1 << 20) - 256, sector, true}});
    request(1, t_out, 0, {{~u64{0} - 100, sector, false}});
    notify();
    ASSERT_EQ(used_idx(), 2u);
    EXPECT_EQ(used_len(0), 0u);
    EXPECT_EQ(used_len(1), 0u);
    EXPECT_EQ(status(0), s_untouched); // the chain was refused whole, status included
    EXPECT_TRUE(disk.ops.empty());
    expect_still_serving(2);
}

TEST_F(VmmVirtioBlock, ChainLongerThanSegMax) {
    queue_size = 64;
    bring_up();
    std::vector<Seg> data;
    for (u32 i = 0; i < 31; ++i) data.push_back({buffer(0) + 512 * (i % 4), 512, true});
    request(0, t_in, 0, data); // 33 descriptors
    notify();
    ASSERT_EQ(used_idx(), 1u);
    EXPECT_EQ(used_len(0), 0u);
    EXPECT_EQ(device.stats().unanswered, 1u);
    data.pop_back();
    request(1, t_in, 0, data); // 30 data segments: seg_max
    notify();
    EXPECT_EQ(status(1), s_ok);
    EXPECT_EQ(used_len(1), 30 * sector + 1);
    EXPECT_TRUE(healthy());
}

TEST_F(VmmVirtioBlock, BrokenRingNeedsReset) {
    bring_up();
    ram.put<u16>(avail(0) + 2, 17);
    notify();
    EXPECT_TRUE(rd(reg_status) & status_needs_reset);
    isok::vmm::QueueError e{};
    EXPECT_TRUE(mmio.take_error(e));
    EXPECT_EQ(e, isok::vmm::QueueError::bad_avail_index);
}

// The real backend: calls of the block protocol, data in the shared buffer.
struct Calls {
    struct Call {
        block::Op op;
        u64 first, count, offset;
    };
    std::vector<Call> calls;
    block::Status answer = block::Status::ok;

    static block::Status call(void* self, block::Op op, u64 first, u64 count, u64 offset) {
        auto* c = static_cast<Calls*>(self);
        c->calls.push_back({op, first, count, offset});
        return c->answer;
    }
};

links::Partition partition(u8* buffer, u64 buffer_bytes) {
    links::Partition p{};
    std::memcpy(p.name, "vm1-data", 8);
    p.sectors = 32768;
    p.buffer = u64(reinterpret_cast<uintptr_t>(buffer));
    p.buffer_bytes = buffer_bytes;
    p.endpoint = 7;
    p.badge = 3;
    return p;
}

TEST(VmmBlockClient, CallsTheServiceThroughTheSharedBuffer) {
    Bytes shared(links::buffer_bytes);
    Calls calls;
    isok::vmm::BlockClient client(partition(shared.data(), shared.size()), Calls::call, &calls);
    EXPECT_EQ(client.sectors(), 32768u);
    EXPECT_STREQ(client.name(), "vm1-data");
    EXPECT_EQ(client.buffer(), shared.data());
    EXPECT_EQ(client.buffer_bytes(), links::buffer_bytes);
    EXPECT_EQ(client.read(100, 256), block::Status::ok);
    EXPECT_EQ(client.write(5, 1), block::Status::ok);
    EXPECT_EQ(client.flush(), block::Status::ok);
    ASSERT_EQ(calls.calls.size(), 3u);
    EXPECT_EQ(calls.calls[0].op, block::Op::read);
    EXPECT_EQ(calls.calls[0].first, 100u);
    EXPECT_EQ(calls.calls[0].count, 256u);
    EXPECT_EQ(calls.calls[0].offset, 0u);
    EXPECT_EQ(calls.calls[1].op, block::Op::write);
    EXPECT_EQ(calls.calls[2].op, block::Op::flush);
    calls.answer = block::Status::out_of_range;
    EXPECT_EQ(client.read(0, 1), block::Status::out_of_range);
}

TEST(VmmBlockClient, RefusesWhatTheBufferCannotHold) {
    Bytes shared(1000); // not a whole number of sectors: one is used
    Calls calls;
    isok::vmm::BlockClient client(partition(shared.data(), shared.size()), Calls::call, &calls);
    EXPECT_EQ(client.buffer_bytes(), 512u);
    EXPECT_EQ(client.read(0, 2), block::Status::bad_buffer);
    EXPECT_EQ(client.write(0, 0), block::Status::bad_buffer);
    EXPECT_TRUE(calls.calls.empty());
}

TEST(VmmBlockClient, UnterminatedNameIsCut) {
    Bytes shared(512);
    links::Partition p = partition(shared.data(), shared.size());
    std::memset(p.name, 'x', sizeof p.name);
    Calls calls;
    isok::vmm::BlockClient client(p, Calls::call, &calls);
    EXPECT_EQ(std::string(client.name()), std::string(links::name_bytes, 'x'));
}

TEST(VmmLinks, FirstPartitionIsChecked) {
    auto page = std::make_unique<links::Links>();
    *page = {};
    EXPECT_EQ(isok::vmm::first_partition(*page).error(), isok::vmm::LinkError::bad_magic);
    page->magic = links::magic;
    page->port_count = 3; // ports do not matter here
    EXPECT_EQ(isok::vmm::first_partition(*page).error(), isok::vmm::LinkError::none);
    page->partition_count = 1;
    EXPECT_EQ(isok::vmm::first_partition(*page).error(), isok::vmm::LinkError::bad_buffer);
    page->partitions[0].buffer = links::buffer_window;
    page->partitions[0].buffer_bytes = 511;
    EXPECT_EQ(isok::vmm::first_partition(*page).error(), isok::vmm::LinkError::bad_buffer);
    page->partitions[0].buffer_bytes = links::buffer_bytes;
    EXPECT_EQ(isok::vmm::first_partition(*page).error(), isok::vmm::LinkError::empty);
    page->partitions[0].sectors = 2048;
    auto p = isok::vmm::first_partition(*page);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, &page->partitions[0]);
}

// In a VM: the block slot, its own PLIC line, and the device tree.
TEST(VmmVmBlock, DeviceSitsInItsSlotBesideNet) {
    namespace layout = isok::vmm::layout;
    Ram ram(1 << 20);
    FakeVcpus vcpus;
    Lines lines;
    FakeDisk disk(64);
    isok::vmm::VmSetup s;
    s.name = "vm";
    s.name_max = 32;
    s.devices = isok::vm::device::virtio_block | isok::vm::device::virtio_net;
    s.ram = ram.memory();
    s.output = Lines::output;
    s.output_context = &lines;
    s.block = &disk;
    isok::vmm::Vm vm(s, vcpus);
    EXPECT_EQ(vm.devices(), isok::vm::device::virtio_block);
    EXPECT_NE(lines.all().find("[vm] vmm: virtio-net: no switch port for this VM; left out"), std::string::npos);
    EXPECT_EQ(lines.all().find("virtio-block"), std::string::npos);
    isok::vmm::Exit e;
    e.word[isok::abi::exception_message::cause] = isok::abi::exception_message::cause_load_guest_fault;
    e.word[isok::abi::exception_message::access] = isok::abi::exception_message::make_access(4, false, false, 10, 4);
    e.word[isok::abi::exception_message::address] = layout::virtio_slot_base(layout::VirtioSlot::block) + reg_device_id;
    EXPECT_EQ(vm.handle_exit(0, e).value0, 2u);
    e.word[isok::abi::exception_message::address] = layout::virtio_slot_base(layout::VirtioSlot::block) + reg_config;
    EXPECT_EQ(vm.handle_exit(0, e).value0, 64u);
    // The net slot has nothing behind it: the access is the guest's access fault.
    e.word[isok::abi::exception_message::address] = layout::virtio_slot_base(layout::VirtioSlot::net);
    EXPECT_EQ(vm.handle_exit(0, e).action, isok::abi::ExceptionReply::inject);
    EXPECT_EQ(layout::virtio_slot_irq(layout::VirtioSlot::block), 3u);
}

TEST(VmmVmBlock, MissingPartitionIsLeftOutAndSaysSo) {
    Ram ram(1 << 20);
    FakeVcpus vcpus;
    Lines lines;
    isok::vmm::VmSetup s;
    s.name = "vm";
    s.name_max = 32;
    s.devices = isok::vm::device::virtio_block;
    s.ram = ram.memory();
    s.output = Lines::output;
    s.output_context = &lines;
    s.block_missing = "disk partition: not listed in the Links page";
    isok::vmm::Vm vm(s, vcpus);
    EXPECT_EQ(vm.devices(), 0u);
    EXPECT_NE(lines.all().find("[vm] vmm: virtio-block: disk partition: not listed in the Links page; left out"),
              std::string::npos);
}

TEST(VmmDeviceTreeBlock, ListsTheBlockSlotAndItsInterrupt) {
    isok::vmm::GuestDescription g;
    g.ram_base = base;
    g.ram_size = 64 << 20;
    g.devices = isok::vm::device::virtio_block | isok::vm::device::virtio_net | isok::vm::device::virtio_console;
    g.timebase_hz = 10000000;
    g.host_isa = "rv64imafdch";
    g.host_isa_max = 12;
    std::vector<u8> blob(16384);
    auto size = isok::vmm::write_device_tree(g, blob.data(), blob.size());
    ASSERT_TRUE(size.ok());
    std::string text(reinterpret_cast<char*>(blob.data()), *size);
    EXPECT_NE(text.find("virtio_mmio@10001000"), std::string::npos);
    EXPECT_NE(text.find("virtio_mmio@10002000"), std::string::npos);
    EXPECT_NE(text.find("virtio_mmio@10003000"), std::string::npos);
}

TEST(VmmBootBlock, GuestDevicesNeedTheirBackends) {
    isok::vm::Config c{};
    c.devices = isok::vm::device::uart | isok::vm::device::virtio_net | isok::vm::device::virtio_block;
    EXPECT_EQ(isok::vmm::guest_devices(c), isok::vm::device::uart);
    EXPECT_EQ(isok::vmm::guest_devices(c, isok::vm::device::virtio_block),
              isok::vm::device::uart | isok::vm::device::virtio_block);
    EXPECT_EQ(isok::vmm::guest_devices(c, isok::vmm::layout::backed_devices), c.devices);
    c.devices = isok::vm::device::uart;
    EXPECT_EQ(isok::vmm::guest_devices(c, isok::vmm::layout::backed_devices), isok::vm::device::uart);
}

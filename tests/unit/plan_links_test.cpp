// System plan, the tables of networks and disks: an exact round trip, the byte layout of
// docs/plan-format.md, and hostile port, partition and disk records the reader must refuse.
#include "plan_test_util.hpp"

#include <gtest/gtest.h>
#include <isok/links.hpp>
#include <isok/plan.hpp>
#include <isok/plan_writer.hpp>
#include <isok/string.hpp>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace plan_test;
using plan::Error;

// The sample: processes switch, a, b, blockd, vm1.vmm (the VMM of VM vm1). Network "lan"
// (index 0) joins a and vm1 through switch, "dmz" (index 1) holds b. Disk "disk0" (served by
// blockd) has "data" for a and "vm1-data" for vm1; disk "disk1" (served by b) has "log" for
// a. Literal offsets of docs/plan-format.md.
constexpr size_t P = 5, V = 1, NP = 3, NQ = 3, ND = 2;
constexpr size_t vm_at(size_t i) { return 88 + 416 * P + 440 * i; } // no endpoints, no grants
constexpr size_t port_at(size_t i) { return vm_at(V) + 56 * i; }
constexpr size_t partition_at(size_t i) { return port_at(NP) + 64 * i; }
constexpr size_t disk_at(size_t i) { return partition_at(NQ) + 40 * i; }
constexpr size_t sample_size = disk_at(ND);
constexpr u32 sw = 0, a = 1, b = 2, blockd = 3, vmm = 4;

plan::ProcessSpec process(std::string name, u32 cap_slots = 64) {
    return {.name = name,
            .image = name,
            .budget = 1024 * 1024,
            .stack = 16384,
            .priority = 100,
            .time_slice = 10,
            .cap_slots = cap_slots};
}

std::array<u8, 6> mac(u8 last) { return {0x02, 0, 0, 0, 0, last}; }

plan::Writer sample_writer() {
    plan::Writer w("links");
    for (const char* name : {"switch", "a", "b", "blockd", "vm1.vmm"}) w.add(process(name));
    w.add(plan::VmSpec{.name = "vm1",
                       .kernel = "vm1.kernel",
                       .initrd = "",
                       .memory = 16 << 20,
                       .budget = 17 << 20,
                       .vcpus = 1,
                       .priority = 100,
                       .time_slice = 10,
                       .devices = u32(isok::vm::device::virtio_net | isok::vm::device::virtio_block),
                       .vmm = vmm,
                       .bootargs = ""});
    w.add(plan::PortSpec{"lan", 0, sw, a, mac(1)});
    w.add(plan::PortSpec{"lan", 0, sw, vmm, mac(2)});
    w.add(plan::PortSpec{"dmz", 1, sw, b, mac(3)});
    w.add(plan::PartitionSpec{"data", 0, blockd, a, 2048, 2048});
    w.add(plan::PartitionSpec{"vm1-data", 0, blockd, vmm, 4096, 32768});
    w.add(plan::PartitionSpec{"log", 1, b, a, 2048, 8});
    w.add(plan::DiskSpec{"disk0", blockd});
    w.add(plan::DiskSpec{"disk1", b});
    return w;
}

std::vector<u8> sample() { return bytes_of(sample_writer()); }

TEST(PlanLinks, RoundTripGivesBackEveryValue) {
    const auto bytes = sample();
    auto p = open(bytes);
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    ASSERT_EQ(p->port_count(), 3u);
    ASSERT_EQ(p->partition_count(), 3u);
    ASSERT_EQ(p->disk_count(), 2u);
    auto port = *p->port(1);
    EXPECT_STREQ(port.network, "lan");
    EXPECT_EQ(port.network_index, 0u);
    EXPECT_EQ(port.switch_process, sw);
    EXPECT_EQ(port.member, vmm);
    const u8 want[6] = {2, 0, 0, 0, 0, 2};
    EXPECT_EQ(std::memcmp(port.mac, want, 6), 0);
    EXPECT_STREQ(p->port(2)->network, "dmz");
    EXPECT_EQ(p->port(2)->network_index, 1u);
    auto part = *p->partition(1);
    EXPECT_STREQ(part.name, "vm1-data");
    EXPECT_EQ(part.disk, 0u);
    EXPECT_EQ(part.service, blockd);
    EXPECT_EQ(part.member, vmm);
    EXPECT_EQ(part.first_sector, 4096u);
    EXPECT_EQ(part.sectors, 32768u);
    EXPECT_EQ(p->partition(2)->disk, 1u);
    EXPECT_EQ(p->partition(2)->first_sector, 2048u);
    auto disk = *p->disk(1);
    EXPECT_STREQ(disk.name, "disk1");
    EXPECT_EQ(disk.service, b);
    EXPECT_EQ(p->port(3).error(), Error::not_found);
    EXPECT_EQ(p->partition(3).error(), Error::not_found);
    EXPECT_EQ(p->disk(2).error(), Error::not_found);
}

TEST(PlanLinks, RolesCountWhatEachProcessServesAndHolds) {
    const auto bytes = sample();
    auto p = open(bytes);
    ASSERT_TRUE(p.ok());
    auto s = p->link_roles(sw);
    EXPECT_EQ(s.switch_ports, 3u);
    EXPECT_EQ(s.caps(), 1u + 2 * 3); // doorbell, then ring and signal per port
    auto ra = p->link_roles(a);
    EXPECT_EQ(ra.member_ports, 1u);
    EXPECT_EQ(ra.client_partitions, 2u);
    EXPECT_FALSE(ra.service);
    EXPECT_EQ(ra.caps(), 3u + 2 * 2);
    auto rb = p->link_roles(b); // a member of dmz and the service of disk1
    EXPECT_EQ(rb.member_ports, 1u);
    EXPECT_TRUE(rb.service);
    EXPECT_EQ(rb.service_partitions, 1u);
    EXPECT_EQ(rb.caps(), 3u + 3 + 1);
    auto rd = p->link_roles(blockd);
    EXPECT_EQ(rd.service_partitions, 2u);
    EXPECT_EQ(rd.caps(), 3u + 2);
    EXPECT_TRUE(rd.any());
    EXPECT_FALSE(p->link_roles(5).any());
    EXPECT_EQ(isok::plan::links_build::ring_bytes, 33u * 4096);
}

TEST(PlanLinks, LayoutMatchesTheDocument) {
    const auto v = sample();
    ASSERT_EQ(v.size(), sample_size);
    EXPECT_EQ(get32(v, 8), 6u);
    EXPECT_EQ(get64(v, 24), sample_size);
    EXPECT_EQ(get32(v, 64), V);
    EXPECT_EQ(get32(v, 68), NP);
    EXPECT_EQ(get32(v, 72), NQ);
    EXPECT_EQ(get32(v, 76), ND);
    EXPECT_STREQ(str(v, vm_at(0)), "vm1");
    size_t at = port_at(2);
    EXPECT_STREQ(str(v, at), "dmz");
    EXPECT_EQ(get32(v, at + 32), 1u);
    EXPECT_EQ(get32(v, at + 36), sw);
    EXPECT_EQ(get32(v, at + 40), b);
    EXPECT_EQ(get32(v, at + 44), 0u);
    EXPECT_EQ(get64(v, at + 48), 0x030000000002u); // 02:00:00:00:00:03, two zero bytes
    at = partition_at(1);
    EXPECT_STREQ(str(v, at), "vm1-data");
    EXPECT_EQ(get32(v, at + 32), 0u);
    EXPECT_EQ(get32(v, at + 36), blockd);
    EXPECT_EQ(get32(v, at + 40), vmm);
    EXPECT_EQ(get32(v, at + 44), 0u);
    EXPECT_EQ(get64(v, at + 48), 4096u);
    EXPECT_EQ(get64(v, at + 56), 32768u);
    at = disk_at(1);
    EXPECT_STREQ(str(v, at), "disk1");
    EXPECT_EQ(get32(v, at + 32), b);
    EXPECT_EQ(get32(v, at + 36), 0u);
}

// Field patches: (offset, value, width in bytes); several make one hostile plan.
struct Edit {
    size_t offset;
    u64 value;
    int bytes;
};
struct Patch {
    const char* what;
    std::vector<Edit> edits;
    Error expected;
};

void apply(std::vector<u8>& v, const Edit& e) {
    if (e.bytes == 1) v[e.offset] = u8(e.value);
    else if (e.bytes == 4) put32(v, e.offset, u32(e.value));
    else put64(v, e.offset, e.value);
}

TEST(PlanLinks, EveryFieldIsRangeChecked) {
    const size_t p0 = port_at(0), p1 = port_at(1), p2 = port_at(2);
    const size_t q0 = partition_at(0), q1 = partition_at(1), q2 = partition_at(2);
    const size_t d0 = disk_at(0), d1 = disk_at(1);
    const Patch patches[] = {
        {"port reserved", {{p1 + 44, 1, 4}}, Error::reserved_not_zero},
        {"switch past the processes", {{p2 + 36, 5, 4}}, Error::bad_switch},
        {"member past the processes", {{p2 + 40, 5, 4}}, Error::bad_member},
        {"member is its switch", {{p2 + 40, sw, 4}}, Error::bad_member},
        {"a switch is a member elsewhere", {{p2 + 36, a, 4}}, Error::bad_member},
        {"member twice on one network", {{p1 + 40, a, 4}}, Error::bad_member},
        {"first network not 0", {{p0 + 32, 1, 4}, {p1 + 32, 1, 4}, {p2 + 32, 2, 4}}, Error::bad_network},
        {"network index gap", {{p2 + 32, 2, 4}}, Error::bad_network},
        {"network index backwards", {{p1 + 32, 1, 4}, {p2 + 32, 0, 4}}, Error::bad_network},
        {"one network, two switches", {{p1 + 36, blockd, 4}}, Error::bad_network},
        {"one network, two names", {{p1, 'w', 1}}, Error::bad_network},
        {"one name, two networks", {{p2, 'l', 1}, {p2 + 1, 'a', 1}, {p2 + 2, 'n', 1}}, Error::bad_network},
        {"multicast MAC", {{p1 + 48, 0x03, 1}}, Error::bad_mac},
        {"broadcast MAC", {{p1 + 48, 0xffffffffffffu, 8}}, Error::bad_mac},
        {"zero MAC", {{p1 + 48, 0, 8}}, Error::bad_mac},
        {"MAC padding", {{p1 + 54, 1, 1}}, Error::bad_mac},
        {"MAC twice", {{p2 + 53, 1, 1}}, Error::bad_mac},
        {"partition reserved", {{q1 + 44, 1, 4}}, Error::reserved_not_zero},
        {"disk past the disks", {{q2 + 32, 2, 4}}, Error::bad_disk},
        {"disks out of order", {{q0 + 32, 1, 4}, {q0 + 36, b, 4}}, Error::bad_disk},
        {"service not its disk's", {{q1 + 36, b, 4}}, Error::bad_service},
        {"member past the processes", {{q1 + 40, 5, 4}}, Error::bad_member},
        {"member is the service", {{q1 + 40, blockd, 4}}, Error::bad_member},
        {"member serves a disk", {{q1 + 40, b, 4}}, Error::bad_member},
        {"no sectors", {{q2 + 56, 0, 8}}, Error::bad_sectors},
        {"sectors not whole pages", {{q2 + 56, 12, 8}}, Error::bad_sectors},
        {"first below 1 MiB", {{q0 + 48, 0, 8}}, Error::bad_sectors},
        {"gap between partitions", {{q1 + 48, 4104, 8}}, Error::bad_sectors},
        {"overlapping partitions", {{q1 + 48, 2056, 8}}, Error::bad_sectors},
        {"huge partition", {{q1 + 56, u64(1) << 41, 8}}, Error::bad_sectors},
        {"partition past 2^40 sectors", {{q1 + 56, (u64(1) << 40) - 4088, 8}}, Error::bad_sectors},
        {"partition name twice", {{q2, 'd', 1}, {q2 + 1, 'a', 1}, {q2 + 2, 't', 1}, {q2 + 3, 'a', 1}},
         Error::name_duplicate},
        {"disk reserved", {{d1 + 36, 1, 4}}, Error::reserved_not_zero},
        {"disk service past the processes", {{d1 + 32, 5, 4}}, Error::bad_service},
        {"one service, two disks", {{d1 + 32, blockd, 4}, {q2 + 36, blockd, 4}}, Error::bad_service},
        {"disk name twice", {{d1 + 4, '0', 1}}, Error::name_duplicate},
        {"port count past the table", {{68, 4, 4}}, Error::bad_size},
        {"disk count past the table", {{76, 3, 4}}, Error::bad_size},
        {"the service of disk0 is missing", {{d0 + 32, 5, 4}}, Error::bad_service},
    };
    for (const Patch& p : patches) {
        auto v = sample();
        for (const Edit& e : p.edits) apply(v, e);
        auto result = open(v);
        ASSERT_FALSE(result.ok()) << p.what;
        EXPECT_EQ(result.error(), p.expected) << p.what << ": " << plan::describe(result.error());
    }
}

TEST(PlanLinks, NamesAreChecked) {
    auto refusal = [](const std::vector<u8>& v) { return open(v).error(); };
    const size_t names[] = {port_at(2), partition_at(2), disk_at(1)};
    for (size_t at : names) {
        auto v = sample();
        v[at] = 'A';
        EXPECT_EQ(refusal(v), Error::name_bad) << at;
        v = sample(), v[at + 1] = '.'; // no dots: the root appends its own suffixes
        EXPECT_EQ(refusal(v), Error::name_bad) << at;
        v = sample(), std::memset(&v[at], 'x', 25); // longer than 24 leaves no room for ".signal"
        EXPECT_EQ(refusal(v), Error::name_bad) << at;
        v = sample(), std::memset(&v[at], 'x', 24);
        EXPECT_TRUE(open(v).ok()) << at;
        v = sample(), std::memset(&v[at], 'x', 32);
        EXPECT_EQ(refusal(v), Error::name_unterminated) << at;
        v = sample(), v[at + 30] = 'x';
        EXPECT_EQ(refusal(v), Error::name_not_padded) << at;
    }
}

TEST(PlanLinks, TruncationAtEveryLengthIsRefused) {
    const auto v = sample();
    for (size_t n = 0; n < v.size(); ++n) {
        std::vector<u8> cut(v.begin(), v.begin() + long(n));
        auto p = open(cut);
        ASSERT_FALSE(p.ok()) << n;
        EXPECT_EQ(p.error(), Error::truncated) << n;
    }
}

TEST(PlanLinks, WriterRefusesWhatTheReaderWould) {
    plan::Writer name("x");
    name.add(process("s")), name.add(process("m"));
    name.add(plan::PortSpec{std::string(32, 'n'), 0, 0, 1, mac(1)});
    EXPECT_EQ(name.build().error(), Error::name_too_long);

    // One member on 33 networks of one switch: more than a Links page lists.
    plan::Writer wide("x");
    wide.add(process("s", 128)), wide.add(process("m", 128));
    for (u32 i = 0; i < 33; ++i) wide.add(plan::PortSpec{"n" + std::to_string(i), i, 0, 1, mac(u8(i + 1))});
    EXPECT_EQ(wide.build().error(), Error::too_many_links);

    // Seven partitions take 14 slots of a client's 16 after its domain and thread; eight do not fit.
    for (u32 count : {7u, 8u}) {
        plan::Writer w("x");
        w.add(process("svc")), w.add(process("client", 16));
        w.add(plan::DiskSpec{"d", 0});
        for (u32 i = 0; i < count; ++i)
            w.add(plan::PartitionSpec{"p" + std::to_string(i), 0, 0, 1, 2048 + 8 * u64(i), 8});
        if (count == 7) EXPECT_TRUE(w.build().ok());
        else EXPECT_EQ(w.build().error(), Error::too_many_caps);
    }

    plan::Writer layout("x");
    layout.add(process("svc")), layout.add(process("client"));
    layout.add(plan::DiskSpec{"d", 0});
    layout.add(plan::PartitionSpec{"p", 0, 0, 1, 2048, 8});
    layout.add(plan::PartitionSpec{"q", 0, 0, 1, 2048, 8});
    EXPECT_EQ(layout.build().error(), Error::bad_sectors);
}

// What the root relies on after open(): every index in range, every name inside the plan
// and terminated, every process within its Links page and its capability space.
void walk(const plan::Plan& p, const u8* begin, const u8* end) {
    auto inside = [&](const char* s) { expect_inside(s, begin, end); };
    for (u32 i = 0; i < p.port_count(); ++i) {
        auto port = *p.port(i);
        inside(port.network);
        ASSERT_LE(std::strlen(port.network), 24u);
        ASSERT_LT(port.switch_process, p.process_count());
        ASSERT_LT(port.member, p.process_count());
        ASSERT_NE(port.member, port.switch_process);
        ASSERT_EQ(port.mac[0] & 1, 0);
    }
    for (u32 i = 0; i < p.partition_count(); ++i) {
        auto part = *p.partition(i);
        inside(part.name);
        ASSERT_LT(part.disk, p.disk_count());
        ASSERT_EQ(part.service, p.disk(part.disk)->service);
        ASSERT_LT(part.member, p.process_count());
        ASSERT_GE(part.first_sector, 2048u);
        ASSERT_GT(part.sectors, 0u);
        ASSERT_LE(part.first_sector + part.sectors, u64(1) << 40);
    }
    for (u32 i = 0; i < p.disk_count(); ++i) {
        inside(p.disk(i)->name);
        ASSERT_LT(p.disk(i)->service, p.process_count());
    }
    for (u32 i = 0; i < p.process_count(); ++i) {
        auto roles = p.link_roles(i);
        ASSERT_LE(roles.switch_ports, isok::links::max_ports);
        ASSERT_LE(roles.member_ports, isok::links::max_ports);
        ASSERT_LE(roles.service_partitions, isok::links::max_partitions);
        ASSERT_LE(roles.client_partitions, isok::links::max_partitions);
        ASSERT_FALSE(roles.switch_ports && roles.member_ports);
        ASSERT_FALSE(roles.service && roles.client_partitions);
        auto pr = *p.process(i);
        ASSERT_LE(2 + pr.grant_count + roles.caps(), pr.cap_slots);
    }
}

TEST(PlanLinks, RandomByteFlipsNeverBreakThePromises) {
    // Aim most flips at the new tables.
    const int accepted = flip_rounds(sample(), 20261126, 4, port_at(0), sample_size, walk);
    EXPECT_GT(accepted, 0);
    EXPECT_LT(accepted, 20000);
}

} // namespace

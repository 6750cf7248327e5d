// System plan, the hart lists of processes and VMs: an exact round trip, the byte layout of
// docs/plan-format.md, and hostile lists the reader must refuse.
#include "plan_test_util.hpp"

#include <gtest/gtest.h>
#include <isok/plan.hpp>
#include <isok/plan_writer.hpp>
#include <string>
#include <vector>

namespace {

using namespace plan_test;
using plan::Error;

// The sample: processes ping (harts 3, 1), pong (unset), linux.vmm (hart 2); VM linux
// (harts 2, 0, 5, 4 for 3 vCPUs). Literal offsets of docs/plan-format.md.
constexpr size_t P = 3, V = 1;
constexpr size_t process_at(size_t i) { return 88 + 416 * i; }
constexpr size_t vm_at(size_t i) { return 88 + 416 * P + 440 * i; } // no endpoints, no grants
constexpr size_t sample_size = vm_at(V);
constexpr u64 MiB = 1024 * 1024;

plan::ProcessSpec process(std::string name, std::vector<u8> harts) {
    return {.name = name,
            .image = name == "linux.vmm" ? "vmm.elf" : name,
            .budget = 512 * 1024,
            .stack = 65536,
            .priority = 100,
            .time_slice = 10,
            .cap_slots = 64,
            .harts = std::move(harts)};
}

plan::VmSpec linux_vm(std::vector<u8> harts) {
    return {.name = "linux",
            .kernel = "linux.kernel",
            .initrd = "",
            .memory = 64 * MiB,
            .budget = 65 * MiB,
            .vcpus = 3,
            .priority = 100,
            .time_slice = 10,
            .vmm = 2,
            .bootargs = "",
            .harts = std::move(harts)};
}

plan::Writer writer(std::vector<u8> ping, std::vector<u8> vm) {
    plan::Writer w("harts");
    w.add(process("ping", std::move(ping))), w.add(process("pong", {})), w.add(process("linux.vmm", {2}));
    w.add(linux_vm(std::move(vm)));
    return w;
}

std::vector<u8> sample() { return bytes_of(writer({3, 1}, {2, 0, 5, 4})); }

std::vector<u8> list_of(const plan::Harts& h) { return std::vector<u8>(h.index, h.index + h.count); }

TEST(PlanHarts, RoundTripGivesBackEveryList) {
    const auto bytes = sample();
    auto p = open(bytes);
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    EXPECT_EQ(list_of(p->process(0)->harts), (std::vector<u8>{3, 1}));
    EXPECT_EQ(p->process(1)->harts.count, 0u) << "unset: the root places it";
    EXPECT_EQ(list_of(p->process(2)->harts), (std::vector<u8>{2}));
    EXPECT_EQ(list_of(p->vm(0)->harts), (std::vector<u8>{2, 0, 5, 4}));
    auto all = open(bytes_of(writer({7, 6, 5, 4, 3, 2, 1, 0}, {0})));
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(list_of(all->process(0)->harts), (std::vector<u8>{7, 6, 5, 4, 3, 2, 1, 0}));
    EXPECT_EQ(list_of(all->vm(0)->harts), (std::vector<u8>{0}));
}

TEST(PlanHarts, LayoutMatchesTheDocument) {
    const auto v = sample();
    ASSERT_EQ(v.size(), sample_size);
    EXPECT_EQ(get32(v, 8), 6u);
    const size_t ping = process_at(0), pong = process_at(1), vm = vm_at(0);
    EXPECT_EQ(get32(v, ping + 392), 2u);
    EXPECT_EQ(get32(v, ping + 396), 0u);
    EXPECT_EQ(v[ping + 400], 3u);
    EXPECT_EQ(v[ping + 401], 1u);
    for (size_t i = 402; i < 408; ++i) EXPECT_EQ(v[ping + i], 0u) << i;
    EXPECT_EQ(get32(v, pong + 392), 0u);
    EXPECT_EQ(get64(v, pong + 400), 0u);
    EXPECT_STREQ(str(v, process_at(2)), "linux.vmm"); // the next record starts 416 bytes on
    EXPECT_EQ(get32(v, vm + 424), 4u);
    EXPECT_EQ(get32(v, vm + 428), 0u);
    EXPECT_EQ(get32(v, vm + 432), 2u | 0u << 8 | 5u << 16 | 4u << 24);
    EXPECT_EQ(get32(v, vm + 436), 0u);
}

struct Patch {
    const char* what;
    size_t offset;
    u64 value;
    int bytes;
    Error expected;
};

TEST(PlanHarts, HostileListsAreRefused) {
    const size_t ping = process_at(0), pong = process_at(1), vm = vm_at(0);
    const Patch patches[] = {
        {"process: 9 harts", ping + 392, 9, 4, Error::bad_harts},
        {"process: count ~0", ping + 392, ~0u, 4, Error::bad_harts},
        {"process: hart 8", ping + 401, 8, 1, Error::bad_harts},
        {"process: hart 255", ping + 400, 255, 1, Error::bad_harts},
        {"process: a hart twice", ping + 401, 3, 1, Error::bad_harts},
        {"process: a hart past the count", ping + 402, 4, 1, Error::bad_harts},
        {"process: the last byte past the count", ping + 407, 1, 1, Error::bad_harts},
        {"process: an unset list with a hart", pong + 400, 1, 1, Error::bad_harts},
        {"process: reserved", ping + 396, 1, 4, Error::reserved_not_zero},
        {"vm: 9 harts", vm + 424, 9, 4, Error::bad_harts},
        {"vm: count 2^32 - 1", vm + 424, ~0u, 4, Error::bad_harts},
        {"vm: hart 8", vm + 435, 8, 1, Error::bad_harts},
        {"vm: a hart twice", vm + 433, 2, 1, Error::bad_harts},
        {"vm: a hart past the count", vm + 436, 1, 1, Error::bad_harts},
        {"vm: reserved", vm + 428, 1, 4, Error::reserved_not_zero},
    };
    for (const Patch& p : patches) {
        auto v = sample();
        if (p.bytes == 1) v[p.offset] = u8(p.value);
        else put32(v, p.offset, u32(p.value));
        auto result = open(v);
        ASSERT_FALSE(result.ok()) << p.what;
        EXPECT_EQ(result.error(), p.expected) << p.what << ": " << plan::describe(result.error());
    }
    // Growing a list over bytes that hold distinct harts is fine: 3, 1 -> 3, 1, 6.
    auto v = sample();
    put32(v, ping + 392, 3), v[ping + 402] = 6;
    ASSERT_TRUE(open(v).ok());
    EXPECT_EQ(list_of(open(v)->process(0)->harts), (std::vector<u8>{3, 1, 6}));
}

TEST(PlanHarts, WriterRefusesWhatTheReaderWould) {
    EXPECT_EQ(writer({0, 1, 2, 3, 4, 5, 6, 7, 0}, {}).build().error(), Error::bad_harts);
    EXPECT_EQ(writer({}, {0, 1, 2, 3, 4, 5, 6, 7, 1}).build().error(), Error::bad_harts);
    EXPECT_EQ(writer({8}, {}).build().error(), Error::bad_harts);
    EXPECT_EQ(writer({}, {1, 1}).build().error(), Error::bad_harts);
    EXPECT_TRUE(writer({}, {}).build().ok());
}

// Whatever list an accepted plan hands out is one the root can use without checking.
void expect_usable(const plan::Harts& h) {
    ASSERT_LE(h.count, plan::layout::max_harts);
    for (u32 i = 0; i < h.count; ++i) {
        ASSERT_LT(h.index[i], plan::layout::max_harts);
        for (u32 j = i + 1; j < h.count; ++j) ASSERT_NE(h.index[i], h.index[j]);
    }
}

TEST(PlanHarts, RandomByteFlipsInTheListsNeverBreakThePromises) {
    auto walk = [](const plan::Plan& p, const u8*, const u8*) {
        for (u32 i = 0; i < p.process_count(); ++i) expect_usable(p.process(i)->harts);
        for (u32 i = 0; i < p.vm_count(); ++i) expect_usable(p.vm(i)->harts);
    };
    // Aimed at ping's list; the VM's is covered by the same code and by the flips elsewhere.
    const int accepted = flip_rounds(sample(), 20261127, 2, process_at(0) + 392, process_at(0) + 408, walk);
    EXPECT_GT(accepted, 0);
    EXPECT_LT(accepted, 20000);
}

} // namespace

// The virtual PLIC against the PLIC specification: priorities, enables, thresholds,
// claim/complete and the level-sensitive gateway, with VSEIP as each context's output.
#include "vmm_fakes.hpp"

#include <gtest/gtest.h>
#include <vmm/vplic.hpp>

using isok::u32;
using isok::u64;
using isok::vmm::VPlic;
using vmm_test::FakeVcpus;
namespace hvip = isok::vmm::hvip;

namespace {

struct VmmVplic : ::testing::Test {
    FakeVcpus vcpus;
    VPlic plic{vcpus, 2};

    u32 rd(u64 offset) {
        u64 v = 0xdead;
        EXPECT_TRUE(plic.read(offset, 4, v)) << std::hex << offset;
        return u32(v);
    }
    void wr(u64 offset, u32 v) { EXPECT_TRUE(plic.write(offset, 4, v)) << std::hex << offset; }

    static u64 priority(u32 source) { return VPlic::priority_base + 4 * source; }
    static u64 enable(u32 context) { return VPlic::enable_base + VPlic::enable_stride * context; }
    static u64 threshold(u32 context) { return VPlic::context_base + VPlic::context_stride * context; }
    static u64 claim(u32 context) { return threshold(context) + 4; }
};

} // namespace

TEST_F(VmmVplic, PrioritiesAreMaskedAndSourceZeroDoesNotExist) {
    wr(priority(5), 3);
    EXPECT_EQ(rd(priority(5)), 3u);
    wr(priority(5), 0xff);
    EXPECT_EQ(rd(priority(5)), VPlic::priority_mask);
    wr(priority(0), 5);
    EXPECT_EQ(rd(priority(0)), 0u);
    wr(priority(40), 5); // beyond the sources: ignored
    EXPECT_EQ(rd(priority(40)), 0u);
}

TEST_F(VmmVplic, EnableBitZeroIsHardwired) {
    wr(enable(0), 0xffffffff);
    EXPECT_EQ(rd(enable(0)), 0xfffffffeu);
    EXPECT_EQ(rd(enable(1)), 0u);  // per context
    wr(enable(0) + 4, 0xffffffff); // sources 32..63 do not exist
    EXPECT_EQ(rd(enable(0) + 4), 0u);
}

TEST_F(VmmVplic, PendingFollowsTheDeviceLine) {
    plic.set_level(3, true);
    EXPECT_EQ(rd(VPlic::pending_base), 1u << 3);
    wr(VPlic::pending_base, 0); // read-only
    EXPECT_EQ(rd(VPlic::pending_base), 1u << 3);
    plic.set_level(3, false); // withdrawn before anyone claimed it
    EXPECT_EQ(rd(VPlic::pending_base), 0u);
    plic.set_level(0, true);  // no source 0
    plic.set_level(32, true); // nor beyond
    EXPECT_EQ(rd(VPlic::pending_base), 0u);
}

TEST_F(VmmVplic, OutputNeedsEnableAndPriorityAboveThreshold) {
    plic.set_level(7, true);
    EXPECT_EQ(vcpus.hvip[0], 0u); // priority 0: never interrupts
    wr(priority(7), 2);
    EXPECT_EQ(vcpus.hvip[0], 0u); // not enabled
    wr(enable(1), 1u << 7);
    EXPECT_EQ(vcpus.hvip[0], 0u);
    EXPECT_EQ(vcpus.hvip[1], hvip::vseip); // context 1 is hart 1
    wr(threshold(1), 2);
    EXPECT_EQ(vcpus.hvip[1], 0u); // priority must exceed the threshold
    EXPECT_EQ(rd(threshold(1)), 2u);
    wr(threshold(1), 1);
    EXPECT_EQ(vcpus.hvip[1], hvip::vseip);
    EXPECT_TRUE(plic.output(1));
}

TEST_F(VmmVplic, OnlyChangesReachTheKernel) {
    wr(priority(1), 1);
    wr(enable(0), 1u << 1);
    u64 before = vcpus.raises + vcpus.lowers;
    plic.set_level(1, true);
    plic.set_level(1, true);
    wr(priority(1), 1);
    EXPECT_EQ(vcpus.raises + vcpus.lowers, before + 1);
}

TEST_F(VmmVplic, ClaimTakesTheHighestPriorityThenTheLowestId) {
    for (u32 s : {4u, 9u, 12u}) {
        wr(priority(s), s == 4 ? 1 : 5);
        plic.set_level(s, true);
    }
    wr(enable(0), 1u << 4 | 1u << 9 | 1u << 12);
    EXPECT_EQ(rd(claim(0)), 9u); // 9 and 12 tie at 5: the lower id wins
    EXPECT_EQ(rd(claim(0)), 12u);
    EXPECT_EQ(rd(claim(0)), 4u);
    EXPECT_EQ(rd(claim(0)), 0u); // nothing left
    EXPECT_EQ(vcpus.hvip[0], 0u);
    EXPECT_EQ(rd(VPlic::pending_base), 0u);
}

TEST_F(VmmVplic, ClaimIgnoresTheThresholdButNotPriorityZero) {
    wr(priority(2), 1);
    wr(enable(0), 1u << 2 | 1u << 3);
    wr(threshold(0), 7);
    plic.set_level(2, true);
    plic.set_level(3, true); // priority 0
    EXPECT_EQ(vcpus.hvip[0], 0u);
    EXPECT_EQ(rd(claim(0)), 2u);
    EXPECT_EQ(rd(claim(0)), 0u);
}

TEST_F(VmmVplic, GatewayHoldsAClaimedSourceUntilComplete) {
    wr(priority(5), 1);
    wr(enable(0), 1u << 5);
    plic.set_level(5, true);
    EXPECT_EQ(rd(claim(0)), 5u);
    EXPECT_EQ(vcpus.hvip[0], 0u);
    plic.set_level(5, false);
    plic.set_level(5, true); // while in service: not forwarded
    EXPECT_EQ(rd(VPlic::pending_base), 0u);
    EXPECT_EQ(vcpus.hvip[0], 0u);
    wr(claim(0), 5); // complete with the line still high: a new request
    EXPECT_EQ(rd(VPlic::pending_base), 1u << 5);
    EXPECT_EQ(vcpus.hvip[0], hvip::vseip);
    EXPECT_EQ(rd(claim(0)), 5u);
    plic.set_level(5, false);
    wr(claim(0), 5); // line low at completion: nothing more
    EXPECT_EQ(rd(VPlic::pending_base), 0u);
    EXPECT_EQ(vcpus.hvip[0], 0u);
}

TEST_F(VmmVplic, CompletionForASourceNotEnabledIsIgnored) {
    wr(priority(6), 1);
    wr(enable(0), 1u << 6);
    plic.set_level(6, true);
    EXPECT_EQ(rd(claim(0)), 6u);
    wr(claim(1), 6);                        // context 1 does not have 6 enabled
    EXPECT_EQ(rd(VPlic::pending_base), 0u); // still in service
    wr(claim(0), 31);                       // a source that was never claimed
    wr(claim(0), 99);                       // no such source
    wr(claim(0), 6);
    EXPECT_EQ(rd(VPlic::pending_base), 1u << 6);
}

TEST_F(VmmVplic, ContextsWithoutAHartReadZero) {
    wr(enable(5), 0xff);
    EXPECT_EQ(rd(enable(5)), 0u);
    wr(threshold(5), 3);
    EXPECT_EQ(rd(threshold(5)), 0u);
    EXPECT_EQ(rd(claim(5)), 0u);
    EXPECT_FALSE(plic.output(5));
}

TEST_F(VmmVplic, OnlyAlignedWordAccesses) {
    u64 v;
    EXPECT_FALSE(plic.read(priority(1), 1, v));
    EXPECT_FALSE(plic.read(priority(1) + 2, 4, v));
    EXPECT_FALSE(plic.write(enable(0), 8, ~u64{0}));
    EXPECT_EQ(rd(enable(0)), 0u);
}

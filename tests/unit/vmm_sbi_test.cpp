// SBI calls a guest makes, answered by the VMM's extension table (SBI v2.0 spec).
#include "vmm_fakes.hpp"

#include <gtest/gtest.h>
#include <vmm/sbi.hpp>

#include <cstring>
#include <string>

using isok::i64;
using isok::u32;
using isok::u64;
using isok::vmm::HartState;
using isok::vmm::SbiCall;
using isok::vmm::SbiEnv;
using isok::vmm::SbiFlow;
using isok::vmm::SbiResult;
using vmm_test::FakeVcpus;
using vmm_test::Lines;
using vmm_test::Ram;
namespace sbi = isok::vmm::sbi;
namespace hvip = isok::vmm::hvip;

namespace {

constexpr u64 base = isok::vm::guest_ram_base;

struct VmmSbi : ::testing::Test {
    Ram ram{1 << 20};
    isok::vmm::GuestMemory memory = ram.memory();
    FakeVcpus vcpus;
    Lines lines;
    isok::vmm::GuestConsole console{"vm", 32, Lines::output, &lines};
    isok::vmm::Harts harts;
    isok::vmm::ConsoleInput input;

    void SetUp() override {
        harts.count = 4;
        harts.hart[0].state = HartState::started;
    }

    SbiResult call(u64 extension, u64 function, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u32 caller = 0) {
        SbiEnv env{caller, harts, memory, console, vcpus, input};
        SbiCall c{extension, function, {a0, a1, a2, 0, 0, 0}};
        return isok::vmm::sbi_dispatch(env, c);
    }
    i64 error(u64 extension, u64 function, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0) {
        return call(extension, function, a0, a1, a2).error;
    }
};

} // namespace

TEST_F(VmmSbi, BaseDescribesTheImplementation) {
    SbiResult r = call(sbi::ext_base, 0);
    EXPECT_EQ(r.error, sbi::success);
    EXPECT_EQ(r.value, 0x01000000u); // spec 1.0
    EXPECT_EQ(r.flow, SbiFlow::resume);
    EXPECT_EQ(call(sbi::ext_base, 1).value, sbi::impl_id);
    EXPECT_EQ(call(sbi::ext_base, 2).value, sbi::impl_version);
    for (u64 f : {4u, 5u, 6u}) EXPECT_EQ(call(sbi::ext_base, f).error, sbi::success);
    EXPECT_EQ(error(sbi::ext_base, 7), sbi::err_not_supported);
}

TEST_F(VmmSbi, ProbeSaysWhatTheTableHas) {
    for (u64 e : {sbi::ext_base, sbi::ext_time, sbi::ext_ipi, sbi::ext_rfence, sbi::ext_hsm, sbi::ext_srst,
                  sbi::ext_dbcn, sbi::ext_legacy_putchar, sbi::ext_legacy_getchar, sbi::ext_legacy_set_timer})
        EXPECT_EQ(call(sbi::ext_base, 3, e).value, 1u) << std::hex << e;
    for (u64 e : {u64(0x08A5A5A5), u64(0x504D55), u64(0x03), u64(0x4E41434C), ~u64{0}})
        EXPECT_EQ(call(sbi::ext_base, 3, e).value, 0u) << std::hex << e;
}

TEST_F(VmmSbi, UnknownExtensionIsNotSupported) {
    EXPECT_EQ(error(0x08A5A5A5, 0), -2);
    EXPECT_EQ(error(0x504D55, 0), -2); // PMU: not offered
    EXPECT_EQ(error(0x03, 0), -2);     // legacy clear_ipi: not offered
}

TEST_F(VmmSbi, HsmStatusAndStart) {
    EXPECT_EQ(call(sbi::ext_hsm, 2, 0).value, u64(HartState::started));
    EXPECT_EQ(call(sbi::ext_hsm, 2, 1).value, u64(HartState::stopped));
    EXPECT_EQ(error(sbi::ext_hsm, 2, 4), sbi::err_invalid_param);
    EXPECT_EQ(error(sbi::ext_hsm, 2, ~u64{0}), sbi::err_invalid_param);

    SbiResult r = call(sbi::ext_hsm, 0, 2, base + 0x1000, 0xfeed);
    EXPECT_EQ(r.error, sbi::success);
    ASSERT_EQ(vcpus.starts.size(), 1u);
    EXPECT_EQ(vcpus.starts[0].vcpu, 2u);
    EXPECT_EQ(vcpus.starts[0].pc, base + 0x1000);
    EXPECT_EQ(vcpus.starts[0].a0, 2u);      // hart id
    EXPECT_EQ(vcpus.starts[0].a1, 0xfeedu); // opaque
    EXPECT_EQ(call(sbi::ext_hsm, 2, 2).value, u64(HartState::started));
    EXPECT_EQ(error(sbi::ext_hsm, 0, 2, base), sbi::err_already_available);
    EXPECT_EQ(error(sbi::ext_hsm, 0, 0, base), sbi::err_already_available);
}

TEST_F(VmmSbi, HsmStartRefusals) {
    EXPECT_EQ(error(sbi::ext_hsm, 0, 4, base), sbi::err_invalid_param);
    EXPECT_EQ(error(sbi::ext_hsm, 0, 1, 0x1000), sbi::err_invalid_address);
    EXPECT_EQ(error(sbi::ext_hsm, 0, 1, base + ram.size()), sbi::err_invalid_address);
    EXPECT_TRUE(vcpus.starts.empty());
    vcpus.start_fails = true;
    EXPECT_EQ(error(sbi::ext_hsm, 0, 1, base), sbi::err_failed);
    EXPECT_EQ(call(sbi::ext_hsm, 2, 1).value, u64(HartState::stopped));
    EXPECT_EQ(error(sbi::ext_hsm, 3), sbi::err_not_supported); // suspend
}

TEST_F(VmmSbi, HsmStopStopsTheCaller) {
    ASSERT_EQ(error(sbi::ext_hsm, 0, 1, base), sbi::success);
    SbiResult r = call(sbi::ext_hsm, 1, 0, 0, 0, 1);
    EXPECT_EQ(r.flow, SbiFlow::stop_hart);
    ASSERT_EQ(vcpus.stops.size(), 1u);
    EXPECT_EQ(vcpus.stops[0], 1u);
    EXPECT_EQ(call(sbi::ext_hsm, 2, 1).value, u64(HartState::stopped));
    EXPECT_EQ(error(sbi::ext_hsm, 0, 1, base), sbi::success); // and it can start again
}

TEST_F(VmmSbi, DbcnWrite) {
    std::memcpy(ram.host(base + 0x100), "from dbcn\n", 10);
    SbiResult r = call(sbi::ext_dbcn, 0, 10, base + 0x100, 0);
    EXPECT_EQ(r.error, sbi::success);
    EXPECT_EQ(r.value, 10u);
    EXPECT_EQ(lines.all(), "[vm] from dbcn\n");
    EXPECT_EQ(call(sbi::ext_dbcn, 2, 'x' | 0x100).error, sbi::success);
    EXPECT_EQ(call(sbi::ext_dbcn, 2, '\n').error, sbi::success);
    EXPECT_EQ(lines.lines.back(), "[vm] x\n");
}

TEST_F(VmmSbi, DbcnWriteOutsideRamIsAnInvalidParameter) {
    EXPECT_EQ(error(sbi::ext_dbcn, 0, 16, 0x1000, 0), -3);
    EXPECT_EQ(error(sbi::ext_dbcn, 0, 16, base + ram.size() - 8, 0), -3);
    EXPECT_EQ(error(sbi::ext_dbcn, 0, ~u64{0}, base, 0), -3);
    EXPECT_EQ(error(sbi::ext_dbcn, 0, 16, ~u64{0} - 4, 0), -3);
    EXPECT_EQ(error(sbi::ext_dbcn, 0, 16, base, 1), -3); // above 2^64
    EXPECT_EQ(error(sbi::ext_dbcn, 1, 16, 0x1000, 0), -3);
    EXPECT_TRUE(lines.lines.empty());
    EXPECT_EQ(error(sbi::ext_dbcn, 3), sbi::err_not_supported);
}

TEST_F(VmmSbi, DbcnLongWritesAreCut) {
    std::memset(ram.host(base), 'a', 10000);
    SbiResult r = call(sbi::ext_dbcn, 0, 10000, base, 0);
    EXPECT_EQ(r.error, sbi::success);
    EXPECT_EQ(r.value, 4096u); // the guest writes the rest in its next call
}

TEST_F(VmmSbi, DbcnReadWithoutInputReadsNothing) {
    SbiResult r = call(sbi::ext_dbcn, 1, 16, base, 0);
    EXPECT_EQ(r.error, sbi::success);
    EXPECT_EQ(r.value, 0u);
}

TEST_F(VmmSbi, DbcnReadCopiesTypedBytesIntoGuestRam) {
    const std::string typed = "hello world";
    input.push(reinterpret_cast<const isok::u8*>(typed.data()), typed.size());
    std::memset(ram.host(base + 0x100), '.', 16);
    SbiResult r = call(sbi::ext_dbcn, 1, 4, base + 0x100, 0);
    EXPECT_EQ(r.error, sbi::success);
    EXPECT_EQ(r.value, 4u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(ram.host(base + 0x100)), 5), "hell.");
    r = call(sbi::ext_dbcn, 1, 100, base + 0x200, 0);
    EXPECT_EQ(r.value, 7u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(ram.host(base + 0x200)), 7), "o world");
    EXPECT_EQ(call(sbi::ext_dbcn, 1, 100, base + 0x200, 0).value, 0u);
    EXPECT_TRUE(ram.guards_intact());
}

TEST_F(VmmSbi, DbcnReadIntoABufferOutsideRamTakesNothing) {
    input.push(reinterpret_cast<const isok::u8*>("xy"), 2);
    EXPECT_EQ(error(sbi::ext_dbcn, 1, 16, 0x1000, 0), sbi::err_invalid_param);
    EXPECT_EQ(error(sbi::ext_dbcn, 1, 16, base + ram.size() - 8, 0), sbi::err_invalid_param);
    EXPECT_EQ(error(sbi::ext_dbcn, 1, 16, base, 1), sbi::err_invalid_param);
    EXPECT_EQ(input.size(), 2u);
    EXPECT_TRUE(ram.guards_intact());
}

TEST_F(VmmSbi, LegacyConsole) {
    SbiResult r = call(sbi::ext_legacy_putchar, 0, 'k');
    EXPECT_EQ(r.flow, SbiFlow::legacy);
    EXPECT_EQ(r.value, 0u);
    call(sbi::ext_legacy_putchar, 0, '\n');
    EXPECT_EQ(lines.all(), "[vm] k\n");
    r = call(sbi::ext_legacy_getchar, 0);
    EXPECT_EQ(r.flow, SbiFlow::legacy);
    EXPECT_EQ(i64(r.value), -1);
}

TEST_F(VmmSbi, LegacyGetcharReturnsTypedBytesThenMinusOne) {
    const isok::u8 typed[] = {'a', 0xff, '\n'};
    input.push(typed, sizeof typed);
    for (isok::u8 b : typed) {
        SbiResult r = call(sbi::ext_legacy_getchar, 0);
        EXPECT_EQ(r.flow, SbiFlow::legacy);
        EXPECT_EQ(r.value, u64(b)); // 0xff is a byte, not -1
    }
    EXPECT_EQ(i64(call(sbi::ext_legacy_getchar, 0).value), -1);
}

TEST_F(VmmSbi, SystemReset) {
    SbiResult r = call(sbi::ext_srst, 0, 0, 0);
    EXPECT_EQ(r.flow, SbiFlow::power_off);
    EXPECT_EQ(r.value, sbi::reset_shutdown);
    EXPECT_EQ(call(sbi::ext_srst, 0, 1, 1).flow, SbiFlow::power_off); // cold reboot, failure
    EXPECT_EQ(call(sbi::ext_srst, 0, 2, 0xe0000001).flow, SbiFlow::power_off);
    EXPECT_EQ(error(sbi::ext_srst, 0, 3, 0), sbi::err_invalid_param);          // reserved type
    EXPECT_EQ(error(sbi::ext_srst, 0, 0xf0000000, 0), sbi::err_not_supported); // vendor type
    EXPECT_EQ(error(sbi::ext_srst, 0, 0, 2), sbi::err_invalid_param);          // reserved reason
    EXPECT_EQ(error(sbi::ext_srst, 0, u64(1) << 32, 0), sbi::err_invalid_param);
    EXPECT_EQ(error(sbi::ext_srst, 1), sbi::err_not_supported);
    EXPECT_EQ(call(sbi::ext_legacy_shutdown, 0).flow, SbiFlow::power_off);
}

TEST_F(VmmSbi, IpiRaisesSupervisorSoftwareInterrupts) {
    for (isok::vmm::Hart& h : harts.hart) h.state = HartState::started;
    EXPECT_EQ(error(sbi::ext_ipi, 0, 0b101, 0), sbi::success);
    EXPECT_EQ(vcpus.hvip[0], hvip::vssip);
    EXPECT_EQ(vcpus.hvip[1], 0u);
    EXPECT_EQ(vcpus.hvip[2], hvip::vssip);
    EXPECT_EQ(error(sbi::ext_ipi, 0, 0b1, 3), sbi::success); // mask base 3
    EXPECT_EQ(vcpus.hvip[3], hvip::vssip);
    vcpus = FakeVcpus();
    EXPECT_EQ(error(sbi::ext_ipi, 0, 0, ~u64{0}), sbi::success); // every hart
    for (u32 h = 0; h < 4; ++h) EXPECT_EQ(vcpus.hvip[h], hvip::vssip);
    vcpus = FakeVcpus();
    EXPECT_EQ(error(sbi::ext_ipi, 0, 0b10001, 0), sbi::err_invalid_param);      // hart 4 does not exist
    EXPECT_EQ(error(sbi::ext_ipi, 0, 1, ~u64{0} - 1), sbi::err_invalid_param);  // hart 2^64 - 2
    EXPECT_EQ(error(sbi::ext_ipi, 0, u64(1) << 63, 2), sbi::err_invalid_param); // base + bit wraps
    for (u32 h = 0; h < 4; ++h) EXPECT_EQ(vcpus.hvip[h], 0u);                   // refused calls raise nothing
    EXPECT_EQ(error(sbi::ext_ipi, 1), sbi::err_not_supported);
}

TEST_F(VmmSbi, IpiSkipsStoppedHarts) {
    EXPECT_EQ(error(sbi::ext_ipi, 0, 0b11, 0), sbi::success); // hart 1 has not been started
    EXPECT_EQ(vcpus.hvip[0], hvip::vssip);
    EXPECT_EQ(vcpus.hvip[1], 0u);
}

TEST_F(VmmSbi, RemoteFences) {
    for (u64 f : {0u, 1u, 2u}) EXPECT_EQ(error(sbi::ext_rfence, f, 0b11, 0), sbi::success);
    // Only hart 0 runs: every fence reached it, none the stopped hart 1.
    EXPECT_EQ(vcpus.fences, (std::vector<u32>{0, 0, 0}));
    vcpus.fences.clear();
    EXPECT_EQ(error(sbi::ext_rfence, 1, 1, 7), sbi::err_invalid_param);
    for (u64 f : {3u, 4u, 5u, 6u, 7u}) EXPECT_EQ(error(sbi::ext_rfence, f, 1, 0), sbi::err_not_supported);
    EXPECT_TRUE(vcpus.fences.empty()) << "a refused fence reached a vCPU";
}

TEST_F(VmmSbi, RemoteFencesReachEveryStartedHartNamed) {
    for (isok::vmm::Hart& h : harts.hart) h.state = HartState::started;
    EXPECT_EQ(error(sbi::ext_rfence, 1, 0b1010, 0), sbi::success);
    EXPECT_EQ(vcpus.fences, (std::vector<u32>{1, 3}));
    vcpus.fences.clear();
    EXPECT_EQ(error(sbi::ext_rfence, 2, 0b1, 2), sbi::success); // base 2: hart 2
    EXPECT_EQ(vcpus.fences, (std::vector<u32>{2}));
}

TEST_F(VmmSbi, TimerFallback) {
    EXPECT_EQ(error(sbi::ext_time, 0, 5000), sbi::success);
    EXPECT_EQ(harts.hart[0].timer_deadline, 5000u);
    EXPECT_EQ(vcpus.hvip[0], 0u); // in the future: pending cleared
    EXPECT_EQ(vcpus.lowers, 1u);
    EXPECT_EQ(error(sbi::ext_time, 0, 10), sbi::success);
    EXPECT_EQ(vcpus.hvip[0], hvip::vstip); // already passed
    SbiResult r = call(sbi::ext_legacy_set_timer, 0, ~u64{0});
    EXPECT_EQ(r.flow, SbiFlow::legacy);
    EXPECT_EQ(vcpus.hvip[0], 0u);
    EXPECT_EQ(error(sbi::ext_time, 1), sbi::err_not_supported);
}

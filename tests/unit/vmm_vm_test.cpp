// The VMM's answer to each VM exit, as main.cpp sends it back to the kernel: emulated
// (with the load value or the SBI results), no reply (hart stopped), or kill (VM ended).
#include "vmm_fakes.hpp"

#include <gtest/gtest.h>
#include <vmm/layout.hpp>
#include <vmm/sbi.hpp>
#include <vmm/vm.hpp>

#include <cstring>

using isok::u32;
using isok::u64;
using isok::abi::ExceptionReply;
using isok::vmm::Exit;
using isok::vmm::ExitReply;
using isok::vmm::HartState;
using isok::vmm::Vm;
using vmm_test::FakeVcpus;
using vmm_test::Lines;
using vmm_test::Ram;
namespace exitw = isok::abi::exception_message;
namespace layout = isok::vmm::layout;
namespace sbi = isok::vmm::sbi;
namespace device = isok::vm::device;

namespace {

constexpr u64 base = isok::vm::guest_ram_base;

struct VmmVm : ::testing::Test {
    Ram ram{1 << 20};
    FakeVcpus vcpus;
    Lines lines;
    Vm vm{setup(device::uart | device::virtio_console), vcpus};

    isok::vmm::VmSetup setup(u64 devices) {
        isok::vmm::VmSetup s;
        s.name = "linux";
        s.name_max = 32;
        s.vcpus = 2;
        s.devices = devices;
        s.ram = ram.memory();
        s.output = Lines::output;
        s.output_context = &lines;
        return s;
    }

    static Exit sbi_call(u64 extension, u64 function, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0) {
        Exit e;
        e.word[exitw::cause] = exitw::cause_sbi_call;
        e.word[exitw::pc] = base + 0x200000;
        e.word[exitw::a0 + 0] = a0;
        e.word[exitw::a0 + 1] = a1;
        e.word[exitw::a0 + 2] = a2;
        e.word[exitw::a0 + 6] = function;
        e.word[exitw::a0 + 7] = extension;
        return e;
    }
    static Exit mmio(bool store, u64 address, u32 width, u64 value = 0) {
        Exit e;
        e.word[exitw::cause] = store ? exitw::cause_store_guest_fault : exitw::cause_load_guest_fault;
        e.word[exitw::pc] = base + 0x200010;
        e.word[exitw::address] = address;
        e.word[exitw::access] = exitw::make_access(width, store, false, 10, 4);
        e.word[exitw::value] = value;
        return e;
    }
    ExitReply store(u64 address, u32 width, u64 value, u32 vcpu = 0) {
        return vm.handle_exit(vcpu, mmio(true, address, width, value));
    }
    ExitReply load(u64 address, u32 width, u32 vcpu = 0) { return vm.handle_exit(vcpu, mmio(false, address, width)); }

    void expect_emulated(const ExitReply& r) {
        EXPECT_TRUE(r.send);
        EXPECT_EQ(r.action, ExceptionReply::emulated);
    }
    // The guest gets exception `cause` with the trap's own stval (an access's address as
    // the guest used it) or with `tval`, and the VM runs on.
    void expect_injected(const ExitReply& r, u64 cause, bool trap_tval, u64 tval = 0) {
        EXPECT_TRUE(r.send);
        EXPECT_EQ(r.action, ExceptionReply::inject);
        EXPECT_EQ(r.pc, cause);
        EXPECT_EQ(r.value1, trap_tval ? isok::abi::inject_trap_tval : 0u);
        if (!trap_tval) {
            EXPECT_EQ(r.value0, tval);
        }
        EXPECT_FALSE(vm.halted());
    }
    void expect_killed(const ExitReply& r) {
        EXPECT_TRUE(r.send);
        EXPECT_EQ(r.action, ExceptionReply::kill);
        EXPECT_TRUE(vm.halted());
    }
};

} // namespace

TEST_F(VmmVm, BootStartsHartZeroWithTheDeviceTree) {
    isok::vmm::BootPlan plan;
    plan.entry = base + 0x200000;
    plan.dtb = base + 0xf0000;
    ASSERT_TRUE(vm.boot(plan));
    ASSERT_EQ(vcpus.starts.size(), 1u);
    EXPECT_EQ(vcpus.starts[0].vcpu, 0u);
    EXPECT_EQ(vcpus.starts[0].pc, plan.entry);
    EXPECT_EQ(vcpus.starts[0].a0, 0u);
    EXPECT_EQ(vcpus.starts[0].a1, plan.dtb);
    EXPECT_EQ(vm.harts().hart[0].state, HartState::started);
    EXPECT_EQ(vm.harts().hart[1].state, HartState::stopped);
}

TEST_F(VmmVm, SbiCallRepliesWithErrorAndValue) {
    ExitReply r = vm.handle_exit(0, sbi_call(sbi::ext_base, 0));
    expect_emulated(r);
    EXPECT_EQ(r.value0, 0u);          // a0: SBI_SUCCESS
    EXPECT_EQ(r.value1, 0x01000000u); // a1: spec version 1.0
    r = vm.handle_exit(0, sbi_call(0x08A5A5A5, 0));
    expect_emulated(r);
    EXPECT_EQ(isok::i64(r.value0), -2);
}

TEST_F(VmmVm, LegacyCallsKeepA1) {
    ExitReply r = vm.handle_exit(1, sbi_call(sbi::ext_legacy_putchar, 0, '!', 0x1234));
    expect_emulated(r);
    EXPECT_EQ(r.value0, 0u);
    EXPECT_EQ(r.value1, 0x1234u);
    vm.handle_exit(1, sbi_call(sbi::ext_legacy_putchar, 0, '\n'));
    EXPECT_EQ(lines.all(), "[linux] !\n");
}

TEST_F(VmmVm, HartStopIsNotAnswered) {
    vm.harts().hart[1].state = HartState::started;
    ExitReply r = vm.handle_exit(1, sbi_call(sbi::ext_hsm, 1));
    EXPECT_FALSE(r.send);
    ASSERT_EQ(vcpus.stops.size(), 1u);
    EXPECT_EQ(vcpus.stops[0], 1u);
    EXPECT_FALSE(vm.halted());
}

TEST_F(VmmVm, PowerOffEndsTheVmOnly) {
    vm.harts().hart[0].state = HartState::started;
    vm.harts().hart[1].state = HartState::started;
    ExitReply r = vm.handle_exit(0, sbi_call(sbi::ext_srst, 0, 0, 0));
    expect_killed(r);
    EXPECT_EQ(lines.lines.back(), "[linux] powered off\n");
    ASSERT_EQ(vcpus.stops.size(), 1u); // the other vCPU; the caller goes by the reply
    EXPECT_EQ(vcpus.stops[0], 1u);
    // Anything still queued gets killed too.
    expect_killed(vm.handle_exit(1, sbi_call(sbi::ext_base, 0)));
}

TEST_F(VmmVm, PowerOffSaysWhenTheGuestFailed) {
    expect_killed(vm.handle_exit(0, sbi_call(sbi::ext_srst, 0, 0, 1)));
    EXPECT_EQ(lines.lines.back(), "[linux] powered off (system failure)\n");
}

TEST_F(VmmVm, LegacyShutdownPowersOff) {
    expect_killed(vm.handle_exit(0, sbi_call(sbi::ext_legacy_shutdown, 0)));
    EXPECT_EQ(lines.lines.back(), "[linux] powered off\n");
}

// A reboot stops every vCPU, the caller too (no reply), and leaves the rebuild to the
// VMM's owner; exits that were on their way are not answered.
TEST_F(VmmVm, ARebootStopsEveryVcpuAndAsksForANewBoot) {
    for (u64 type : {1, 2}) {
        SCOPED_TRACE(type);
        FakeVcpus other_vcpus;
        Lines other_lines;
        isok::vmm::VmSetup s = setup(device::uart);
        s.output_context = &other_lines;
        Vm fresh(s, other_vcpus);
        fresh.harts().hart[0].state = HartState::started;
        fresh.harts().hart[1].state = HartState::started;
        ExitReply r = fresh.handle_exit(1, sbi_call(sbi::ext_srst, 0, type, 0));
        EXPECT_FALSE(r.send);
        EXPECT_TRUE(fresh.reboot_requested());
        EXPECT_FALSE(fresh.halted());
        EXPECT_EQ(other_vcpus.stops, (std::vector<u32>{0, 1}));
        EXPECT_EQ(other_lines.lines.back(), type == 2 ? "[linux] vmm: warm reboot\n" : "[linux] vmm: cold reboot\n");
        for (HartState h : {fresh.harts().hart[0].state, fresh.harts().hart[1].state}) EXPECT_EQ(h, HartState::stopped);
        EXPECT_FALSE(fresh.handle_exit(0, sbi_call(sbi::ext_base, 0)).send);
    }
}

TEST_F(VmmVm, InvalidResetIsAnErrorNotAPowerOff) {
    ExitReply r = vm.handle_exit(0, sbi_call(sbi::ext_srst, 0, 7, 0));
    expect_emulated(r);
    EXPECT_EQ(isok::i64(r.value0), sbi::err_invalid_param);
    EXPECT_FALSE(vm.halted());
}

TEST_F(VmmVm, UartThroughMmioExits) {
    for (char c : std::string("hi\n")) expect_emulated(store(layout::uart_base, 1, u64(c)));
    EXPECT_EQ(lines.all(), "[linux] hi\n");
    ExitReply r = load(layout::uart_base + 5, 1); // LSR
    expect_emulated(r);
    EXPECT_EQ(r.value0, 0x60u);
}

TEST_F(VmmVm, UartInterruptReachesTheVcpuAndIsClaimed) {
    expect_emulated(store(layout::plic_base + 4 * layout::uart_irq, 4, 1));
    expect_emulated(store(layout::plic_base + 0x2000, 4, 1u << layout::uart_irq));
    expect_emulated(store(layout::uart_base + 1, 1, 0x02)); // IER: THR empty
    EXPECT_EQ(vcpus.hvip[0], isok::vmm::hvip::vseip);
    EXPECT_EQ(vcpus.hvip[1], 0u);
    ExitReply claim = load(layout::plic_base + 0x200004, 4);
    EXPECT_EQ(claim.value0, layout::uart_irq);
    EXPECT_EQ(vcpus.hvip[0], 0u);
    EXPECT_EQ(load(layout::uart_base + 2, 1).value0, 0x02u); // IIR: THR empty
    expect_emulated(store(layout::plic_base + 0x200004, 4, layout::uart_irq));
    EXPECT_EQ(vcpus.hvip[0], 0u);
}

TEST_F(VmmVm, VirtioConsoleSlotAnswers) {
    ExitReply r = load(layout::virtio_base, 4);
    expect_emulated(r);
    EXPECT_EQ(r.value0, 0x74726976u);
    EXPECT_EQ(load(layout::virtio_base + 8, 4).value0, 3u);
}

TEST_F(VmmVm, RefusedRegisterAccessReadsZero) {
    ExitReply r = load(layout::virtio_base, 1); // byte read of a word register
    expect_emulated(r);
    EXPECT_EQ(r.value0, 0u);
    expect_emulated(store(layout::plic_base, 2, 5));
    EXPECT_FALSE(vm.halted());
}

TEST_F(VmmVm, VirtioErrorIsReportedOnTheConsole) {
    auto w = [&](u64 reg, u32 v) { expect_emulated(store(layout::virtio_base + reg, 4, v)); };
    w(0x070, 1);
    w(0x070, 3);
    w(0x024, 1);
    w(0x020, 1);
    w(0x070, 11);
    w(0x030, 1);
    w(0x038, 16);
    w(0x080, u32(base + (1 << 20) - 16)); // descriptor table past the end of RAM
    w(0x090, u32(base));
    w(0x0a0, u32(base + 0x1000));
    w(0x044, 1);
    EXPECT_NE(lines.all().find("[linux] vmm: virtio-console: queue layout"), std::string::npos);
    EXPECT_FALSE(vm.halted());
}

// Where no device is, a real machine raises an access fault: so does the VM, and its OS
// handles it. The message shows at the 1st, 2nd, 4th ... fault only.
TEST_F(VmmVm, AnAccessWhereNoDeviceIsIsAnAccessFaultForTheGuest) {
    vm.harts().hart[1].state = HartState::started;
    expect_injected(load(0x20000000, 4, 1), 5, true);
    EXPECT_NE(lines.all().find("[linux] vmm: vcpu1: load from 20000000 (pc 80200010): no device there; load access "
                               "fault to the guest"),
              std::string::npos);
    expect_injected(store(0x20000008, 8, 1, 1), 7, true);
    EXPECT_NE(lines.all().find("vmm: vcpu1: store to 20000008"), std::string::npos);
    for (int i = 0; i < 5; ++i) expect_injected(load(0x30000000 + 8 * i, 4, 1), 5, true);
    EXPECT_NE(lines.all().find("load from 30000008"), std::string::npos); // the 4th fault
    EXPECT_EQ(lines.all().find("load from 30000010"), std::string::npos); // the 5th: quiet
    EXPECT_EQ(vcpus.stops.size(), 0u);
    // The devices still answer after it.
    expect_emulated(load(layout::uart_base + 5, 1));
}

TEST_F(VmmVm, DevicesNotGivenAreNotThere) {
    Ram other_ram(1 << 20);
    FakeVcpus other_vcpus;
    Lines other_lines;
    isok::vmm::VmSetup s = setup(device::virtio_net);
    s.output_context = &other_lines;
    Vm bare(s, other_vcpus);
    EXPECT_EQ(bare.devices(), 0u);
    EXPECT_NE(other_lines.all().find("virtio-net: no switch port for this VM; left out"), std::string::npos);
    Exit e = mmio(true, layout::uart_base, 1, 'x');
    ExitReply r = bare.handle_exit(0, e);
    EXPECT_EQ(r.action, ExceptionReply::inject);
    EXPECT_EQ(r.pc, 7u); // a store access fault
    EXPECT_FALSE(bare.halted());
}

TEST_F(VmmVm, UndecodableAccessEndsTheVm) {
    Exit e = mmio(false, layout::uart_base, 1);
    e.word[exitw::access] = 0;
    expect_killed(vm.handle_exit(0, e));
}

TEST_F(VmmVm, AFetchOutsideRamIsAnInstructionAccessFaultForTheGuest) {
    Exit fetch;
    fetch.word[exitw::cause] = exitw::cause_fetch_guest_fault;
    fetch.word[exitw::address] = layout::uart_base;
    expect_injected(vm.handle_exit(0, fetch), 1, true);
}

// The guest's machine has no H extension: a hypervisor instruction is illegal there,
// with the instruction's bits in stval.
TEST_F(VmmVm, AVirtualInstructionIsAnIllegalInstructionForTheGuest) {
    Exit e;
    e.word[exitw::cause] = exitw::cause_virtual_instruction;
    e.word[exitw::instruction] = 0x60002573; // csrr a0, hstatus
    e.word[exitw::pc] = base + 0x1234;
    expect_injected(vm.handle_exit(0, e), 2, false, 0x60002573);
    EXPECT_NE(lines.all().find("vmm: vcpu0: instruction 60002573 at pc 80001234: illegal instruction to the guest"),
              std::string::npos);
}

TEST_F(VmmVm, UnknownCauseEndsTheVm) {
    Exit e;
    e.word[exitw::cause] = 2;
    expect_killed(vm.handle_exit(0, e));
}

TEST_F(VmmVm, ExitFromAVcpuThatDoesNotExistIsIgnored) {
    ExitReply r = vm.handle_exit(2, sbi_call(sbi::ext_base, 0));
    EXPECT_FALSE(r.send);
    EXPECT_FALSE(vm.halted());
}

// One exception path for threads and vCPUs: a thread's fault is described in the same
// message a VM exit uses (decoded load or store, its registers), and its handler may
// answer "emulated" as a VMM does: the load's register gets the value, the thread goes
// on after the instruction, whatever its length. A kill ends it; a nonsense answer is
// refused and the faulter waits on. A VMM may hand its guest an exception of its own,
// which the vCPU takes as the hart would.
#include "kernel_test.hpp"

#include <arch/guest_exception.hpp>
#include <kernel/exception.hpp>

#include <cstring>

namespace {

using namespace ktest;
namespace abi = isok::abi;
namespace message = abi::exception_message;

constexpr u64 code_page = 0x400000;
constexpr isok::u32 lw_a5_8_a0 = 0x00852783; // lw a5, 8(a0)
constexpr isok::u32 sd_a1_0_a0 = 0x00b53023; // sd a1, 0(a0)
constexpr isok::u16 c_lw_a5_0_a0 = 0x411c;   // c.lw a5, 0(a0)
constexpr isok::u32 csrr_a0_0x7c0 = 0x7c002573; // csrr a0, 0x7c0: neither load nor store

class Exception : public KernelTest {
protected:
    // A thread whose code page holds `bits` at code_page, with a handler that waits
    // on the endpoint, has an IPC buffer, and receives the thread's exceptions.
    void SetUp() override {
        KernelTest::SetUp();
        ep = &endpoint();
        handler = &started(10);
        give_ipc_buffer(*handler);
        run_as(*handler);
        ASSERT_EQ(kernel::ipc_receive(*handler, *ep, false), kernel::blocked);
        faulter = &started(5);
        code = map_page(*root, code_page, arch::pte::read | arch::pte::exec);
    }

    // The faulter traps on the instruction at code_page with cause and address.
    void trap(const void* bits, isok::usize size, u64 cause, u64 address) {
        std::memcpy(code, bits, size);
        kernel::cap_mint(faulter->exception_handler, *ep, rights::write, 7);
        arch::TrapFrame& f = faulter->frame();
        f.sepc = code_page;
        f.scause = cause;
        f.stval = address;
        run_as(*faulter);
        kernel::raise_exception(*faulter);
    }
    void trap32(isok::u32 insn, u64 cause, u64 address) { trap(&insn, sizeof insn, cause, address); }

    // The handler answers with words 0..3.
    void answer(std::initializer_list<u64> words) { ASSERT_EQ(try_answer(words), Error::ok); }
    Error try_answer(std::initializer_list<u64> words) {
        run_as(*handler);
        load(*handler, abi::message_info(0, 4), words);
        return kernel::ipc_reply(*handler);
    }

    u64 buffer_word(u64 i) { return buffer(*handler).words[i]; }

    Endpoint* ep = nullptr;
    Thread* handler = nullptr;
    Thread* faulter = nullptr;
    isok::u8* code = nullptr;
};

TEST_F(Exception, AThreadsLoadFaultArrivesDecodedInTheVmExitLayout) {
    faulter->frame().a(0) = 0x5000;
    faulter->frame().a(7) = 0x77;
    trap32(lw_a5_8_a0, message::cause_load_page_fault, 0x5008);
    EXPECT_EQ(faulter->state, ThreadState::blocked_reply);
    EXPECT_EQ(abi::info_label(info(*handler)), abi::exception_label);
    EXPECT_EQ(abi::info_length(info(*handler)), message::length);
    EXPECT_EQ(badge(*handler), 7u);
    EXPECT_EQ(word(*handler, message::cause), message::cause_load_page_fault);
    EXPECT_EQ(word(*handler, message::pc), code_page);
    EXPECT_EQ(word(*handler, message::address), 0x5008u);
    EXPECT_EQ(word(*handler, message::instruction), lw_a5_8_a0);
    u64 access = buffer_word(message::access);
    EXPECT_EQ(message::access_width(access), 4u);
    EXPECT_FALSE(message::access_is_store(access));
    EXPECT_TRUE(message::access_is_signed(access));
    EXPECT_EQ(message::access_register(access), 15u);
    EXPECT_EQ(buffer_word(message::a0), 0x5000u);
    EXPECT_EQ(buffer_word(message::a0 + 7), 0x77u);
}

TEST_F(Exception, AnEmulatedLoadWritesItsRegisterSignExtendedAndStepsPastIt) {
    trap32(lw_a5_8_a0, message::cause_load_page_fault, 0x5008);
    answer({u64(abi::ExceptionReply::emulated), 0, 0x80000001, 0});
    EXPECT_EQ(faulter->state, ThreadState::ready);
    EXPECT_EQ(faulter->frame().a(5), 0xffffffff80000001u);
    EXPECT_EQ(faulter->frame().sepc, code_page + 4);
    EXPECT_FALSE(faulter->in_exception);
}

TEST_F(Exception, AStoreCarriesTheValueItWrites) {
    faulter->frame().a(1) = 0x1122334455667788;
    trap32(sd_a1_0_a0, message::cause_store_page_fault, 0x6000);
    u64 access = buffer_word(message::access);
    EXPECT_TRUE(message::access_is_store(access));
    EXPECT_EQ(message::access_width(access), 8u);
    EXPECT_EQ(buffer_word(message::value), 0x1122334455667788u);
    answer({u64(abi::ExceptionReply::emulated), 0, 0xdead, 0});
    EXPECT_EQ(faulter->frame().a(1), 0x1122334455667788u); // a store loads nothing
    EXPECT_EQ(faulter->frame().sepc, code_page + 4);
}

TEST_F(Exception, ACompressedInstructionIsSteppedPastByTwoBytes) {
    trap(&c_lw_a5_0_a0, sizeof c_lw_a5_0_a0, message::cause_load_page_fault, 0x5000);
    EXPECT_EQ(message::access_length(buffer_word(message::access)), 2u);
    answer({u64(abi::ExceptionReply::emulated), 0, 42, 0});
    EXPECT_EQ(faulter->frame().a(5), 42u);
    EXPECT_EQ(faulter->frame().sepc, code_page + 2);
}

TEST_F(Exception, AnEmulatedInstructionThatIsNoLoadOrStoreIsSteppedPastWhole) {
    trap32(csrr_a0_0x7c0, message::cause_illegal_instruction, csrr_a0_0x7c0);
    EXPECT_EQ(buffer_word(message::access), 0u);
    answer({u64(abi::ExceptionReply::emulated), 0, 0, 0});
    EXPECT_EQ(faulter->frame().sepc, code_page + 4);
    EXPECT_EQ(faulter->frame().a(0), 0u); // the handler changes no register but a load's
}

TEST_F(Exception, AKillAnswerEndsTheFaulter) {
    trap32(lw_a5_8_a0, message::cause_load_page_fault, 0x5008);
    answer({u64(abi::ExceptionReply::kill), 0, 0, 0});
    EXPECT_EQ(faulter->state, ThreadState::dead);
    EXPECT_TRUE(console_mentions("stopped by its exception handler"));
}

// A bad answer is the handler's error: the faulter keeps waiting, nothing of it changed,
// and a good answer afterwards still works.
TEST_F(Exception, AnUnknownAnswerOrAnInjectToAThreadIsRefusedAndTheFaulterWaitsOn) {
    trap32(lw_a5_8_a0, message::cause_load_page_fault, 0x5008);
    EXPECT_EQ(try_answer({99, 0, 0, 0}), Error::bad_argument);
    EXPECT_EQ(try_answer({u64(abi::ExceptionReply::inject), 5, 0, 0}), Error::bad_argument); // a thread is no guest
    EXPECT_EQ(faulter->state, ThreadState::blocked_reply);
    EXPECT_TRUE(faulter->in_exception);
    EXPECT_EQ(faulter->frame().sepc, code_page);
    EXPECT_EQ(handler->caller, faulter);
    answer({u64(abi::ExceptionReply::resume), 0, 0, 0});
    EXPECT_EQ(faulter->state, ThreadState::ready);
    EXPECT_EQ(faulter->frame().sepc, code_page);
}

TEST_F(Exception, AFaultOnUnreadableCodeIsStillDescribed) {
    trap32(lw_a5_8_a0, message::cause_load_page_fault, 0x5008);
    answer({u64(abi::ExceptionReply::resume), 0x900000, 0, 0}); // off to an unmapped pc
    EXPECT_EQ(faulter->frame().sepc, 0x900000u);
    faulter->state = ThreadState::running;
    faulter->frame().scause = 12; // instruction page fault
    faulter->frame().stval = 0x900000;
    run_as(*handler);
    ASSERT_EQ(kernel::ipc_receive(*handler, *ep, false), kernel::blocked);
    run_as(*faulter);
    kernel::raise_exception(*faulter);
    EXPECT_EQ(word(*handler, message::instruction), 0u);
    EXPECT_EQ(buffer_word(message::access), 0u);
}

TEST_F(Exception, AThreadWithoutAHandlerIsKilledAndTheConsoleSaysWhy) {
    Thread& orphan = started(8);
    run_as(orphan);
    orphan.frame().scause = message::cause_load_page_fault;
    orphan.frame().stval = 0xbad0;
    orphan.frame().sepc = code_page;
    kernel::raise_exception(orphan);
    EXPECT_EQ(orphan.state, ThreadState::dead);
    EXPECT_TRUE(console_mentions("killed: load page fault at address bad0"));
}

// A VMM hands its guest an exception (ExceptionReply::inject): the vCPU's VS CSRs take
// it as the hart's own trap into VS-mode would, and the vCPU goes on at the guest's trap
// vector, in VS-mode.
class GuestException : public KernelTest {
protected:
    static constexpr u64 guest_pc = 0x80001000, guest_vector = 0x80002000;
    static constexpr u64 spp = 1 << 8, spie = 1 << 5, sie = 1 << 1;

    void SetUp() override {
        KernelTest::SetUp();
        ep = &endpoint();
        vmm = &started(10);
        give_ipc_buffer(*vmm);
        run_as(*vmm);
        ASSERT_EQ(kernel::ipc_receive(*vmm, *ep, false), kernel::blocked);
        vm = &domain(true);
        vcpu = &started(5, vm);
        vcpu->guest.vstvec = guest_vector | 1; // vectored: exceptions still enter at the base
        vcpu->guest.vsstatus = sie;
    }

    // The vCPU exits to the VMM from VS-mode (or VU-mode) with a guest-page fault at a
    // guest-virtual address.
    void exit_from(bool supervisor, u64 guest_virtual) {
        kernel::cap_mint(vcpu->exception_handler, *ep, rights::write, 1);
        arch::TrapFrame& f = vcpu->frame();
        f.sepc = guest_pc;
        f.stval = guest_virtual;
        f.sstatus = supervisor ? spp : 0;
        vcpu->exception_words[message::cause] = message::cause_load_guest_fault;
        run_as(*vcpu);
        ASSERT_EQ(kernel::ipc_send_exception(*vcpu, vcpu->exception_handler), kernel::blocked);
    }
    Error answer(std::initializer_list<u64> words) {
        run_as(*vmm);
        load(*vmm, abi::message_info(0, 4), words);
        return kernel::ipc_reply(*vmm);
    }

    Endpoint* ep = nullptr;
    Thread* vmm = nullptr;
    Domain* vm = nullptr;
    Thread* vcpu = nullptr;
};

TEST_F(GuestException, AnInjectedAccessFaultEntersTheGuestsVectorAsTheHartWould) {
    exit_from(true, 0x7fff1234);
    ASSERT_EQ(answer({u64(abi::ExceptionReply::inject), 5, 0, abi::inject_trap_tval}), Error::ok);
    EXPECT_EQ(vcpu->state, ThreadState::ready);
    EXPECT_FALSE(vcpu->in_exception);
    EXPECT_EQ(vcpu->guest.vsepc, guest_pc);
    EXPECT_EQ(vcpu->guest.vscause, 5u);
    EXPECT_EQ(vcpu->guest.vstval, 0x7fff1234u) << "the trap's own stval: the address as the guest used it";
    EXPECT_EQ(vcpu->guest.vsstatus & (spp | spie | sie), spp | spie) << "SPP = VS, SPIE = the old SIE, SIE off";
    EXPECT_EQ(vcpu->frame().sepc, guest_vector);
    EXPECT_TRUE(vcpu->frame().sstatus & spp) << "the trap handler runs in VS-mode";
    EXPECT_EQ(vcpu->counters.injected, 1u);
}

TEST_F(GuestException, FromGuestUserModeTheHandlerSeesUserModeAndTheTvalGiven) {
    vcpu->guest.vsstatus = 0; // interrupts off in the guest
    exit_from(false, 0x1000);
    ASSERT_EQ(answer({u64(abi::ExceptionReply::inject), 2, 0x60002573, 0}), Error::ok);
    EXPECT_EQ(vcpu->guest.vscause, 2u);
    EXPECT_EQ(vcpu->guest.vstval, 0x60002573u);
    EXPECT_EQ(vcpu->guest.vsstatus & (spp | spie | sie), 0u) << "SPP = VU, SPIE = the old SIE (off)";
    EXPECT_TRUE(vcpu->frame().sstatus & spp);
    EXPECT_EQ(vcpu->frame().sepc, guest_vector);
}

// Causes no hart raises to S-mode are refused, and the vCPU waits on untouched.
TEST_F(GuestException, ACauseNoHartRaisesToAGuestIsRefused) {
    exit_from(true, 0x1000);
    const u64 refused[] = {9, 10, 11, 14, 20, 21, 23, 24, 63, 64, u64(1) << 63 | 5, ~u64(0)};
    for (u64 cause : refused) EXPECT_EQ(answer({u64(abi::ExceptionReply::inject), cause, 0, 0}), Error::bad_argument) << cause;
    EXPECT_EQ(vcpu->state, ThreadState::blocked_reply);
    EXPECT_EQ(vcpu->guest.vscause, 0u);
    EXPECT_EQ(vcpu->frame().sepc, guest_pc);
    EXPECT_EQ(vcpu->counters.injected, 0u);
    for (u64 cause : {0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15}) EXPECT_TRUE(arch::guest_takes_exception(u64(cause))) << cause;
}

} // namespace

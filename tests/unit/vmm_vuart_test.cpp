// The emulated ns16550a: what a driver sees in its registers, and its interrupt line
// through the virtual PLIC to the vCPU.
#include "vmm_fakes.hpp"

#include <gtest/gtest.h>
#include <isok/abi.hpp>
#include <vmm/vplic.hpp>
#include <vmm/vuart.hpp>

#include <algorithm>
#include <string>

using isok::u64;
using isok::u8;
using isok::vmm::GuestConsole;
using isok::vmm::IrqLine;
using isok::vmm::VPlic;
using isok::vmm::VUart;
using vmm_test::FakeVcpus;
using vmm_test::Lines;

namespace {

constexpr isok::u32 irq = 10;

struct Fixture : ::testing::Test {
    FakeVcpus vcpus;
    Lines lines;
    GuestConsole console{"vm", 32, Lines::output, &lines};
    VPlic plic{vcpus, 1};
    VUart uart{console, IrqLine(plic, irq)};

    u64 rd(u64 reg) {
        u64 v = 0xdead;
        EXPECT_TRUE(uart.read(reg, 1, v));
        return v;
    }
    void wr(u64 reg, u64 v) { EXPECT_TRUE(uart.write(reg, 1, v)); }
    void route_to_hart0() {
        ASSERT_TRUE(plic.write(4 * irq, 4, 1));        // priority 1 (threshold stays 0)
        ASSERT_TRUE(plic.write(0x2000, 4, 1u << irq)); // enabled for context 0
    }
};

using VmmVuart = Fixture;

} // namespace

TEST_F(VmmVuart, TransmittedBytesBecomePrefixedLines) {
    for (char c : std::string("hello\r\nworld")) wr(VUart::rbr_thr_dll, u64(u8(c)));
    ASSERT_EQ(lines.lines.size(), 1u);
    EXPECT_EQ(lines.lines[0], "[vm] hello\n");
    wr(VUart::rbr_thr_dll, '\n');
    EXPECT_EQ(lines.all(), "[vm] hello\n[vm] world\n");
}

TEST_F(VmmVuart, LineStatusAlwaysReadyToTransmit) {
    EXPECT_EQ(rd(VUart::lsr), u64(VUart::lsr_thre | VUart::lsr_temt));
    uart.receive('x');
    EXPECT_EQ(rd(VUart::lsr) & VUart::lsr_dr, VUart::lsr_dr);
    EXPECT_EQ(rd(VUart::rbr_thr_dll), u64('x'));
    EXPECT_EQ(rd(VUart::lsr) & VUart::lsr_dr, 0u);
    EXPECT_EQ(rd(VUart::rbr_thr_dll), 0u); // empty FIFO reads zero
}

TEST_F(VmmVuart, OverrunIsReportedOnceAndTheFifoKeepsItsBytes) {
    for (int i = 0; i < int(VUart::fifo_bytes) + 3; ++i) uart.receive(u8('a' + i));
    EXPECT_EQ(rd(VUart::lsr) & VUart::lsr_oe, VUart::lsr_oe);
    EXPECT_EQ(rd(VUart::lsr) & VUart::lsr_oe, 0u); // cleared by the read
    for (int i = 0; i < int(VUart::fifo_bytes); ++i) EXPECT_EQ(rd(VUart::rbr_thr_dll), u64('a' + i));
}

TEST_F(VmmVuart, NoInterruptUntilEnabled) {
    EXPECT_EQ(rd(VUart::iir_fcr), u64(VUart::iir_none));
    uart.receive('x');
    EXPECT_EQ(rd(VUart::iir_fcr), u64(VUart::iir_none));
    EXPECT_FALSE(uart.irq_level());
}

// In the order a guest handles it: PLIC claim, then the driver reads IIR, then complete.
TEST_F(VmmVuart, ThrEmptyInterruptArmsOnEnableAndClearsOnIirRead) {
    route_to_hart0();
    wr(VUart::ier_dlm, VUart::ier_thre);
    EXPECT_TRUE(uart.irq_level());
    EXPECT_EQ(vcpus.hvip[0], isok::vmm::hvip::vseip);
    EXPECT_EQ(plic.claim(0), irq);
    EXPECT_EQ(vcpus.hvip[0], 0u);
    EXPECT_EQ(rd(VUart::iir_fcr), u64(VUart::iir_thre));
    EXPECT_FALSE(uart.irq_level()); // reading IIR took it
    EXPECT_EQ(rd(VUart::iir_fcr), u64(VUart::iir_none));
    plic.complete(0, irq);
    EXPECT_EQ(vcpus.hvip[0], 0u); // the line is low: no new request
    // Each transmitted byte empties THR again.
    wr(VUart::rbr_thr_dll, 'a');
    EXPECT_TRUE(uart.irq_level());
    EXPECT_EQ(vcpus.hvip[0], isok::vmm::hvip::vseip);
}

TEST_F(VmmVuart, InterruptPriorities) {
    wr(VUart::ier_dlm, VUart::ier_rx | VUart::ier_thre | VUart::ier_line);
    uart.receive('x');
    EXPECT_EQ(rd(VUart::iir_fcr), u64(VUart::iir_rx)); // data beats THR empty
    for (int i = 0; i < 20; ++i) uart.receive('y');
    EXPECT_EQ(rd(VUart::iir_fcr), u64(VUart::iir_line)); // overrun beats data
    (void)rd(VUart::lsr);
    EXPECT_EQ(rd(VUart::iir_fcr), u64(VUart::iir_rx));
    wr(VUart::iir_fcr, VUart::fcr_enable | VUart::fcr_clear_rx);
    EXPECT_EQ(rd(VUart::iir_fcr), u64(VUart::iir_thre | VUart::iir_fifo));
    EXPECT_EQ(rd(VUart::iir_fcr), u64(VUart::iir_none | VUart::iir_fifo));
}

TEST_F(VmmVuart, DivisorLatchIsSeparateFromDataAndIer) {
    wr(VUart::lcr, VUart::lcr_dlab | 0x03);
    wr(VUart::rbr_thr_dll, 0x01);
    wr(VUart::ier_dlm, 0x02);
    EXPECT_TRUE(lines.lines.empty()); // no byte sent
    EXPECT_EQ(rd(VUart::rbr_thr_dll), 0x01u);
    EXPECT_EQ(rd(VUart::ier_dlm), 0x02u);
    wr(VUart::lcr, 0x03);
    EXPECT_EQ(rd(VUart::ier_dlm), 0u);
    EXPECT_EQ(rd(VUart::lcr), 0x03u);
    wr(VUart::scr, 0x5a);
    EXPECT_EQ(rd(VUart::scr), 0x5au);
}

TEST_F(VmmVuart, LoopbackWiresOutputsToInputs) {
    EXPECT_EQ(rd(VUart::msr), 0xb0u);
    wr(VUart::mcr, VUart::mcr_loop | 0x0f);
    EXPECT_EQ(rd(VUart::msr), 0xf0u);
    wr(VUart::mcr, VUart::mcr_loop | 0x01);
    EXPECT_EQ(rd(VUart::msr), 0x20u);
    wr(VUart::rbr_thr_dll, 'q');
    EXPECT_TRUE(lines.lines.empty());
    EXPECT_EQ(rd(VUart::rbr_thr_dll), u64('q'));
}

TEST_F(VmmVuart, OnlyByteAccesses) {
    u64 v;
    EXPECT_FALSE(uart.read(0, 4, v));
    EXPECT_FALSE(uart.write(0, 2, 'x'));
    EXPECT_TRUE(lines.lines.empty());
    EXPECT_TRUE(uart.read(0x40, 1, v)); // past the eight registers: reads zero
    EXPECT_EQ(v, 0u);
}

namespace {

namespace guest_console = isok::abi::guest_console;

// The kernel's share, as the VMM sees it: what it was allowed last, and bytes it "kept"
// (written here by the test, as a guest's THR writes the kernel absorbed).
struct FakeAssist final : isok::vmm::ConsoleAssist {
    u64 bits = ~u64{0};
    u8 lsr = 0;
    int allows = 0;
    std::string kept;
    int takes = 0;
    void allow(u64 b, u8 l) override {
        bits = b;
        lsr = l;
        ++allows;
    }
    isok::usize take(char* out, isok::usize max) override {
        ++takes;
        isok::usize n = std::min(max, kept.size());
        kept.copy(out, n);
        kept.erase(0, n);
        return n;
    }
};

struct Assisted : Fixture {
    FakeAssist assist;
    // Wired as Vm wires them: the UART tells the kernel what it may do, the console
    // takes what the kernel kept.
    void SetUp() override {
        uart.attach(assist);
        console.take_kept_from(assist);
    }
    bool keeps_writes() const { return assist.bits & guest_console::keep_uart_writes; }
    bool answers_lsr() const { return assist.bits & guest_console::answer_uart_status; }
};

} // namespace

TEST_F(Assisted, AFreshUartLetsTheKernelKeepWritesAndAnswerLineStatus) {
    EXPECT_TRUE(keeps_writes());
    EXPECT_TRUE(answers_lsr());
    EXPECT_EQ(assist.lsr, VUart::lsr_thre | VUart::lsr_temt);
    EXPECT_EQ(assist.allows, 1);
}

TEST_F(Assisted, TheKernelKeepsNoWriteWhileTheDivisorLatchOrLoopbackOrTheThrInterruptIsOn) {
    wr(VUart::lcr, VUart::lcr_dlab);
    EXPECT_FALSE(keeps_writes()); // offset 0 is the divisor now
    wr(VUart::lcr, 0x03);
    EXPECT_TRUE(keeps_writes());
    wr(VUart::ier_dlm, VUart::ier_thre);
    EXPECT_FALSE(keeps_writes()); // each write must raise "THR empty"
    wr(VUart::ier_dlm, 0);
    wr(VUart::mcr, VUart::mcr_loop);
    EXPECT_FALSE(keeps_writes()); // the byte goes to the receiver
    wr(VUart::mcr, 0);
    EXPECT_TRUE(keeps_writes());
}

TEST_F(Assisted, LineStatusFollowsTheReceiverAndAnOverrunIsLeftToTheVmm) {
    uart.receive('a');
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, VUart::lsr_dr);
    EXPECT_TRUE(answers_lsr());
    for (int i = 0; i < int(VUart::fifo_bytes); ++i) uart.receive('b');
    EXPECT_FALSE(answers_lsr()); // reading LSR must clear the overrun: the VMM answers it
    EXPECT_EQ(rd(VUart::lsr) & VUart::lsr_oe, VUart::lsr_oe);
    EXPECT_TRUE(answers_lsr());
}

TEST_F(Assisted, NothingIsToldTwice) {
    int before = assist.allows;
    for (int i = 0; i < 5; ++i) wr(VUart::scr, u64(i));
    (void)rd(VUart::lsr);
    EXPECT_EQ(assist.allows, before);
}

TEST_F(Assisted, KeptBytesComeBeforeTheNewlineThatMadeTheExit) {
    assist.kept = "hello\r";
    console.guest_ran();
    wr(VUart::rbr_thr_dll, '\n');
    EXPECT_EQ(lines.all(), "[vm] hello\n");
}

TEST_F(Assisted, KeptBytesComeBeforeTheVmmsOwnMessagesAndOtherConsoles) {
    assist.kept = "partial";
    console.guest_ran();
    console.put('!'); // as SBI putchar would
    console.message("vmm: something");
    EXPECT_EQ(lines.all(), "[vm] partial!\n[vm] vmm: something\n");
}

TEST_F(Assisted, MoreThanOneTakeEmptiesAFullKernelBuffer) {
    assist.kept = std::string(300, 'x');
    console.guest_ran();
    console.catch_up();
    EXPECT_TRUE(assist.kept.empty());
    console.flush();
    EXPECT_EQ(lines.all(), "[vm] " + std::string(200, 'x') + "\n[vm] " + std::string(100, 'x') + "\n");
}

TEST_F(Assisted, TheKernelIsAskedOnlyAfterTheGuestRan) {
    console.catch_up(); // whatever was there when the UART was attached
    int before = assist.takes;
    console.put('a');
    console.put('b');
    EXPECT_EQ(assist.takes, before);
    console.guest_ran();
    console.put('c');
    console.put('d');
    EXPECT_EQ(assist.takes, before + 1);
}

namespace {

// Typed input wired as Vm wires it: the UART takes from the VM's input queue, and is told
// when the queue changed outside it.
struct Typed : Assisted {
    isok::vmm::ConsoleInput input;
    void SetUp() override {
        Assisted::SetUp();
        uart.take_input_from(input);
    }
    void type(const std::string& s) {
        input.push(reinterpret_cast<const u8*>(s.data()), s.size());
        uart.input_changed();
    }
    std::string read_all() {
        std::string s;
        while (rd(VUart::lsr) & VUart::lsr_dr) s += char(rd(VUart::rbr_thr_dll));
        return s;
    }
    void enable_rx() {
        route_to_hart0();
        wr(VUart::iir_fcr, VUart::fcr_enable);
        wr(VUart::ier_dlm, VUart::ier_rx);
    }
};

} // namespace

TEST_F(Typed, BytesReachAnInterruptDrivenDriverInOrder) {
    enable_rx();
    EXPECT_FALSE(uart.irq_level());
    type("hello");
    EXPECT_EQ(rd(VUart::lsr) & VUart::lsr_dr, VUart::lsr_dr);
    EXPECT_EQ(rd(VUart::iir_fcr) & 0x0f, u64(VUart::iir_rx));
    EXPECT_EQ(vcpus.hvip[0], isok::vmm::hvip::vseip);
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, VUart::lsr_dr); // the kernel answers LSR with DR
    EXPECT_TRUE(answers_lsr());
    EXPECT_EQ(plic.claim(0), irq);
    EXPECT_EQ(read_all(), "hello");
    EXPECT_FALSE(uart.irq_level()); // the line is low once the FIFO is empty
    plic.complete(0, irq);
    EXPECT_EQ(vcpus.hvip[0], 0u);
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, 0u); // and the kernel's LSR says so
    EXPECT_EQ(rd(VUart::iir_fcr) & 0x0f, u64(VUart::iir_none));
}

TEST_F(Typed, TheFifoRefillsFromTheQueueAsTheGuestReads) {
    enable_rx();
    std::string typed;
    for (int i = 0; i < 40; ++i) typed += char('A' + i);
    type(typed);
    EXPECT_EQ(input.size(), 40u - VUart::fifo_bytes); // the FIFO holds 16, the rest waits
    std::string got;
    for (int i = 0; i < 40; ++i) {
        EXPECT_TRUE(uart.irq_level()) << i;
        EXPECT_EQ(assist.lsr & VUart::lsr_dr, VUart::lsr_dr) << i;
        got += char(rd(VUart::rbr_thr_dll));
    }
    EXPECT_EQ(got, typed);
    EXPECT_TRUE(input.empty());
    EXPECT_FALSE(uart.irq_level());
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, 0u);
}

TEST_F(Typed, WithoutFifosTheReceiverHoldsOneByte) {
    route_to_hart0();
    wr(VUart::ier_dlm, VUart::ier_rx); // FCR bit 0 never set: a 16450
    type("xyz");
    EXPECT_EQ(input.size(), 2u);
    EXPECT_EQ(read_all(), "xyz");
}

TEST_F(Typed, APollingDriverSeesDataReadyAndTakesBytesByReadingRbr) {
    type("ok");
    EXPECT_FALSE(uart.irq_level()); // the receive interrupt is off
    EXPECT_EQ(input.size(), 2u);    // nothing moved into the FIFO ...
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, VUart::lsr_dr); // ... but LSR, even the kernel's, says data waits
    EXPECT_EQ(rd(VUart::rbr_thr_dll), u64('o'));
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, VUart::lsr_dr);
    EXPECT_EQ(rd(VUart::rbr_thr_dll), u64('k'));
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, 0u);
    EXPECT_EQ(rd(VUart::lsr) & VUart::lsr_dr, 0u);
    EXPECT_EQ(rd(VUart::rbr_thr_dll), 0u);
}

// A guest that prints on the UART and reads another console: no byte waits in a FIFO
// it never reads, and the kernel's LSR is right when another console took the input.
TEST_F(Typed, AGuestThatDoesNotReadTheUartLeavesTheInputToOtherConsoles) {
    wr(VUart::ier_dlm, 0);
    for (char c : std::string("log line\n")) wr(VUart::rbr_thr_dll, u64(u8(c)));
    type("abc");
    (void)rd(VUart::lsr); // a console driver waiting for THR empty
    EXPECT_EQ(input.size(), 3u);
    EXPECT_FALSE(input.claimed());
    u8 out[3];
    EXPECT_EQ(input.take(out, 3), 3u); // SBI or virtio-console took them
    uart.input_changed();
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, 0u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 3), "abc");
}

TEST_F(Typed, AnInterruptDrivenDriverClaimsTheInputUntilItTurnsTheInterruptOff) {
    EXPECT_FALSE(input.claimed());
    enable_rx();
    EXPECT_TRUE(input.claimed());
    wr(VUart::ier_dlm, 0);
    EXPECT_FALSE(input.claimed());
}

TEST_F(Typed, LoopbackTakesNoTypedInput) {
    wr(VUart::mcr, VUart::mcr_loop);
    wr(VUart::ier_dlm, VUart::ier_rx);
    type("t");
    EXPECT_EQ(rd(VUart::lsr) & VUart::lsr_dr, 0u);
    EXPECT_EQ(input.size(), 1u);
    wr(VUart::rbr_thr_dll, 'q');
    EXPECT_EQ(rd(VUart::rbr_thr_dll), u64('q'));
    wr(VUart::mcr, 0);
    EXPECT_EQ(rd(VUart::rbr_thr_dll), u64('t'));
}

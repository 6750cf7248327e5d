// The emulated ns16550a: what a driver sees in its registers, and its interrupt line
// through the virtual PLIC to the vCPU.
#include "vmm_fakes.hpp"

#include <gtest/gtest.h>
#include <vmm/vplic.hpp>
#include <vmm/vuart.hpp>

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

// A guest's console output kept by the kernel: only what the VMM allows, only byte
// accesses to THR and LSR and the legacy SBI putchar, at most capacity bytes in one
// order, never a newline (the VMM shows each line whole), and the loaded LSR value as
// wide and as signed as the guest's load.
#include "kernel_test.hpp"

#include <kernel/guest_console.hpp>

namespace {

using namespace ktest;
namespace abi = isok::abi;
namespace message = abi::exception_message;
namespace console = kernel::guest_console;
namespace bits = abi::guest_console;

constexpr u64 base = 0x10000000, thr = base, lsr = base + 5;

class GuestConsole : public KernelTest {
protected:
    void SetUp() override {
        KernelTest::SetUp();
        vm = &domain(true);
        vcpu = &thread(10, vm);
        vcpu->frame().sepc = 0x80000000;
    }

    kernel::GuestConsole& state() { return vm->console; }
    bool putchar(char c) { return console::keep_putchar(*vcpu, isok::u8(c)); }

    // sb a1 / lb a5 / lbu a5, as the kernel decodes them (4-byte instructions).
    bool store_byte(u64 gpa, isok::u8 byte) {
        vcpu->frame().a(1) = byte;
        return console::absorb_mmio(*vcpu, vcpu->frame(), gpa, message::make_access(1, true, false, 11, 4));
    }
    bool load(u64 gpa, u64 width, bool is_signed) {
        return console::absorb_mmio(*vcpu, vcpu->frame(), gpa, message::make_access(width, false, is_signed, 15, 4));
    }
    void allow_all(isok::u8 lsr_value = 0x60) {
        console::place(state(), base);
        ASSERT_TRUE(console::allow(state(), bits::uart_bits | bits::keep_sbi_putchar, lsr_value));
    }
    std::string kept() { return std::string(reinterpret_cast<const char*>(state().bytes), state().count); }

    Domain* vm = nullptr;
    Thread* vcpu = nullptr;
};

TEST_F(GuestConsole, NothingIsAbsorbedUntilPlacedAndAllowed) {
    EXPECT_FALSE(store_byte(thr, 'a'));
    EXPECT_FALSE(load(lsr, 1, false));
    console::place(state(), base);
    EXPECT_FALSE(store_byte(thr, 'a'));
    EXPECT_FALSE(load(lsr, 1, false));
    EXPECT_EQ(vcpu->frame().sepc, 0x80000000u);
    EXPECT_EQ(state().count, 0u);
}

TEST_F(GuestConsole, WritesAreKeptInOrderAndTheGuestGoesOn) {
    allow_all();
    for (char c : std::string("hello\r")) ASSERT_TRUE(store_byte(thr, isok::u8(c)));
    EXPECT_EQ(kept(), "hello\r");
    EXPECT_EQ(vcpu->frame().sepc, 0x80000000u + 6 * 4);
    EXPECT_TRUE(console::holds_output(state()));
}

TEST_F(GuestConsole, ANewlineExitsSoTheLineReachesTheVmmWhole) {
    allow_all();
    ASSERT_TRUE(store_byte(thr, 'x'));
    EXPECT_FALSE(store_byte(thr, '\n'));
    EXPECT_EQ(kept(), "x");
    EXPECT_EQ(vcpu->frame().sepc, 0x80000000u + 4);
}

TEST_F(GuestConsole, TheWriteAfterAFullBufferExits) {
    allow_all();
    for (u64 i = 0; i < bits::capacity; ++i) ASSERT_TRUE(store_byte(thr, 'a'));
    EXPECT_FALSE(store_byte(thr, 'b'));
    EXPECT_EQ(state().count, bits::capacity);
    console::forget(state(), 1);
    EXPECT_TRUE(store_byte(thr, 'b'));
    EXPECT_EQ(kept().back(), 'b');
}

TEST_F(GuestConsole, LineStatusIsAnsweredAsWideAndAsSignedAsTheLoad) {
    allow_all(0xe0);
    ASSERT_TRUE(load(lsr, 1, true));
    EXPECT_EQ(vcpu->frame().a(5), 0xffffffffffffffe0u);
    ASSERT_TRUE(load(lsr, 1, false));
    EXPECT_EQ(vcpu->frame().a(5), 0xe0u);
    EXPECT_EQ(vcpu->frame().sepc, 0x80000000u + 8);
}

TEST_F(GuestConsole, EveryOtherAccessExits) {
    allow_all();
    EXPECT_FALSE(load(lsr, 2, false));      // not a byte
    EXPECT_FALSE(load(base + 1, 1, false)); // IER
    EXPECT_FALSE(load(thr, 1, false));      // RBR: what the guest reads is the VMM's
    EXPECT_FALSE(store_byte(lsr, 0));       // a store to LSR
    EXPECT_FALSE(store_byte(base + 3, 0x80)); // LCR: the VMM must see DLAB go on
    EXPECT_FALSE(store_byte(base - 1, 'a'));
    EXPECT_EQ(state().count, 0u);
    EXPECT_EQ(vcpu->frame().sepc, 0x80000000u);
}

TEST_F(GuestConsole, OnlyWhatTheVmmAllowsIsAbsorbed) {
    console::place(state(), base);
    ASSERT_TRUE(console::allow(state(), bits::answer_uart_status, 0x60));
    EXPECT_FALSE(store_byte(thr, 'a')); // the divisor latch is on, say
    EXPECT_TRUE(load(lsr, 1, false));
    ASSERT_TRUE(console::allow(state(), bits::keep_uart_writes, 0x60));
    EXPECT_FALSE(load(lsr, 1, false)); // a bit of LSR clears on this read
    EXPECT_TRUE(store_byte(thr, 'a'));
}

TEST_F(GuestConsole, BadPermissionsAreRefusedAndChangeNothing) {
    EXPECT_FALSE(console::allow(state(), bits::keep_uart_writes, 0x60)); // not placed
    console::place(state(), base);
    EXPECT_FALSE(console::allow(state(), 8, 0x60));
    EXPECT_FALSE(console::allow(state(), bits::answer_uart_status, 0x100));
    EXPECT_EQ(state().allowed, 0u);
}

TEST_F(GuestConsole, TakenBytesLeaveOldestFirstAndPlacingAgainDropsTheRest) {
    allow_all();
    for (char c : std::string("abc")) ASSERT_TRUE(store_byte(thr, isok::u8(c)));
    console::forget(state(), 2);
    EXPECT_EQ(kept(), "c");
    console::forget(state(), 99);
    EXPECT_FALSE(console::holds_output(state()));
    ASSERT_TRUE(store_byte(thr, 'z'));
    console::place(state(), base + 0x1000);
    EXPECT_EQ(state().count, 0u);
    EXPECT_FALSE(store_byte(base + 0x1000, 'q')); // nothing allowed after placing
}

} // namespace

namespace {

TEST_F(GuestConsole, PutcharAndTheUartShareOneBufferInTheOrderTheyCame) {
    allow_all();
    ASSERT_TRUE(store_byte(thr, 'a'));
    ASSERT_TRUE(putchar('b'));
    ASSERT_TRUE(store_byte(thr, 'c'));
    EXPECT_EQ(kept(), "abc");
    EXPECT_FALSE(putchar('\n')); // the VMM ends the line, after taking "abc"
}

TEST_F(GuestConsole, PutcharIsKeptOnlyWhenAllowedAndWorksWithoutAUart) {
    EXPECT_FALSE(putchar('a'));
    console::place(state(), 0); // a VM without a UART
    EXPECT_FALSE(console::allow(state(), bits::keep_uart_writes, 0));
    ASSERT_TRUE(console::allow(state(), bits::keep_sbi_putchar, 0));
    EXPECT_TRUE(putchar('a'));
    EXPECT_FALSE(store_byte(thr, 'b')); // there is no UART to keep for
    EXPECT_EQ(kept(), "a");
}

} // namespace

// Typed input on its way to the guest: the VM's bounded input queue, and Vm handing it to
// the consoles the VM has (UART, virtio-console, SBI), driven through VM exits as a guest
// would drive them.
#include "vmm_fakes.hpp"

#include <gtest/gtest.h>
#include <isok/virtio/device.hpp>
#include <isok/virtio/mmio.hpp>
#include <vmm/console_input.hpp>
#include <vmm/layout.hpp>
#include <vmm/sbi.hpp>
#include <vmm/vm.hpp>
#include <vmm/vuart.hpp>

#include <string>

using isok::i64;
using isok::u16;
using isok::u32;
using isok::u64;
using isok::u8;
using isok::usize;
using isok::vmm::ConsoleInput;
using isok::vmm::Exit;
using isok::vmm::ExitReply;
using isok::vmm::Vm;
using isok::vmm::VUart;
using vmm_test::FakeVcpus;
using vmm_test::Lines;
using vmm_test::Ram;
namespace exitw = isok::abi::exception_message;
namespace layout = isok::vmm::layout;
namespace sbi = isok::vmm::sbi;
namespace device = isok::vm::device;
namespace virtio = isok::virtio;

namespace {

const u8* bytes_of(const std::string& s) { return reinterpret_cast<const u8*>(s.data()); }

std::string pattern(usize n, usize from = 0) {
    std::string s;
    for (usize i = from; i < from + n; ++i) s += char('!' + i % 90);
    return s;
}

} // namespace

TEST(VmmConsoleInput, KeepsTheOrderAcrossTheRingsEnd) {
    ConsoleInput input;
    std::string got;
    u8 out[700];
    for (int round = 0; round < 5; ++round) {
        std::string typed = pattern(700, usize(round) * 700);
        ASSERT_EQ(input.push(bytes_of(typed), typed.size()), typed.size());
        usize n = input.take(out, sizeof out);
        ASSERT_EQ(n, typed.size());
        EXPECT_EQ(std::string(reinterpret_cast<char*>(out), n), typed);
    }
    EXPECT_EQ(input.dropped(), 0u);
}

TEST(VmmConsoleInput, OverflowTakesTheFirstBytesAndCountsTheRest) {
    ConsoleInput input;
    std::string typed = pattern(ConsoleInput::capacity + 100);
    EXPECT_EQ(input.push(bytes_of(typed), 1000), 1000u);
    EXPECT_EQ(input.room(), ConsoleInput::capacity - 1000);
    EXPECT_EQ(input.push(bytes_of(typed) + 1000, 100), ConsoleInput::capacity - 1000);
    EXPECT_EQ(input.dropped(), 1100 - ConsoleInput::capacity);
    EXPECT_EQ(input.push(bytes_of(typed), 5), 0u); // full: nothing more
    EXPECT_EQ(input.dropped(), 1105 - ConsoleInput::capacity);
    std::string got(ConsoleInput::capacity, '\0');
    EXPECT_EQ(input.take(reinterpret_cast<u8*>(got.data()), got.size() + 10), ConsoleInput::capacity);
    EXPECT_EQ(got, typed.substr(0, ConsoleInput::capacity));
    EXPECT_TRUE(input.empty());
}

TEST(VmmConsoleInput, PeekTakesNothingUntilSkipped) {
    ConsoleInput input;
    input.push(bytes_of("abcd"), 4);
    u8 out[8];
    EXPECT_EQ(input.peek(out, 3), 3u);
    EXPECT_EQ(input.size(), 4u);
    input.skip(2);
    u8 b;
    ASSERT_TRUE(input.take(b));
    EXPECT_EQ(b, 'c');
    input.skip(10); // more than there is: what there is
    EXPECT_TRUE(input.empty());
    EXPECT_FALSE(input.take(b));
}

TEST(VmmConsoleInput, ChangesAreReportedOnce) {
    ConsoleInput input;
    EXPECT_FALSE(input.changed());
    input.push(bytes_of("a"), 1);
    EXPECT_TRUE(input.changed());
    EXPECT_FALSE(input.changed());
    input.claim(false); // no change
    EXPECT_FALSE(input.changed());
    input.claim(true);
    EXPECT_TRUE(input.changed());
    u8 b;
    input.take(b);
    EXPECT_TRUE(input.changed());
    input.take(b); // nothing to take: no change
    EXPECT_FALSE(input.changed());
}

namespace {

constexpr u64 base = isok::vm::guest_ram_base;
constexpr u64 uart = layout::uart_base;
const u64 virtio_console = layout::virtio_slot_base(layout::VirtioSlot::console);

// The kernel's share of the console: what LSR it answers with.
struct FakeAssist final : isok::vmm::ConsoleAssist {
    u8 lsr = 0;
    void allow(u64, u8 l) override { lsr = l; }
    usize take(char*, usize) override { return 0; }
};

struct VmmConsoleInputVm : ::testing::Test {
    Ram ram{1 << 20};
    FakeVcpus vcpus;
    Lines lines;
    FakeAssist assist;

    isok::vmm::VmSetup setup(u64 devices) {
        isok::vmm::VmSetup s;
        s.name = "vm";
        s.name_max = 32;
        s.vcpus = 1;
        s.devices = devices;
        s.ram = ram.memory();
        s.output = Lines::output;
        s.output_context = &lines;
        s.console_assist = &assist;
        return s;
    }

    static Exit mmio(bool store, u64 address, u32 width, u64 value = 0) {
        Exit e;
        e.word[exitw::cause] = store ? exitw::cause_store_guest_fault : exitw::cause_load_guest_fault;
        e.word[exitw::address] = address;
        e.word[exitw::access] = exitw::make_access(width, store, false, 10, 4);
        e.word[exitw::value] = value;
        return e;
    }
    static Exit sbi_call(u64 extension, u64 function, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0) {
        Exit e;
        e.word[exitw::cause] = exitw::cause_sbi_call;
        e.word[exitw::a0 + 0] = a0;
        e.word[exitw::a0 + 1] = a1;
        e.word[exitw::a0 + 2] = a2;
        e.word[exitw::a0 + 6] = function;
        e.word[exitw::a0 + 7] = extension;
        return e;
    }
    static void store(Vm& vm, u64 address, u32 width, u64 value) {
        ExitReply r = vm.handle_exit(0, mmio(true, address, width, value));
        EXPECT_EQ(r.action, isok::abi::ExceptionReply::emulated);
    }
    static u64 load(Vm& vm, u64 address, u32 width) {
        ExitReply r = vm.handle_exit(0, mmio(false, address, width));
        EXPECT_EQ(r.action, isok::abi::ExceptionReply::emulated);
        return r.value0;
    }
    static i64 getchar(Vm& vm) { return i64(vm.handle_exit(0, sbi_call(sbi::ext_legacy_getchar, 0)).value0); }
    static usize type(Vm& vm, const std::string& s) { return vm.console_input(bytes_of(s), s.size()); }

    // The guest's 8250 driver: the UART's interrupt routed to hart 0, FIFOs and the
    // receive interrupt on.
    static void open_uart(Vm& vm) {
        store(vm, layout::plic_base + 4 * layout::uart_irq, 4, 1);
        store(vm, layout::plic_base + 0x2000, 4, 1u << layout::uart_irq);
        store(vm, uart + VUart::iir_fcr, 1, VUart::fcr_enable);
        store(vm, uart + VUart::ier_dlm, 1, VUart::ier_rx);
    }
    static std::string read_uart(Vm& vm) {
        std::string s;
        while (load(vm, uart + VUart::lsr, 1) & VUart::lsr_dr) s += char(load(vm, uart + VUart::rbr_thr_dll, 1));
        return s;
    }

    // The guest's virtio-console driver, through VM exits: queues 0 (receive) and 1 set up
    // in RAM, then receive buffers posted one by one.
    static constexpr u32 queue_size = 8;
    static u64 ring(u32 q) { return base + 0x10000 + 0x4000 * q; }
    static u64 buffer(u32 i) { return base + 0x40000 + 0x1000 * i; }
    u16 posted = 0;

    void open_virtio_console(Vm& vm) {
        auto w = [&](u64 reg, u32 v) { store(vm, virtio_console + reg, 4, v); };
        w(virtio::reg_status, 0);
        w(virtio::reg_status, virtio::status_acknowledge | virtio::status_driver);
        w(virtio::reg_driver_features_sel, 1);
        w(virtio::reg_driver_features, 1); // VERSION_1
        w(virtio::reg_status, virtio::status_acknowledge | virtio::status_driver | virtio::status_features_ok);
        for (u32 q = 0; q < 2; ++q) {
            w(virtio::reg_queue_sel, q);
            w(virtio::reg_queue_num, queue_size);
            w(virtio::reg_queue_desc_low, u32(ring(q)));
            w(virtio::reg_queue_driver_low, u32(ring(q) + 0x1000));
            w(virtio::reg_queue_device_low, u32(ring(q) + 0x2000));
            w(virtio::reg_queue_ready, 1);
        }
        w(virtio::reg_status, virtio::status_acknowledge | virtio::status_driver | virtio::status_features_ok |
                                  virtio::status_driver_ok);
    }
    void post_receive_buffer(Vm& vm, u32 length) {
        u16 index = posted;
        u64 d = ring(0) + 16 * u64(index);
        ram.put<u64>(d, buffer(index));
        ram.put<u32>(d + 8, length);
        ram.put<u16>(d + 12, 2); // device-writable
        ram.put<u16>(ring(0) + 0x1000 + 4 + 2 * (index % queue_size), index);
        ram.put<u16>(ring(0) + 0x1000 + 2, ++posted);
        store(vm, virtio_console + virtio::reg_queue_notify, 4, 0);
    }
    u16 used_count() { return ram.get<u16>(ring(0) + 0x2000 + 2); }
    std::string received(u16 i) {
        u32 length = ram.get<u32>(ring(0) + 0x2000 + 4 + 8 * i + 4);
        return std::string(reinterpret_cast<char*>(ram.host(buffer(i))), length);
    }
};

} // namespace

TEST_F(VmmConsoleInputVm, TypedBytesReachTheUartWithItsInterrupt) {
    Vm vm(setup(device::uart), vcpus);
    open_uart(vm);
    EXPECT_EQ(vcpus.hvip[0], 0u);
    EXPECT_EQ(type(vm, "ls -l\n"), 6u);
    EXPECT_EQ(vcpus.hvip[0], isok::vmm::hvip::vseip);
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, VUart::lsr_dr);
    EXPECT_EQ(load(vm, layout::plic_base + 0x200004, 4), layout::uart_irq); // claim
    EXPECT_EQ(read_uart(vm), "ls -l\n");
    store(vm, layout::plic_base + 0x200004, 4, layout::uart_irq); // complete
    EXPECT_EQ(vcpus.hvip[0], 0u);
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, 0u);
}

TEST_F(VmmConsoleInputVm, SbiGetcharTakesWhatTheUartDoesNotRead) {
    Vm vm(setup(device::uart), vcpus);
    type(vm, "hi");
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, VUart::lsr_dr); // a polling UART driver would see it
    EXPECT_EQ(getchar(vm), 'h');
    EXPECT_EQ(getchar(vm), 'i');
    EXPECT_EQ(getchar(vm), -1);
    EXPECT_EQ(assist.lsr & VUart::lsr_dr, 0u); // told after the SBI call took the last byte
}

TEST_F(VmmConsoleInputVm, DbcnReadTakesTypedBytesIntoGuestRam) {
    Vm vm(setup(0), vcpus);
    type(vm, "typed");
    ExitReply r = vm.handle_exit(0, sbi_call(sbi::ext_dbcn, 1, 64, base + 0x3000, 0));
    EXPECT_EQ(i64(r.value0), sbi::success);
    EXPECT_EQ(r.value1, 5u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(ram.host(base + 0x3000)), 5), "typed");
    r = vm.handle_exit(0, sbi_call(sbi::ext_dbcn, 1, 64, base - 0x1000, 0));
    EXPECT_EQ(i64(r.value0), sbi::err_invalid_param);
}

TEST_F(VmmConsoleInputVm, AVmWithoutTheUartHasNoUartToFill) {
    Vm vm(setup(device::virtio_console), vcpus);
    EXPECT_EQ(type(vm, "xy"), 2u);
    EXPECT_EQ(assist.lsr, 0u); // never told anything about a UART
    EXPECT_EQ(getchar(vm), 'x');
    EXPECT_EQ(getchar(vm), 'y');
    ExitReply r = vm.handle_exit(0, mmio(false, uart + VUart::rbr_thr_dll, 1));
    EXPECT_EQ(r.action, isok::abi::ExceptionReply::inject); // no device there: an access fault
}

TEST_F(VmmConsoleInputVm, VirtioConsoleTakesInputIntoPostedBuffers) {
    Vm vm(setup(device::virtio_console), vcpus);
    open_virtio_console(vm);
    type(vm, "early");
    EXPECT_EQ(used_count(), 0u); // no buffer yet: the bytes wait
    post_receive_buffer(vm, 3);
    post_receive_buffer(vm, 64);
    ASSERT_EQ(used_count(), 2u);
    EXPECT_EQ(received(0), "ear");
    EXPECT_EQ(received(1), "ly");
    post_receive_buffer(vm, 64);
    type(vm, "late");
    ASSERT_EQ(used_count(), 3u);
    EXPECT_EQ(received(2), "late");
    EXPECT_EQ(getchar(vm), -1); // nothing left over
}

// Both consoles: the UART's driver reads by interrupt, so virtio-console's stocked-up
// buffers do not split what is typed; once it stops, virtio-console gets the rest.
TEST_F(VmmConsoleInputVm, AnInterruptDrivenUartKeepsAPasteWhole) {
    Vm vm(setup(device::uart | device::virtio_console), vcpus);
    open_virtio_console(vm);
    post_receive_buffer(vm, 256);
    open_uart(vm);
    std::string paste = pattern(100);
    EXPECT_EQ(type(vm, paste), paste.size());
    EXPECT_EQ(used_count(), 0u);
    EXPECT_EQ(read_uart(vm), paste);
    type(vm, "rest");
    store(vm, uart + VUart::ier_dlm, 1, 0); // the tty closed
    EXPECT_EQ(load(vm, uart + VUart::rbr_thr_dll, 1), u64('r')); // still in the FIFO: its last bytes
    store(vm, uart + VUart::iir_fcr, 1, VUart::fcr_enable | VUart::fcr_clear_rx);
    ASSERT_EQ(used_count(), 0u); // the FIFO held all of "rest"
    type(vm, "hvc");
    ASSERT_EQ(used_count(), 1u);
    EXPECT_EQ(received(0), "hvc");
}

// A guest that never reads: the VM takes no more than its queue (plus the UART's FIFO)
// holds, whatever is offered, and takes again only once the guest has read.
TEST_F(VmmConsoleInputVm, AGuestThatNeverReadsBoundsWhatTheVmTakes) {
    Vm vm(setup(device::uart | device::virtio_console), vcpus);
    open_uart(vm);
    usize taken = 0;
    for (int i = 0; i < 100; ++i) taken += type(vm, pattern(248, taken));
    EXPECT_EQ(taken, ConsoleInput::capacity + VUart::fifo_bytes);
    EXPECT_EQ(vm.console_input_room(), 0u);
    EXPECT_EQ(vm.console_input_dropped(), 100 * 248 - taken);
    EXPECT_EQ(type(vm, "more"), 0u);
    EXPECT_EQ(load(vm, uart + VUart::rbr_thr_dll, 1), u64(u8(pattern(1)[0])));
    EXPECT_EQ(vm.console_input_room(), 1u); // the FIFO refilled from the queue
    EXPECT_EQ(read_uart(vm), pattern(taken - 1, 1)); // the first bytes, in order
}

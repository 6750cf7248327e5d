// System calls for user-level drivers: interrupt lines, the physical address of memory
// that a device reaches by DMA, and the kernel's console for the console service.
#include <kernel/console.hpp>
#include <kernel/console_log.hpp>
#include <kernel/interrupt.hpp>
#include <kernel/memory_object.hpp>
#include <kernel/notification.hpp>
#include <kernel/syscall.hpp>
#include <kernel/user_memory.hpp>

namespace kernel {
namespace {
namespace abi = isok::abi;
namespace rights = abi::rights;
// The bytes leave the log only once they are in the caller's buffer: a bad buffer loses none.
Error read_log(Thread& t, u64 to, u64 length) {
    char bytes[256];
    u64 moved = 0, dropped = 0;
    while (moved < length) {
        // Copy out what is there, then drop it: peek, copy, commit.
        usize want = usize(isok::min<u64>(length - moved, sizeof bytes));
        u64 lost = 0;
        usize n = console_log::peek(bytes, want, lost);
        if (n == 0) break;
        if (Error e = copy_to_user(*t.domain, to + moved, bytes, n); e != Error::ok) {
            if (moved == 0) return e;
            break;
        }
        console_log::forget(n);
        dropped += lost;
        moved += n;
    }
    t.frame().a(1) = moved;
    t.frame().a(2) = dropped;
    return Error::ok;
}

} // namespace

// Only the holder of the UART's register window may take the console: the same right
// that lets it drive the UART.
Error sys_console_log(Thread& t, arch::TrapFrame& f) {
    auto uart = t.domain->caps.find<Memory>(f.a(0), rights::write);
    if (!uart) return uart.error();
    if (!(*uart)->device || !console::is_uart_window((*uart)->base)) return Error::bad_argument;
    switch (abi::ConsoleLogOp(f.a(1))) {
    case abi::ConsoleLogOp::claim: {
        auto n = t.domain->caps.lookup(f.a(2), ObjectType::notification, rights::write);
        if (!n) return n.error();
        console::hand_over(**n, f.a(3));
        return Error::ok;
    }
    case abi::ConsoleLogOp::read:
        if (!console_log::claimed()) return Error::bad_state;
        return read_log(t, f.a(2), f.a(3));
    case abi::ConsoleLogOp::release: console::take_back(); return Error::ok;
    }
    return Error::bad_argument;
}

Error sys_interrupt_control(Thread& t, arch::TrapFrame& f) {
    auto irq = t.domain->caps.find<Interrupt>(f.a(0), rights::control);
    if (!irq) return irq.error();
    switch (abi::InterruptOp(f.a(1))) {
    case abi::InterruptOp::bind: {
        auto n = t.domain->caps.lookup(f.a(2), ObjectType::notification, rights::write);
        if (!n) return n.error();
        return interrupt_bind(**irq, **n);
    }
    case abi::InterruptOp::ack: return interrupt_ack(**irq);
    }
    return Error::bad_argument;
}

// Without an IOMMU a driver that programs DMA is trusted with physical memory anyway;
// the address of memory it controls tells it nothing else.
Error sys_memory_info(Thread& t, arch::TrapFrame& f) {
    auto m = t.domain->caps.find<Memory>(f.a(0), rights::control);
    if (!m) return m.error();
    f.a(1) = (*m)->base.raw();
    f.a(2) = (*m)->pages;
    return Error::ok;
}

} // namespace kernel

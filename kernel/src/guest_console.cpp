// A VM's console output kept by the kernel: the accesses an unmodified guest makes per
// character (poll LSR and write THR, or one legacy SBI putchar) without a VM exit each.
#include <arch/exception_message.hpp>
#include <kernel/domain.hpp>
#include <kernel/guest_console.hpp>
#include <kernel/thread.hpp>

namespace kernel::guest_console {
namespace {

namespace abi = isok::abi;
namespace bits = abi::guest_console;
namespace message = abi::exception_message;
constexpr u64 thr = 0, lsr = 5; // register offsets (reg-shift 0, byte wide)

bool keep(GuestConsole& c, isok::u8 byte) {
    // A line goes to the VMM whole: its newline exits, and the VMM takes what is kept first.
    if (byte == '\n' || c.count == bits::capacity) return false;
    c.bytes[c.count++] = byte;
    return true;
}

} // namespace

bool absorb_mmio(Thread& vcpu, arch::TrapFrame& f, u64 gpa, u64 access) {
    GuestConsole& c = vcpu.domain->console;
    if (c.base == 0 || gpa < c.base || message::access_width(access) != 1) return false;
    const u64 offset = gpa - c.base;
    if (message::access_is_store(access)) {
        if (offset != thr || !(c.allowed & bits::keep_uart_writes) ||
            !keep(c, isok::u8(f.x[message::access_register(access)])))
            return false;
        arch::complete_access(f, access, 0);
        return true;
    }
    if (offset != lsr || !(c.allowed & bits::answer_uart_status)) return false;
    arch::complete_access(f, access, c.lsr);
    return true;
}

bool keep_putchar(Thread& vcpu, isok::u8 byte) {
    GuestConsole& c = vcpu.domain->console;
    return (c.allowed & bits::keep_sbi_putchar) && keep(c, byte);
}

void place(GuestConsole& c, u64 gpa) {
    c.base = gpa;
    c.allowed = 0;
    c.count = 0;
}

bool allow(GuestConsole& c, u64 allowed, u64 lsr_value) {
    if ((allowed & ~(bits::uart_bits | bits::keep_sbi_putchar)) || lsr_value > 0xff) return false;
    if (c.base == 0 && (allowed & bits::uart_bits)) return false; // no UART to answer for
    c.allowed = allowed;
    c.lsr = isok::u8(lsr_value);
    return true;
}

void forget(GuestConsole& c, isok::usize n) {
    if (n > c.count) n = c.count;
    for (isok::usize i = n; i < c.count; ++i) c.bytes[i - n] = c.bytes[i];
    c.count = isok::u16(c.count - n);
}

} // namespace kernel::guest_console

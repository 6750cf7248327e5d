// A VM's console output, kept by the kernel while its VMM allows it
// (isok::abi::GuestConsoleOp): ns16550 THR writes and LSR reads and the legacy SBI
// putchar answered without a VM exit, the bytes kept for the VMM to take.
#pragma once
#include <arch/trap_frame.hpp>
#include <isok/abi.hpp>

namespace kernel {

class Thread;

struct GuestConsole {
    isok::u64 base = 0;        // guest-physical address of the UART, 0: none
    isok::u64 allowed = 0;     // abi::guest_console bits
    isok::u8 lsr = 0;          // what an LSR read answers
    isok::u16 count = 0;       // bytes kept, oldest first
    isok::u8 bytes[isok::abi::guest_console::capacity];
};

namespace guest_console {

// The vCPU's load or store at gpa (decoded as `access`, exception_message layout):
// true when the kernel did it here and the vCPU goes on after it.
bool absorb_mmio(Thread& vcpu, arch::TrapFrame& f, isok::u64 gpa, isok::u64 access);
// The vCPU's legacy SBI putchar of byte: true when kept (the vCPU goes on after it).
bool keep_putchar(Thread& vcpu, isok::u8 byte);
// Bytes are kept that the VMM has not taken (a WFI must then exit so that it does).
inline bool holds_output(const GuestConsole& c) { return c.count != 0; }

void place(GuestConsole& c, isok::u64 gpa);
// false for bits or an LSR value out of range, or UART bits with no UART placed.
bool allow(GuestConsole& c, isok::u64 bits, isok::u64 lsr);
// The oldest n kept bytes were taken by the VMM.
void forget(GuestConsole& c, isok::usize n);

} // namespace guest_console
} // namespace kernel

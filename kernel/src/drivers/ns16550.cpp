// ns16550a UART: polled transmit, receive by interrupt or poll. Register offsets
// and bits are the 16550's (byte-wide registers, as on QEMU virt).
#include <kernel/ns16550.hpp>

namespace kernel {
namespace {
constexpr int rbr_thr = 0, ier = 1, fcr = 2, lcr = 3, lsr = 5;
constexpr isok::u8 lsr_data_ready = 1 << 0;
constexpr isok::u8 lsr_thr_empty = 1 << 5;
constexpr isok::u8 ier_rx_available = 1 << 0;
} // namespace

void Ns16550::init(volatile isok::u8* registers) {
    regs_ = registers;
    regs_[ier] = 0;
    regs_[lcr] = 0x03; // 8 data bits, no parity, one stop bit
    regs_[fcr] = 0x07; // enable and clear FIFOs
}

void Ns16550::put(char c) {
    while (!(regs_[lsr] & lsr_thr_empty)) {
    }
    regs_[rbr_thr] = isok::u8(c);
}

int Ns16550::get() { return (regs_[lsr] & lsr_data_ready) ? regs_[rbr_thr] : -1; }

void Ns16550::enable_receive_interrupt() { regs_[ier] = ier_rx_available; }

void Ns16550::disable_interrupts() { regs_[ier] = 0; }

} // namespace kernel

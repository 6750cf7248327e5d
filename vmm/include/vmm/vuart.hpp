// The guest's serial port: an emulated ns16550a (8 byte-wide registers, reg-shift 0),
// the twin of the UART driver in the kernel. Transmission is instantaneous: the
// transmitter is always empty, so THRE and TEMT always read 1. While the model allows
// it, the kernel keeps THR writes and answers LSR reads itself (ConsoleAssist), so that a
// guest's console costs no VM exit per character.
//
// Typed input (ConsoleInput) reaches the receiver in one of two ways, so that no byte
// waits in a FIFO the guest never reads (a guest that prints on ttyS0 but reads hvc0):
//   receive interrupt on (an interrupt-driven driver reads): the FIFO is kept full from
//     the input and the interrupt raised;
//   receive interrupt off (a polling driver, or nobody): bytes stay in the input, LSR
//     reports data ready while one waits, and reading RBR takes it.
#pragma once
#include <isok/types.hpp>
#include <vmm/bus.hpp>
#include <vmm/console.hpp>
#include <vmm/console_input.hpp>
#include <vmm/vplic.hpp>

namespace isok::vmm {

class VUart final : public MmioDevice {
public:
    static constexpr usize fifo_bytes = 16;

    // Register offsets (DLAB selects the divisor latch at 0 and 1).
    enum Reg : u64 { rbr_thr_dll = 0, ier_dlm = 1, iir_fcr = 2, lcr = 3, mcr = 4, lsr = 5, msr = 6, scr = 7 };
    // Bits used by the model and the tests.
    static constexpr u8 ier_rx = 1 << 0, ier_thre = 1 << 1, ier_line = 1 << 2;
    static constexpr u8 iir_none = 0x01, iir_line = 0x06, iir_rx = 0x04, iir_thre = 0x02, iir_fifo = 0xc0;
    static constexpr u8 lsr_dr = 1 << 0, lsr_oe = 1 << 1, lsr_thre = 1 << 5, lsr_temt = 1 << 6;
    static constexpr u8 lcr_dlab = 1 << 7, mcr_loop = 1 << 4, fcr_enable = 1 << 0, fcr_clear_rx = 1 << 1;

    VUart(GuestConsole& console, IrqLine irq) : console_(console), irq_(irq) {}

    bool read(u64 offset, u32 width, u64& value) override;
    bool write(u64 offset, u32 width, u64 value) override;

    // A byte for the guest to read, straight into the FIFO (dropped, with an overrun
    // reported in LSR, when the FIFO is full). Loopback uses it, and tests.
    void receive(u8 byte);

    // From now on typed input comes from `input` (Vm wires that when the VM has a UART).
    void take_input_from(ConsoleInput& input);
    // The input changed outside the UART (bytes arrived, another console took some):
    // refills the FIFO, and tells the interrupt and the kernel's LSR what is true now.
    void input_changed() { sync(); }

    // From now on the kernel keeps THR writes and answers LSR reads whenever the model
    // says it may (the console takes the kept bytes: Vm wires that).
    void attach(ConsoleAssist& assist);
    bool irq_level() const { return interrupt_id() != iir_none; }

private:
    u8 interrupt_id() const;
    bool takes_input() const { return input_ && !(mcr_ & mcr_loop); }
    bool reads_by_interrupt() const { return takes_input() && (ier_ & ier_rx); }
    bool data_ready() const { return fifo_count_ || (takes_input() && !input_->empty()); }
    void refill();
    void sync();
    u8 read_rbr();
    u8 read_iir();
    u8 read_lsr();
    u8 read_msr() const;
    void write_thr(u8 byte);
    void write_ier(u8 value);
    void write_fcr(u8 value);
    void update_irq() { irq_.set(irq_level()); }
    void tell_assist();

    GuestConsole& console_;
    IrqLine irq_;
    u8 ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0, dlm_ = 0;
    bool fifo_enabled_ = false;
    bool overrun_ = false;
    bool thre_interrupt_ = false; // "THR empty" reported until IIR is read or THR written
    u8 fifo_[fifo_bytes] = {};
    usize fifo_head_ = 0, fifo_count_ = 0;
    ConsoleInput* input_ = nullptr;
    ConsoleAssist* assist_ = nullptr;
    u64 told_bits_ = ~u64{0}; // what the assist was last told
    u8 told_lsr_ = 0;
};

} // namespace isok::vmm

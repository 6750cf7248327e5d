// Emulated ns16550a: the register behaviour of the TI/National PC16550D data sheet, as
// far as a guest driver (Linux's 8250, or a polling boot console) can observe it.
#include <isok/abi.hpp>
#include <vmm/vuart.hpp>

namespace isok::vmm {

void VUart::receive(u8 byte) {
    if (fifo_count_ == fifo_bytes) {
        overrun_ = true;
    } else {
        fifo_[(fifo_head_ + fifo_count_) % fifo_bytes] = byte;
        ++fifo_count_;
    }
    update_irq();
    tell_assist();
}

void VUart::take_input_from(ConsoleInput& input) {
    input_ = &input;
    sync();
}

// Only for a driver that reads by interrupt: a polling one takes bytes from the input
// itself (read_rbr), and one that does not read at all leaves them to the other consoles.
// Without FIFOs (FCR bit 0 clear) the receiver holds one byte, as a 16450's does.
void VUart::refill() {
    if (!reads_by_interrupt()) return;
    usize limit = fifo_enabled_ ? fifo_bytes : 1;
    u8 byte;
    while (fifo_count_ < limit && input_->take(byte)) {
        fifo_[(fifo_head_ + fifo_count_) % fifo_bytes] = byte;
        ++fifo_count_;
    }
}

// After anything that may change the receiver: the FIFO, the claim on the input, the
// interrupt line and what the kernel answers for LSR.
void VUart::sync() {
    if (input_) input_->claim(reads_by_interrupt());
    refill();
    update_irq();
    tell_assist();
}

void VUart::attach(ConsoleAssist& assist) {
    assist_ = &assist;
    tell_assist();
}

// The kernel may keep a THR write only when the model would do no more than send the
// byte: no divisor latch in its place, no THR-empty interrupt to raise, no loopback.
// It may answer an LSR read only when reading changes nothing (an overrun clears).
void VUart::tell_assist() {
    if (!assist_) return;
    u64 bits = 0;
    if (!(lcr_ & lcr_dlab) && !(ier_ & ier_thre) && !(mcr_ & mcr_loop)) bits |= abi::guest_console::keep_uart_writes;
    if (!overrun_) bits |= abi::guest_console::answer_uart_status;
    u8 status = lsr_thre | lsr_temt | (data_ready() ? lsr_dr : 0);
    if (bits == told_bits_ && status == told_lsr_) return;
    assist_->allow(bits, status);
    told_bits_ = bits;
    told_lsr_ = status;
}

// The highest-priority interrupt the IER lets through (data sheet, table "Interrupt
// Control Functions"): line status, then received data, then THR empty. Modem status
// never changes here, so it never interrupts.
u8 VUart::interrupt_id() const {
    if ((ier_ & ier_line) && overrun_) return iir_line;
    if ((ier_ & ier_rx) && fifo_count_) return iir_rx;
    if ((ier_ & ier_thre) && thre_interrupt_) return iir_thre;
    return iir_none;
}

u8 VUart::read_rbr() {
    u8 polled = 0;
    if (!fifo_count_) return takes_input() && input_->take(polled) ? polled : 0;
    u8 byte = fifo_[fifo_head_];
    fifo_head_ = (fifo_head_ + 1) % fifo_bytes;
    --fifo_count_;
    return byte;
}

u8 VUart::read_iir() {
    u8 id = interrupt_id();
    // Reading IIR while it reports THR empty clears that interrupt.
    if (id == iir_thre) thre_interrupt_ = false;
    return id | (fifo_enabled_ ? iir_fifo : 0);
}

u8 VUart::read_lsr() {
    u8 v = lsr_thre | lsr_temt | (data_ready() ? lsr_dr : 0) | (overrun_ ? lsr_oe : 0);
    overrun_ = false; // error bits clear on read
    return v;
}

u8 VUart::read_msr() const {
    // In loopback the modem inputs are wired to the outputs: DTR->DSR, RTS->CTS,
    // OUT1->RI, OUT2->DCD. Otherwise the line is up: DCD, DSR, CTS.
    if (mcr_ & mcr_loop) return u8((mcr_ & 0x1) << 5 | (mcr_ & 0x2) << 3 | (mcr_ & 0x4) << 4 | (mcr_ & 0x8) << 4);
    return 0xb0;
}

void VUart::write_thr(u8 byte) {
    if (mcr_ & mcr_loop) {
        receive(byte);
    } else {
        console_.put(char(byte));
    }
    // The byte left at once: THR is empty again and says so if asked to.
    thre_interrupt_ = true;
}

void VUart::write_ier(u8 value) {
    u8 was = ier_;
    ier_ = value & 0x0f;
    // Enabling the THR-empty interrupt while THR is empty raises it right away; Linux's
    // 8250 driver relies on this to start transmitting.
    if ((ier_ & ier_thre) && !(was & ier_thre)) thre_interrupt_ = true;
}

void VUart::write_fcr(u8 value) {
    fifo_enabled_ = value & fcr_enable;
    if (value & fcr_clear_rx) fifo_head_ = fifo_count_ = 0;
}

bool VUart::read(u64 offset, u32 width, u64& value) {
    if (width != 1) return false;
    bool dlab = lcr_ & lcr_dlab;
    switch (offset) {
    case rbr_thr_dll: value = dlab ? dll_ : read_rbr(); break;
    case ier_dlm: value = dlab ? dlm_ : ier_; break;
    case iir_fcr: value = read_iir(); break;
    case lcr: value = lcr_; break;
    case mcr: value = mcr_; break;
    case lsr: value = read_lsr(); break;
    case msr: value = read_msr(); break;
    case scr: value = scr_; break;
    default: value = 0; break;
    }
    // Only RBR, IIR and LSR change anything by being read (the FIFO, THR-empty, the
    // overrun): a read of another register costs no bookkeeping.
    bool changes = (offset == rbr_thr_dll && !dlab) || offset == iir_fcr || offset == lsr;
    if (changes) sync();
    return true;
}

bool VUart::write(u64 offset, u32 width, u64 value) {
    if (width != 1) return false;
    u8 v = u8(value);
    bool dlab = lcr_ & lcr_dlab;
    switch (offset) {
    case rbr_thr_dll:
        if (dlab)
            dll_ = v;
        else
            write_thr(v);
        break;
    case ier_dlm:
        if (dlab)
            dlm_ = v;
        else
            write_ier(v);
        break;
    case iir_fcr: write_fcr(v); break;
    case lcr: lcr_ = v; break;
    case mcr: mcr_ = v & 0x1f; break;
    case scr: scr_ = v; return true; // the scratch register changes nothing else
    default: break;                    // LSR and MSR are read-only
    }
    sync();
    return true;
}

} // namespace isok::vmm

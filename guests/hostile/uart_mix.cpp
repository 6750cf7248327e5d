// uart-mix: the console through the ns16550 as a guest driver may drive it, with every
// twist that must not change what the console shows: lines split between the UART and
// SBI, divisor-latch and loopback writes to the data register, a line far longer than
// the kernel keeps, an odd-width store, and a WFI with a prompt not yet ended.
#include "../mini/csr.hpp"
#include "hostile.hpp"

#include <isok/guest/sbi.hpp>

namespace hostile {
namespace {

using isok::u8;
namespace sbi = isok::guest::sbi;

enum : u64 { thr = 0, ier = 1, lcr = 3, mcr = 4, lsr = 5 };
constexpr u8 lsr_dr = 1 << 0, lsr_thre = 1 << 5, lcr_dlab = 1 << 7, lcr_8n1 = 0x03, mcr_loop = 1 << 4;

struct Uart {
    volatile u8* r;
    void put(char c) const {
        while (!(r[lsr] & lsr_thre)) {
        }
        r[thr] = u8(c);
    }
    void text(const char* s) const {
        for (; *s; ++s) put(*s);
    }
    void repeat(char c, u64 n) const {
        for (u64 i = 0; i < n; ++i) put(c);
    }
};

// Bytes straight to the SBI console, no prefix: they continue whatever line is open.
void sbi_text(const char* s) {
    for (; *s; ++s) sbi::legacy_putchar(*s);
}

} // namespace

void uart_mix(const Machine& m) {
    const isok::guest::Device* device = m.find("ns16550a");
    if (!device) {
        say("uart-mix: no ns16550a in my device tree");
        sbi::shutdown(true);
    }
    const Uart u{reinterpret_cast<volatile u8*>(device->reg.base)};
    u.text("uart: one whole line\r\n");
    u.text("uart: begun on the UART,");
    sbi_text(" ended through SBI\n");

    u.r[lcr] = lcr_dlab | lcr_8n1; // the data register is the divisor's low byte now
    u.r[thr] = 'A';
    u.r[ier] = 'B';
    u.r[lcr] = lcr_8n1;
    u.text("uart: after the divisor latch\r\n");

    u.r[mcr] = mcr_loop; // what is written comes back to the receiver, not to the line
    u.put('Z');
    u8 back = (u.r[lsr] & lsr_dr) ? u.r[thr] : 0;
    u.r[mcr] = 0;
    u.text(back == 'Z' ? "uart: loopback returned Z\r\n" : "uart: loopback lost its byte\r\n");

    *reinterpret_cast<volatile isok::u16*>(device->reg.base + thr) = 0x4848; // not a byte: ignored
    u.text("uart: after a 2-byte store\r\n");

    u.text("uart: flood ");
    u.repeat('f', 1000 - 12); // 1000 bytes on one line (with the 12 above): five console lines of 200
    u.text("\r\n");

    u64 start = mini::csr::read_instret();
    u.repeat('c', 100);
    u64 spent = mini::csr::read_instret() - start;
    u.text("\r\n");
    say("uart-mix: %lu instructions for 100 characters", spent);

    // A prompt, then idle with no interrupt enabled: only a hypervisor that hands the
    // kept bytes over on WFI (and lets the WFI end) lets this guest go on.
    u.text("uart: prompt> ");
    asm volatile("wfi");
    u.text("woke\r\n");
    say("uart-mix: done");
    sbi::shutdown(false);
}

} // namespace hostile

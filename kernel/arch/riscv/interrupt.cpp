// Interrupt dispatch: the timer drives the kernel tick; external interrupts are
// claimed from the PLIC, routed through the kernel's table and completed.
#include <arch/csr.hpp>
#include <arch/interrupt.hpp>
#include <arch/plic.hpp>
#include <arch/smp.hpp>
#include <kernel/irq.hpp>
#include <kernel/timer.hpp>

namespace arch::interrupt {
namespace {
Plic plic;
bool have_plic = false;
} // namespace

void init(const kernel::Platform& platform, volatile isok::u8* plic_registers) {
    if (!platform.has_plic) return;
    plic.init(plic_registers, platform.plic_ndev, platform.plic_context);
    have_plic = true;
}

bool enable_line(isok::u32 irq) { return have_plic && plic.enable(irq); }

void disable_line(isok::u32 irq) {
    if (have_plic) plic.disable(irq);
}

void handle(isok::u64 code) {
    switch (code) {
    case csr::irq_stimer: kernel::timer::on_interrupt(); return;
    case csr::irq_sext:
        if (!have_plic) return;
        // Drain every pending line: one external interrupt may stand for several.
        for (isok::u32 irq = plic.claim(); irq != 0; irq = plic.claim()) {
            kernel::irq::dispatch(irq);
            plic.complete(irq);
        }
        return;
    // Another hart's kick: taking it was the point, the scheduler runs on the way out.
    case csr::irq_ssoft: smp::clear_ipi(); return;
    default: return;
    }
}

} // namespace arch::interrupt

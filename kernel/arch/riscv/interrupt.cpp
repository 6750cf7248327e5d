// Interrupt dispatch: the timer drives the kernel tick; external interrupts are
// claimed from this hart's PLIC context, routed through the kernel's table and completed.
#include <arch/csr.hpp>
#include <arch/interrupt.hpp>
#include <arch/plic.hpp>
#include <arch/smp.hpp>
#include <kernel/hart.hpp>
#include <kernel/irq.hpp>
#include <kernel/timer.hpp>

namespace arch::interrupt {
namespace {

constexpr isok::u32 nowhere = kernel::Platform::no_plic_context;

Plic plic;
bool have_plic = false;
isok::u32 boot_context = 0;
// By kernel hart index: the context that hart claims from (nowhere: it takes no
// external interrupts, and lines enabled from it go to the boot hart's context).
isok::u32 context_of_hart[kernel::max_harts];
// Where each line is enabled now (nowhere: disabled). Written under the kernel lock.
isok::u32 line_context[kernel::irq::max_irqs];

isok::u32 this_context() { return context_of_hart[kernel::this_hart().index]; }

// The PLIC ignores a completion for a line not enabled on the context, and the handler
// has usually masked it (until the driver acknowledges): enable it just for the write.
void complete(isok::u32 irq, isok::u32 context) {
    const bool masked = irq >= kernel::irq::max_irqs || line_context[irq] != context;
    if (masked) plic.enable(irq, context);
    plic.complete(irq, context);
    if (masked) plic.disable(irq, context);
}

} // namespace

void init(const kernel::Platform& platform, volatile isok::u8* plic_registers) {
    for (isok::u32& c : context_of_hart) c = nowhere;
    for (isok::u32& c : line_context) c = nowhere;
    if (!platform.has_plic) return;
    plic.init(plic_registers, platform.plic_ndev);
    boot_context = platform.plic_context;
    have_plic = true;
    init_hart(platform, kernel::this_hart().hart_id);
}

void init_hart(const kernel::Platform& platform, isok::u32 hart_id) {
    if (!have_plic) return;
    const isok::u32 context = platform.plic_context_of(hart_id);
    if (context == nowhere) return;
    context_of_hart[kernel::this_hart().index] = context;
    plic.init_context(context);
    csr_set(sie, 1ull << csr::irq_sext);
}

bool enable_line(isok::u32 irq) {
    if (!have_plic || !plic.valid_line(irq) || irq >= kernel::irq::max_irqs) return false;
    isok::u32 context = this_context();
    if (context == nowhere) context = boot_context;
    if (line_context[irq] != nowhere && line_context[irq] != context) plic.disable(irq, line_context[irq]);
    plic.set_priority(irq, 1);
    plic.enable(irq, context);
    line_context[irq] = context;
    return true;
}

void disable_line(isok::u32 irq) {
    if (!have_plic || irq >= kernel::irq::max_irqs || line_context[irq] == nowhere) return;
    plic.disable(irq, line_context[irq]);
    line_context[irq] = nowhere;
}

void handle(isok::u64 code) {
    switch (code) {
    case csr::irq_stimer: kernel::timer::on_interrupt(); return;
    case csr::irq_sext: {
        const isok::u32 context = this_context();
        if (!have_plic || context == nowhere) return;
        // Drain every pending line: one external interrupt may stand for several.
        for (isok::u32 irq = plic.claim(context); irq != 0; irq = plic.claim(context)) {
            kernel::irq::dispatch(irq);
            complete(irq, context);
        }
        return;
    }
    // Another hart's kick: taking it was the point, the scheduler runs on the way out.
    case csr::irq_ssoft: smp::clear_ipi(); return;
    default: return;
    }
}

} // namespace arch::interrupt

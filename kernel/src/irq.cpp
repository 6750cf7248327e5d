// External interrupt table: one handler per interrupt line.
#include <kernel/hart.hpp>
#include <kernel/irq.hpp>

namespace kernel::irq {
namespace {
Handler handlers[max_irqs];
} // namespace

bool attach(isok::u32 irq, Handler handler) {
    // The same handler may attach again (an interrupt object made anew for its line).
    if (irq == 0 || irq >= max_irqs || (handlers[irq] && handlers[irq] != handler)) return false;
    handlers[irq] = handler;
    return true;
}

void detach(isok::u32 irq, Handler handler) {
    if (irq < max_irqs && handlers[irq] == handler) handlers[irq] = nullptr;
}

// A line nobody attached is claimed and completed by the caller, and otherwise ignored.
void dispatch(isok::u32 irq) {
    ++this_hart().device_interrupts;
    if (irq < max_irqs && handlers[irq]) handlers[irq](irq);
}

} // namespace kernel::irq

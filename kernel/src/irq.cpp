// External interrupt table: one handler per interrupt line.
#include <kernel/irq.hpp>

namespace kernel::irq {
namespace {
Handler handlers[max_irqs];
isok::u64 spurious_count = 0;
} // namespace

bool attach(isok::u32 irq, Handler handler) {
    if (irq == 0 || irq >= max_irqs || handlers[irq]) return false;
    handlers[irq] = handler;
    return true;
}

void dispatch(isok::u32 irq) {
    if (irq < max_irqs && handlers[irq])
        handlers[irq](irq);
    else
        ++spurious_count;
}

isok::u64 spurious() { return spurious_count; }

} // namespace kernel::irq

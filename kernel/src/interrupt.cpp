// Interrupt objects (see interrupt.hpp).
#include <arch/interrupt.hpp>
#include <kernel/interrupt.hpp>
#include <kernel/irq.hpp>
#include <kernel/notification.hpp>

namespace kernel {
namespace {

// The object of each line; the kernel's irq table holds only the function below.
Interrupt* lines[irq::max_irqs];

void on_fire(u32 line) {
    Interrupt* irq = line < irq::max_irqs ? lines[line] : nullptr;
    arch::interrupt::disable_line(line);
    if (!irq) return;
    irq->pending_ack = true;
    const Capability& n = irq->notification;
    if (n.live()) notification_signal(static_cast<Notification&>(*n.object), n.badge);
}

} // namespace

isok::Result<Interrupt*, Error> create_interrupt(Domain& holder, u32 line) {
    if (line == 0 || line >= irq::max_irqs || lines[line]) return isok::fail(Error::bad_argument);
    if (!irq::attach(line, on_fire)) return isok::fail(Error::busy);
    auto irq = create_object<Interrupt>(holder);
    if (!irq) return isok::fail(irq.error());
    (*irq)->line = line;
    lines[line] = *irq;
    return *irq;
}

Error interrupt_bind(Interrupt& irq, Capability& notification) {
    cap_delete(irq.notification);
    cap_derive(irq.notification, notification, notification.rights, notification.badge);
    irq.pending_ack = false;
    return arch::interrupt::enable_line(irq.line) ? Error::ok : Error::bad_state;
}

Error interrupt_ack(Interrupt& irq) {
    if (!irq.notification.live()) return Error::bad_state;
    irq.pending_ack = false;
    return arch::interrupt::enable_line(irq.line) ? Error::ok : Error::bad_state;
}

void destroy_interrupt(Interrupt& irq) {
    arch::interrupt::disable_line(irq.line);
    lines[irq.line] = nullptr;
    cap_delete(irq.notification);
    release_object(irq, sizeof(Interrupt));
}

} // namespace kernel

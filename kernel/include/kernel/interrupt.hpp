// Interrupt objects: a device's interrupt line handed to a user-level driver. A firing
// masks the line and signals the bound notification; the driver serves its device and
// acknowledges, which unmasks it. So a device that keeps its line raised costs the
// kernel one trap per acknowledgement, not a storm.
#pragma once
#include <kernel/capability.hpp>
#include <kernel/domain.hpp>

namespace kernel {

class Interrupt : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::interrupt;
    u32 line = 0;
    bool pending_ack = false; // fired, masked, not yet acknowledged
    Capability notification;  // derived from the bound notification capability (its badge is signalled)
};

// The interrupt object of a PLIC line, charged to holder; the line stays masked until bound.
isok::Result<Interrupt*, Error> create_interrupt(Domain& holder, u32 line);
Error interrupt_bind(Interrupt& irq, Capability& notification);
Error interrupt_ack(Interrupt& irq);
void destroy_interrupt(Interrupt& irq);

} // namespace kernel

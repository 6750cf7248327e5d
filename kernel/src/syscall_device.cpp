// System calls for user-level drivers: interrupt lines and the physical address of
// memory that a device reaches by DMA.
#include <kernel/interrupt.hpp>
#include <kernel/memory_object.hpp>
#include <kernel/notification.hpp>
#include <kernel/syscall.hpp>

namespace kernel {
namespace {
namespace abi = isok::abi;
namespace rights = abi::rights;
} // namespace

Error sys_interrupt_control(Thread& t, arch::TrapFrame& f) {
    auto irq = t.domain->caps.find<Interrupt>(f.a(0), rights::control);
    if (!irq) return irq.error();
    switch (abi::InterruptOp(f.a(1))) {
    case abi::InterruptOp::bind: {
        auto n = t.domain->caps.lookup(f.a(2), ObjectType::notification, rights::write);
        if (!n) return n.error();
        return interrupt_bind(**irq, **n);
    }
    case abi::InterruptOp::ack: return interrupt_ack(**irq);
    }
    return Error::bad_argument;
}

// Without an IOMMU a driver that programs DMA is trusted with physical memory anyway;
// the address of memory it controls tells it nothing else.
Error sys_memory_info(Thread& t, arch::TrapFrame& f) {
    auto m = t.domain->caps.find<Memory>(f.a(0), rights::control);
    if (!m) return m.error();
    f.a(1) = (*m)->base.raw();
    f.a(2) = (*m)->pages;
    return Error::ok;
}

} // namespace kernel

// Routing of external interrupts to their handlers in the kernel.
#pragma once
#include <isok/types.hpp>

namespace kernel::irq {

using Handler = void (*)(isok::u32 irq);
inline constexpr isok::u32 max_irqs = 128;

bool attach(isok::u32 irq, Handler handler);
// The line is the handler's no longer (nothing happens when another handler has it).
void detach(isok::u32 irq, Handler handler);
void dispatch(isok::u32 irq);

} // namespace kernel::irq

// Interrupt sources of the hart: the timer and the PLIC's external lines. A line is
// enabled on one hart's context at a time: the hart that enabled (or last acknowledged)
// it, which is where its driver runs, so the interrupt needs no second hop.
#pragma once
#include <isok/types.hpp>
#include <kernel/platform.hpp>

namespace arch::interrupt {

// Takes the PLIC (when the platform has one) and sets up the boot hart's context.
void init(const kernel::Platform& platform, volatile isok::u8* plic_registers);
// This hart's own context (Platform::plic_context_of): cleared, and its external
// interrupt enabled. A hart the PLIC does not wire leaves its lines to the boot hart.
void init_hart(const kernel::Platform& platform, isok::u32 hart_id);
// Enables the line on this hart's context, and off wherever it was enabled before.
bool enable_line(isok::u32 irq);
void disable_line(isok::u32 irq);
void handle(isok::u64 code);

} // namespace arch::interrupt

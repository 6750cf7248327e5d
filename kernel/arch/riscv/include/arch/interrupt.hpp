// Interrupt sources of the hart: the timer and the PLIC's external lines.
#pragma once
#include <isok/types.hpp>
#include <kernel/platform.hpp>

namespace arch::interrupt {

// Sets up the PLIC context of the boot hart when the platform has one.
void init(const kernel::Platform& platform, volatile isok::u8* plic_registers);
bool enable_line(isok::u32 irq);
void disable_line(isok::u32 irq);
void handle(isok::u64 code);

} // namespace arch::interrupt

// Ending the machine: success through SBI system reset; failure, where the board has
// a test finisher, through it so that the failure reaches whoever started the machine.
#pragma once
#include <kernel/platform.hpp>

namespace kernel::power {

// Remembers the finisher's registers (mapped by the kernel address space).
void init(const Platform& platform, volatile isok::u32* finisher);
[[noreturn]] void off(bool failure);

} // namespace kernel::power

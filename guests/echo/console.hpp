// The echo guest's console, read and written the same way: the ns16550a UART of the
// device tree when there is one (byte registers, reg-shift 0, polled), else the SBI:
// DBCN when the SBI has it, the legacy getchar and putchar when not.
#pragma once
#include <isok/guest/machine.hpp>
#include <isok/types.hpp>

namespace echo::console {

// Chooses the console from the machine and the SBI probe (guest::console::init has run).
void init(const isok::guest::Machine& machine);
// Where input comes from: "the uart", "sbi dbcn" or "sbi getchar".
const char* source();
// The next byte typed, or false when none is waiting.
bool read(isok::u8& byte);
// Formatted text, sent before returning; on the UART each '\n' goes out as "\r\n".
void print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vprint(const char* fmt, __builtin_va_list args);

} // namespace echo::console

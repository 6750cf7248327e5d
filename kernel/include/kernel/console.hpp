// The kernel console: SBI's console until the device tree names a UART, the UART after.
#pragma once
#include <isok/addr.hpp>
#include <kernel/platform.hpp>

namespace kernel::console {

void use_uart(volatile isok::u8* registers);
// Takes console input by interrupt from now on.
void listen(const Platform& platform);
void put(char c);
void write(const char* s);
void print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vprint(const char* fmt, __builtin_va_list args);

} // namespace kernel::console

// The kernel console: SBI's console until the device tree names a UART, the UART after,
// and the log that the console service drains once the service has claimed the UART.
#pragma once
#include <isok/addr.hpp>
#include <kernel/capability.hpp>
#include <kernel/platform.hpp>

namespace kernel::console {

void use_uart(volatile isok::u8* registers, isok::PhysAddr window);
// Takes console input by interrupt from now on (a system without a root: the kernel echoes).
void listen(const Platform& platform);
// The root is about to get the UART's interrupt line: the kernel takes no more input.
void stop_listening();
// Whether a device window is the UART's registers (the right to claim the console).
bool is_uart_window(isok::PhysAddr base);
// The console service takes the UART: output goes into the log from now on, and the
// listener (a notification) hears of it.
void hand_over(Capability& listener, isok::u64 badge);
// The kernel writes the UART again, first what the log still holds (a release, the
// service's notification gone, a panic).
void take_back();
// Tells the service of new output; takes the console back when the service is gone.
void tell_listener();
void put(char c);
// A domain's text (debug_write): the log marks whose it is; a marker byte in it becomes '?'.
void write_as(isok::u32 writer, const char* text, usize length);
void write(const char* s);
void print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vprint(const char* fmt, __builtin_va_list args);

} // namespace kernel::console

// Kernel console output: through SBI until the device tree names a UART, then the UART.
#include <arch/sbi.hpp>
#include <isok/format.hpp>
#include <kernel/console.hpp>
#include <kernel/irq.hpp>
#include <kernel/ns16550.hpp>
#include <arch/interrupt.hpp>

namespace kernel::console {
namespace {

Ns16550 uart;

void put_raw(char c) {
    if (uart.ready())
        uart.put(c);
    else
        arch::sbi::console_putchar(c);
}

void put_sink(void*, char c) { put(c); }

// Console input arrives by interrupt: echo it, and acknowledge each line so that
// the external-interrupt path can be seen working.
char line[80];
usize line_length = 0;

void on_input(isok::u32) {
    for (int c = uart.get(); c >= 0; c = uart.get()) {
        if (c == '\r' || c == '\n') {
            line[line_length] = 0;
            print("\nconsole: received '%s' by interrupt\n", line);
            line_length = 0;
        } else if (line_length + 1 < sizeof(line)) {
            line[line_length++] = char(c);
            put(char(c));
        }
    }
}

} // namespace

void use_uart(volatile isok::u8* registers) { uart.init(registers); }

void listen(const Platform& platform) {
    if (!platform.has_uart || !irq::attach(platform.uart.irq, on_input)) return;
    if (arch::interrupt::enable_line(platform.uart.irq)) uart.enable_receive_interrupt();
}

void put(char c) {
    if (c == '\n') put_raw('\r');
    put_raw(c);
}

void write(const char* s) {
    while (*s) put(*s++);
}

void vprint(const char* fmt, __builtin_va_list args) { isok::vformat(put_sink, nullptr, fmt, args); }

void print(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    vprint(fmt, args);
    __builtin_va_end(args);
}


} // namespace kernel::console

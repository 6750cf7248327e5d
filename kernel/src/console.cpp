// Kernel console output: through SBI until the device tree names a UART, then the UART,
// until the console service claims it; from then on into the log that the service drains.
#include <arch/sbi.hpp>
#include <isok/format.hpp>
#include <kernel/console.hpp>
#include <kernel/console_log.hpp>
#include <kernel/irq.hpp>
#include <kernel/ns16550.hpp>
#include <arch/interrupt.hpp>

namespace kernel::console {
namespace {

Ns16550 uart;
isok::PhysAddr uart_window; // the page of the UART's registers
u32 uart_line = 0;          // its interrupt line, while the kernel takes its input

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

void use_uart(volatile isok::u8* registers, isok::PhysAddr window) {
    uart.init(registers);
    uart_window = window;
}

void listen(const Platform& platform) {
    if (!platform.has_uart || !irq::attach(platform.uart.irq, on_input)) return;
    if (arch::interrupt::enable_line(platform.uart.irq)) uart.enable_receive_interrupt();
    uart_line = platform.uart.irq;
}

void stop_listening() {
    if (!uart_line) return;
    arch::interrupt::disable_line(uart_line);
    if (uart.ready()) uart.disable_interrupts();
    irq::detach(uart_line, on_input);
    uart_line = 0;
}

bool is_uart_window(isok::PhysAddr base) { return uart.ready() && base == uart_window; }

void hand_over(Capability& listener, u64 badge) {
    console_log::claim(listener, badge);
    tell_listener();
}

// What the log still holds goes out first, so nothing written is lost or reordered.
void take_back() {
    if (!console_log::claimed()) return;
    console_log::release();
    char bytes[64];
    isok::u64 dropped = 0;
    usize marker_left = 0; // bytes of a writer marker still to skip: the UART shows text only
    while (usize n = console_log::take(bytes, sizeof bytes, dropped))
        for (usize i = 0; i < n; ++i) {
            if (marker_left) {
                --marker_left;
            } else if (isok::u8(bytes[i]) == isok::abi::console_log_writer) {
                marker_left = isok::abi::console_log_marker_bytes - 1;
            } else {
                if (bytes[i] == '\n') put_raw('\r');
                put_raw(bytes[i]);
            }
        }
}

void tell_listener() {
    if (!console_log::tell_listener()) take_back();
}

void put(char c) {
    if (console_log::claimed()) {
        console_log::put(0, c);
        return;
    }
    if (c == '\n') put_raw('\r');
    put_raw(c);
}

void write_as(u32 writer, const char* text, usize length) {
    for (usize i = 0; i < length; ++i) {
        char c = isok::u8(text[i]) == isok::abi::console_log_writer ? '?' : text[i];
        if (console_log::claimed())
            console_log::put(writer, c);
        else
            put(c);
    }
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

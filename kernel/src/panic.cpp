// Kernel stop paths. Both end the machine through SBI system reset with a failure
// reason, so that QEMU exits with a non-zero status and tests notice.
#include <arch/cpu.hpp>
#include <kernel/power.hpp>
#include <kernel/console.hpp>
#include <kernel/panic.hpp>

namespace kernel {
namespace {

[[noreturn]] void stop(const char* banner, const char* fmt, __builtin_va_list args) {
    arch::disable_interrupts();
    console::take_back();
    console::write(banner);
    console::vprint(fmt, args);
    console::write("\n");
    power::off(true);
}

} // namespace

void panic(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    stop("\nKERNEL PANIC: ", fmt, args);
}

void refuse_boot(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    stop("boot refused: ", fmt, args);
}

} // namespace kernel

extern "C" [[noreturn]] void kernel_assert_failed(const char* expr, const char* file, int line) {
    kernel::panic("assertion '%s' failed at %s:%d", expr, file, line);
}

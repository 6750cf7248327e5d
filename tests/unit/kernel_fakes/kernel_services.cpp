// What the scheduler and IPC call outside themselves, in the simplest form a test can
// observe: console lines kept in memory, failed kernel assertions as C++ exceptions,
// and no vCPU bookkeeping (the list the timer walks is not under test here).
#include <kernel/assert.hpp>
#include <kernel/console.hpp>
#include <kernel/interrupt.hpp>
#include <kernel/vcpu.hpp>
#include <kernel_fakes/console.hpp>

#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace fake {

std::vector<std::string>& console_lines() {
    static std::vector<std::string> lines;
    return lines;
}

} // namespace fake

namespace kernel::console {

void print(const char* fmt, ...) {
    char line[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    fake::console_lines().emplace_back(line);
}

} // namespace kernel::console

namespace kernel::vcpu {

void add(Thread&) {}
void remove(Thread&) {}

} // namespace kernel::vcpu

// GoogleTest reports the exception as a failure of the test that tripped the assertion.
extern "C" void kernel_assert_failed(const char* expr, const char* file, int line) {
    throw std::logic_error(std::string("KERNEL_ASSERT(") + expr + ") at " + file + ":" + std::to_string(line));
}

// No interrupt lines on the host: destroy() reaches this only for an object no test makes.
namespace kernel {
void destroy_interrupt(Interrupt&) { throw std::logic_error("destroy_interrupt on the host"); }
} // namespace kernel

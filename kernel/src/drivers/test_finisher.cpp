// The "sifive,test0" finisher: a write of 0x5555 ends the machine with success,
// 0x3333 | code << 16 with failure and an exit code.
#include <arch/sbi.hpp>
#include <kernel/power.hpp>

namespace kernel::power {
namespace {
constexpr isok::u32 finisher_fail = 0x3333;
volatile isok::u32* finisher_registers = nullptr;
} // namespace

void init(const Platform& platform, volatile isok::u32* finisher) {
    if (platform.has_test_finisher) finisher_registers = finisher;
}

void off(bool failure) {
    if (failure && finisher_registers) *finisher_registers = finisher_fail | (1u << 16);
    arch::sbi::shutdown(failure);
}

} // namespace kernel::power

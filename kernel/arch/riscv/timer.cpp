// Supervisor timer: the deadline goes to stimecmp directly (Sstc) or through SBI.
#include <arch/cpu.hpp>
#include <arch/sbi.hpp>
#include <arch/timer.hpp>

namespace arch::timer {
namespace {
bool sstc = false;
}

void init(bool use_sstc) {
    sstc = use_sstc;
    program(~isok::u64{0});
}

bool uses_sstc() { return sstc; }

isok::u64 now() { return csr_read(time); }

void program(isok::u64 deadline) {
    if (sstc)
        csr_write(CSR_STIMECMP, deadline);
    else
        sbi::set_timer(deadline);
}

void enable() { csr_set(sie, 1ull << csr::irq_stimer); }

} // namespace arch::timer

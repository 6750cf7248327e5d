// The one hart of a host test: no other hart to start or interrupt, and the
// linker symbols the kernel places its per-hart stacks at (never used as stacks here).
#include <arch/smp.hpp>
#include <arch/timer.hpp>

#include <stdexcept>

extern "C" {
char __stacks_start[1];
char overflow_stacks[1];
}

namespace arch::smp {

isok::i64 start_hart(isok::u32, void*) { return -2; } // SBI_ERR_NOT_SUPPORTED: there is no other hart
void send_ipi(isok::u32) {}
void send_ipis(isok::u64) {}
void clear_ipi() {}
void enable_ipi() {}

// Only another hart could wake this one: with none, waiting would never end.
void wait_for_ipi(bool) { throw std::logic_error("waiting for an interrupt from another hart, on one hart"); }

} // namespace arch::smp

namespace arch::timer {

isok::u64 now() { return 0; }
void program(isok::u64) {}

} // namespace arch::timer

// The hart as the generic kernel sees it: interrupt masking, waiting, counters, probes.
#pragma once
#include <arch/csr.hpp>

namespace arch {

using isok::u64;

inline void enable_interrupts() { csr_set(sstatus, csr::sstatus_sie); }
inline void disable_interrupts() { csr_clear(sstatus, csr::sstatus_sie); }
inline void wait_for_interrupt() { asm volatile("wfi" ::: "memory"); }
inline void flush_tlb() { asm volatile("sfence.vma" ::: "memory"); }
// An enabled interrupt waits for the kernel to let it in (long operations stop for it).
inline bool interrupt_pending() { return (csr_read(sip) & csr_read(sie)) != 0; }
// Spinning: a hint that this hart waits on memory (Zihintpause; a plain fence elsewhere).
inline void spin_pause() { asm volatile(".insn i 0x0f, 0, x0, x0, 0x010" ::: "memory"); }

// The kernel keeps the running hart's own record (kernel::Hart) in tp; user tp is
// saved with the other registers on every trap.
inline void* this_hart_pointer() {
    void* p;
    asm("mv %0, tp" : "=r"(p));
    return p;
}
inline void set_this_hart_pointer(void* p) { asm volatile("mv tp, %0" ::"r"(p) : "memory"); }

// Under QEMU -icount these count retired instructions exactly.
inline u64 instructions_retired() { return csr_read(instret); }
inline u64 cycles() { return csr_read(cycle); }

void install_trap_vector();
// Lets user mode read cycle, time and instret (benchmarks count instructions).
inline void allow_user_counters() { csr_write(scounteren, 0x7); }

namespace detail {
extern volatile bool probing;
extern volatile bool probe_trapped;
} // namespace detail

// Runs f, which executes one 4-byte instruction that may trap (a CSR that may not
// exist, a load through the guest's translation); true if it did not trap.
template <class F> bool probe(F f) {
    detail::probe_trapped = false;
    detail::probing = true;
    f();
    detail::probing = false;
    return !detail::probe_trapped;
}

// True when reading the given CSR does not raise an illegal-instruction trap.
// Used to check, independently of the device tree, what the hart really has.
bool hart_has_hypervisor();
bool hart_has_sstc();

} // namespace arch

// The hart as the generic kernel sees it, for host builds: the interface of
// kernel/arch/riscv/include/arch/cpu.hpp with each instruction a call into the fake hart.
#pragma once
#include <arch/csr.hpp>

namespace arch {

using isok::u64;

void enable_interrupts();
void disable_interrupts();
// The kernel's idle loop waits here; on the host nothing can interrupt, so it ends the run.
void wait_for_interrupt();
void flush_tlb();
bool interrupt_pending();
void spin_pause();

// The running hart's own record (kernel::Hart), which the target keeps in tp.
void* this_hart_pointer();
void set_this_hart_pointer(void* p);

u64 instructions_retired();
u64 cycles();

void install_trap_vector();
void allow_user_counters();

bool hart_has_hypervisor();
bool hart_has_sstc();

} // namespace arch

// vCPUs as the generic kernel sees them: Threads in a VM's domain. What is theirs
// alone: waiting in WFI until a virtual interrupt is pending, and timers the kernel
// keeps for guests when the hart cannot (no Sstc).
#pragma once
#include <kernel/thread.hpp>

namespace kernel::vcpu {

void add(Thread& vcpu);
void remove(Thread& vcpu);

// The guest executed WFI: off the CPU until an interrupt is pending for it.
void wait_for_interrupt(Thread& vcpu);
// The VMM (or the kernel) raised or lowered virtual interrupts.
void raise(Thread& vcpu, u64 bits);
void lower(Thread& vcpu, u64 bits);
// The guest asked for a remote fence on this vCPU: whichever hart it is loaded on
// flushes the VM's VS-stage translations (and fence.i) before this returns; every
// other hart does when it next loads it.
void fence(Thread& vcpu);
// From the timer interrupt: expire guest timers, wake vCPUs; returns the earliest
// time a vCPU needs the hart's timer to fire (~0 for none).
u64 on_timer(u64 now);

} // namespace kernel::vcpu

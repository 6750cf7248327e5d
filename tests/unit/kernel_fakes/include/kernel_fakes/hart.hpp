// The fake hart: what the kernel asked of the processor in a host test (which address
// space, which vCPU, what the FPU holds) and the exceptions that stand for leaving the kernel.
#pragma once
#include <arch/context.hpp>
#include <arch/page_table.hpp>
#include <arch/vcpu.hpp>

#include <stdexcept>

namespace fake {

struct Hart {
    const arch::PageTable* space = nullptr;  // the table satp names (last activate)
    unsigned activations = 0;
    const arch::VcpuState* guest = nullptr;  // the vCPU loaded (enter_guest), null in host mode
    const arch::PageTable* guest_space = nullptr;
    arch::FpuState fpu;                      // the FPU register file
    unsigned fpu_saves = 0;
    unsigned fpu_restores = 0;
    bool interrupts_enabled = false;
    bool interrupt_waiting = false;          // what arch::interrupt_pending answers
    unsigned idles = 0;                      // waits for an interrupt
    unsigned parks = 0;                      // guest state unloaded before idling
};

Hart& hart();
// Zeroes the counts between tests. The state stays, as the kernel's own record of it
// (whose page table is active, who owns the FPU) stays across tests in one process.
void reset_counts();

// Thrown by arch::return_to_user: the kernel left for this context and never returns.
struct Resumed : std::runtime_error {
    explicit Resumed(arch::UserContext& c) : std::runtime_error("returned to user mode"), context(&c) {}
    arch::UserContext* context;
};

// Thrown by arch::wait_for_interrupt: nothing was runnable and the hart went idle.
struct Idle : std::runtime_error {
    Idle() : std::runtime_error("idle: nothing to run") {}
};

} // namespace fake

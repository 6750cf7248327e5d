// One hart as the kernel sees it: its stacks, what it runs, its ready queues and its
// guest state. Each hart reaches its own through tp; another hart's is touched only
// under the kernel lock, and its hardware state (satp, FPU, VS CSRs) only by itself.
#pragma once
#include <arch/cpu.hpp>
#include <arch/vcpu.hpp>
#include <kernel/max_harts.hpp>
#include <kernel/priority_bitmap.hpp>
#include <kernel/thread.hpp>

namespace kernel {

class Domain;

inline constexpr usize priority_levels = isok::abi::max_priority + 1;
static_assert(priority_levels == PriorityBitmap::levels);

struct Hart {
    // First, at fixed offsets: trap_entry.S reads them (see hart_layout below).
    u64 stack_top = 0;
    u64 stack_bottom = 0;
    u64 overflow_stack_top = 0;

    // What every kernel entry reads, near the start so tp reaches each in one
    // instruction: the thread on this hart; whose registers its FPU holds; whose page
    // table satp names; the bitmap of non-empty ready queues (scheduler.cpp).
    Thread* running = nullptr;
    const void* fpu_owner = nullptr;
    Domain* active_space = nullptr;
    PriorityBitmap nonempty;
    arch::HartGuest guest; // the vCPU whose VS state is loaded here, and the like
    // More than one hart runs: the kernel lock is taken, and another hart may take this
    // one's thread away while it waits for it (one hart needs neither).
    bool shared = false;

    u32 index = 0;   // 0 .. hart_count() - 1, the boot hart first
    u32 hart_id = 0; // the hardware's (mhartid)
    volatile bool online = false;

    // What another hart asks of this one (harts::Request bits, see ask()), and that
    // hart's id, to wake it when done.
    volatile u32 requests = 0;
    u32 asked_by = 0;

    u64 device_interrupts = 0; // PLIC lines claimed here (hart_info)
    // The thread whose system call this hart reclaims objects for; cleared if that
    // destroys it, so that nothing writes its registers.
    Thread* in_syscall = nullptr;

    u64 next_tick = ~u64{0};
    u64 next_wakeup = ~u64{0};

    // The scheduler's ready queues, one FIFO per priority.
    ThreadQueue ready[priority_levels];
};
namespace hart_layout {
inline constexpr usize stack_top = 0, stack_bottom = 8, overflow_stack_top = 16;
} // namespace hart_layout

inline Hart& this_hart() { return *static_cast<Hart*>(arch::this_hart_pointer()); }
Hart& hart(usize index);
usize hart_count();

namespace harts {
// The boot hart becomes hart 0 and starts using its own stack and tp.
void init_boot_hart(u32 hart_id);
// Starts every other hart the platform lists; one that does not start is reported and
// left out. Returns how many run, the boot hart included.
usize start_others(const u32* hart_ids, usize count, u64 timebase_hz);
// Makes hart `h` re-run its scheduler soon (an IPI); a no-op for this hart.
void kick(Hart& h);
// Makes hart `h` leave whatever it runs (thread, address space, guest state) and waits
// until it has: afterwards nothing of those is in use there. Called with the lock held.
void evict(Hart& h);
// A vCPU's VS state goes back to memory from whichever hart holds it loaded (that
// hart saves it and lets go), so it can be reset, moved or freed.
void unload_vcpu(arch::VcpuState& vcpu);
// Every hart whose satp names d's page table stops using it (before d's tables go).
void leave_space(const Domain& d);
// After an unmap in d (this hart flushed already): every other hart that may hold
// d's translations drops them before this returns, so the frames can be reused.
void shoot_down(const Domain& d);
// Hart h, where a vCPU is loaded, flushes its VM's VS-stage translations (vcpu::fence).
void fence_guest(Hart& h);
// After VMIDs start over: every other hart unloads its vCPU and drops all
// guest-physical translations, so no vCPU runs on under an old VMID.
void retag_guests_everywhere();
// What a hart does when asked (from its lock wait, without the lock: the asking hart
// holds it and waits).
void serve_requests(Hart& h);
} // namespace harts

} // namespace kernel

// vCPU bookkeeping (see vcpu.hpp). The list is short: it holds every vCPU of every VM.
#include <arch/vcpu.hpp>
#include <kernel/domain.hpp>
#include <kernel/hart.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/timer.hpp>
#include <kernel/vcpu.hpp>

namespace kernel::vcpu {
namespace {

// Every vCPU of every VM, however many their VMs' budgets pay for.
List<Thread, VcpuSet> all;

void wake(Thread& t) {
    if (!t.guest.waiting) return;
    t.guest.waiting = false;
    scheduler::make_ready(t);
}

} // namespace

void add(Thread& t) { all.push_front(t); }

void remove(Thread& t) { all.remove(t); }

void wait_for_interrupt(Thread& t) {
    if (arch::interrupt_pending(t.guest)) return;
    t.guest.waiting = true;
    scheduler::remove(t, ThreadState::blocked_wait);
    timer::wake_at(arch::timer_deadline(t.guest));
}

// A vCPU loaded on another hart takes the change when that hart next enters it.
void kick_loaded(u32 loaded_on) {
    if (loaded_on != arch::VcpuState::not_loaded) harts::kick(hart(loaded_on));
}

void raise(Thread& t, u64 bits) {
    ++t.counters.interrupts; // one raise, however many lines it sets
    kick_loaded(arch::raise_interrupts(t.guest, bits));
    if (arch::interrupt_pending(t.guest)) wake(t);
}

void lower(Thread& t, u64 bits) { kick_loaded(arch::lower_interrupts(t.guest, bits)); }

void fence(Thread& t) {
    for (const arch::VcpuState*& last : t.domain->guest_tags.last_vcpu)
        if (last == &t.guest) last = nullptr;
    u32 on = t.guest.loaded_on;
    if (on == arch::VcpuState::not_loaded) return;
    if (on == this_hart().index)
        arch::fence_guest_here();
    else
        harts::fence_guest(hart(on));
}

u64 on_timer(u64 now) {
    u64 earliest = ~u64{0};
    u32 here = this_hart().index;
    for (Thread* t = all.front(); t; t = List<Thread, VcpuSet>::next(*t)) {
        if (t->hart != here) continue; // each hart keeps the timers of its own vCPUs
        if (arch::expire_guest_timer(t->guest, now)) ++t->counters.interrupts;
        if (t->guest.waiting && arch::interrupt_pending(t->guest)) wake(*t);
        // A waiting vCPU needs the host timer for any of its timers; a running one only
        // for the SBI timer (the hart raises vstimecmp's itself).
        u64 deadline = t->guest.waiting ? arch::timer_deadline(t->guest) : t->guest.sbi_deadline;
        if (deadline > now && deadline < earliest) earliest = deadline;
    }
    return earliest;
}

} // namespace kernel::vcpu

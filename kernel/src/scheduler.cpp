// Scheduler: one ready queue per priority and a bitmap of non-empty queues, so the
// highest-priority ready thread is found in a few instructions.
#include <arch/context.hpp>
#include <arch/cpu.hpp>
#include <arch/kernel_space.hpp>
#include <arch/vcpu.hpp>
#include <kernel/assert.hpp>
#include <kernel/domain.hpp>
#include <kernel/scheduler.hpp>

namespace kernel::scheduler {
namespace {

constexpr usize levels = isok::abi::max_priority + 1;

ThreadQueue ready[levels];
u64 nonempty[levels / 64];
Thread* running = nullptr;
// Whose registers the FPU holds: a thread, nobody's (null: all zeros), or `residue`,
// values nobody may see: the firmware's at boot, a dead thread's after it died. One
// pointer, so that the switch below costs no more than an owner check.
const char residue_marker = 0;
const void* const residue = &residue_marker;
const void* fpu_owner = residue;
Domain* active_space = nullptr; // whose page table satp names

int highest_ready() {
    for (int w = int(levels / 64) - 1; w >= 0; --w)
        if (nonempty[w]) return w * 64 + 63 - __builtin_clzll(nonempty[w]);
    return -1;
}

void enqueue(Thread& t) {
    ready[t.priority].push_back(t);
    nonempty[t.priority / 64] |= 1ull << (t.priority % 64);
}

void dequeue(Thread& t) {
    ready[t.priority].remove(t);
    if (ready[t.priority].empty()) nonempty[t.priority / 64] &= ~(1ull << (t.priority % 64));
}

Thread* pick() {
    Thread* cur = running;
    int top = highest_ready();
    if (cur && cur->state == ThreadState::running) {
        bool expired = cur->slice_left == 0;
        if (expired) cur->slice_left = cur->time_slice;
        if (top < int(cur->priority) || (top == int(cur->priority) && !expired)) return cur;
        cur->state = ThreadState::ready;
        enqueue(*cur);
        top = highest_ready();
    }
    if (top < 0) return nullptr;
    Thread* next = ready[top].front();
    dequeue(*next);
    next->state = ThreadState::running;
    return next;
}

void switch_to(Thread& t) {
    if (t.vcpu) {
        arch::enter_guest(t.guest, t.domain->space, t.domain->vmid);
    } else {
        arch::enter_host();
        if (active_space != t.domain) {
            arch::activate(t.domain->space);
            active_space = t.domain;
        }
    }
    // A thread that never used the FPU runs on zeros (its saved state is all zero) and
    // must never see anyone else's values, living, dead or the firmware's.
    if (fpu_owner != &t && (t.fpu_used || fpu_owner != nullptr)) {
        arch::fpu_restore(t.context.fpu);
        fpu_owner = t.fpu_used ? &t : nullptr;
    }
}

} // namespace

Thread* current() { return running; }

void make_ready(Thread& t) {
    KERNEL_ASSERT(t.queue == nullptr);
    t.state = ThreadState::ready;
    enqueue(t);
}

void remove(Thread& t, ThreadState new_state) {
    if (t.state == ThreadState::ready) dequeue(t);
    t.state = new_state;
    if (new_state == ThreadState::dead) {
        // Never keep a pointer to a thread that may be destroyed next.
        if (running == &t) running = nullptr;
        if (fpu_owner == &t) fpu_owner = residue; // its values are still in the registers
    }
}

void hand_over(Thread& from, ThreadState state, Thread& to) {
    KERNEL_ASSERT(to.queue == nullptr);
    if (running == &from && int(to.priority) >= highest_ready()) {
        // The common IPC case: no queue is touched, the receiver simply runs next.
        from.state = state;
        to.state = ThreadState::running;
        running = &to;
        return;
    }
    remove(from, state);
    make_ready(to);
}

void yield(Thread& t) { t.slice_left = 0; }

bool may_run_next(const Thread& t) { return int(t.priority) >= highest_ready(); }

void switch_now(Thread& from, ThreadState state, Thread& to) {
    from.state = state;
    to.state = ThreadState::running;
    running = &to;
    switch_to(to);
    arch::return_to_user(to.context);
}

void set_priority(Thread& t, isok::u8 priority) {
    bool queued = t.state == ThreadState::ready;
    if (queued) dequeue(t);
    t.priority = priority;
    if (queued) enqueue(t);
}

void tick() {
    if (running && running->state == ThreadState::running && running->slice_left > 0) --running->slice_left;
}

void save_fpu_if_dirty(Thread& t) {
    arch::TrapFrame& f = t.frame();
    if ((f.sstatus & arch::sstatus_fs_mask) != arch::sstatus_fs_dirty) return;
    arch::fpu_save(t.context.fpu);
    t.fpu_used = true;
    fpu_owner = &t;
    f.sstatus = (f.sstatus & ~arch::sstatus_fs_mask) | arch::sstatus_fs_clean;
}

void exit_to_user() {
    for (;;) {
        Thread* next = pick();
        if (next) {
            running = next;
            switch_to(*next);
            arch::return_to_user(next->context);
        }
        running = nullptr;
        arch::park_guest();
        // Nothing to run: wait for an interrupt to make something ready.
        arch::enable_interrupts();
        arch::wait_for_interrupt();
        arch::disable_interrupts();
    }
}

} // namespace kernel::scheduler

// Scheduler: per hart, one ready queue per priority and a bitmap of non-empty queues,
// so the highest-priority ready thread is found in a few instructions. A thread runs
// on its own hart only (Thread::hart); making it ready elsewhere kicks that hart.
#include <arch/context.hpp>
#include <arch/cpu.hpp>
#include <arch/kernel_space.hpp>
#include <arch/vcpu.hpp>
#include <kernel/assert.hpp>
#include <kernel/domain.hpp>
#include <kernel/hart.hpp>
#include <kernel/kernel_lock.hpp>
#include <kernel/scheduler.hpp>

namespace kernel::scheduler {
namespace {

// Whose registers a hart's FPU holds: a thread, nobody's (null: all zeros), or
// `residue`, values nobody may see: the firmware's at boot, a dead thread's after it
// died. One pointer, so that the switch below costs no more than an owner check.
const char residue_marker = 0;
const void* const residue = &residue_marker;

int highest_ready(const Hart& h) { return h.nonempty.highest(); }

// Whether t may run on h ahead of the threads ready there: it is above them, or level
// with them and has time left in its slice (else its equals have their turn first).
bool runs_before_ready(const Hart& h, const Thread& t) {
    const int top = highest_ready(h);
    return int(t.priority) > top || (int(t.priority) == top && t.slice_left > 0);
}

// A thread joins the back of its queue; one whose slice ran out gets a fresh one there.
void enqueue(Thread& t) {
    if (t.slice_left == 0) t.slice_left = t.time_slice;
    Hart& h = hart(t.hart);
    h.ready[t.priority].push_back(t);
    h.nonempty.set(t.priority);
}

void dequeue(Thread& t) {
    Hart& h = hart(t.hart);
    h.ready[t.priority].remove(t);
    if (h.ready[t.priority].empty()) h.nonempty.clear(t.priority);
}

Thread* pick(Hart& h) {
    Thread* cur = h.running;
    int top = highest_ready(h);
    if (cur && cur->state == ThreadState::running) {
        bool expired = cur->slice_left == 0;
        if (expired) cur->slice_left = cur->time_slice;
        if (top < int(cur->priority) || (top == int(cur->priority) && !expired)) return cur;
        cur->state = ThreadState::ready;
        enqueue(*cur);
        top = highest_ready(h);
    }
    if (top < 0) return nullptr;
    Thread* next = h.ready[top].front();
    dequeue(*next);
    next->state = ThreadState::running;
    return next;
}

void switch_to(Hart& h, Thread& t) {
    if (t.vcpu) {
        arch::enter_guest(t.guest, t.domain->space, t.domain->guest_tags);
    } else {
        arch::enter_host();
        if (h.active_space != t.domain) {
            arch::activate(t.domain->space);
            h.active_space = t.domain;
        }
    }
    // A thread that never used the FPU runs on zeros (its saved state is all zero) and
    // must never see anyone else's values, living, dead or the firmware's.
    if (h.fpu_owner != &t && (t.fpu_used || h.fpu_owner != nullptr)) {
        arch::fpu_restore(t.context.fpu);
        h.fpu_owner = t.fpu_used ? &t : nullptr;
    }
}

[[noreturn]] void leave_kernel(Hart& h, Thread& t) {
    if (h.shared) kernel_lock::release();
    arch::return_to_user(t.context);
}

// Running on another hart: that hart must let go of it before it changes state.
void take_off_other_hart(Thread& t) {
    Hart& h = hart(t.hart);
    if (&h != &this_hart() && h.running == &t) harts::evict(h);
}

// t became ready on its hart: that hart re-schedules if t should run before what it runs.
void kick_if_preempts(Thread& t) {
    Hart& h = hart(t.hart);
    if (&h == &this_hart()) return;
    if (!h.running || t.priority > h.running->priority) harts::kick(h);
}

} // namespace

void init_hart(Hart& h) { h.fpu_owner = residue; }

Thread* current() { return this_hart().running; }

void make_ready(Thread& t) {
    KERNEL_ASSERT(t.queue == nullptr);
    t.state = ThreadState::ready;
    enqueue(t);
    kick_if_preempts(t);
}

void remove(Thread& t, ThreadState new_state) {
    if (t.state == ThreadState::running) take_off_other_hart(t);
    if (t.state == ThreadState::ready) dequeue(t);
    t.state = new_state;
    if (new_state == ThreadState::dead) {
        // Never keep a pointer to a thread that may be destroyed next.
        Hart& own = hart(t.hart);
        if (own.running == &t) own.running = nullptr;
        forget_fpu(t);
    }
}

void forget_fpu(Thread& t) {
    t.fpu_used = false;
    for (usize i = 0; i < hart_count(); ++i)
        if (hart(i).fpu_owner == &t) hart(i).fpu_owner = residue; // its values are still there
}

void hand_over(Thread& from, ThreadState state, Thread& to) {
    KERNEL_ASSERT(to.queue == nullptr);
    Hart& h = this_hart();
    if (h.running == &from && to.hart == h.index && runs_before_ready(h, to)) {
        // The common IPC case: no queue is touched, the receiver simply runs next.
        from.state = state;
        to.state = ThreadState::running;
        h.running = &to;
        return;
    }
    remove(from, state);
    make_ready(to);
}

void yield(Thread& t) { t.slice_left = 0; }

bool may_run_next(const Thread& t) {
    const Hart& h = this_hart();
    return t.hart == h.index && runs_before_ready(h, t);
}

void switch_now(Thread& from, ThreadState state, Thread& to) {
    Hart& h = this_hart();
    from.state = state;
    to.state = ThreadState::running;
    h.running = &to;
    switch_to(h, to);
    leave_kernel(h, to);
}

void set_priority(Thread& t, isok::u8 priority) {
    bool queued = t.state == ThreadState::ready;
    if (queued) dequeue(t);
    t.priority = priority;
    if (queued) {
        enqueue(t);
        kick_if_preempts(t);
    } else if (t.state == ThreadState::running && t.hart != this_hart().index) {
        harts::kick(hart(t.hart)); // lowered below a ready thread there, perhaps
    }
}

namespace {

// What t leaves in its old hart's registers: a vCPU's VS state goes back to memory (the
// new hart loads it from there), and that hart's FPU no longer counts as t's.
void leave_hart_state(Thread& t) {
    Hart& old = hart(t.hart);
    if (t.vcpu) harts::unload_vcpu(t.guest);
    if (old.fpu_owner == &t) old.fpu_owner = residue;
}

} // namespace

void set_hart(Thread& t, u32 index) {
    if (t.hart == index) return;
    if (t.state == ThreadState::running) take_off_other_hart(t);
    leave_hart_state(t);
    bool queued = t.state == ThreadState::ready;
    if (queued) dequeue(t);
    if (t.state == ThreadState::running) {
        // This hart's own current thread moves: it runs on here until it leaves the kernel.
        t.state = ThreadState::ready;
        this_hart().running = nullptr;
        queued = true;
    }
    t.hart = index;
    if (queued) {
        enqueue(t);
        kick_if_preempts(t);
    }
}

void tick() {
    Thread* running = this_hart().running;
    if (!running || running->state != ThreadState::running) return;
    // A sample, not a measure: the thread the tick found (domain_stats).
    ++running->counters.cpu_ticks;
    if (running->slice_left > 0) --running->slice_left;
    // A thread that serves a call (a VMM answering a vCPU's exit, a server its client)
    // works for its caller, so the caller's slice pays as well: otherwise a thread gets
    // more than its turn among its equals by having others compute for it. One level,
    // so a tick costs the same however long a chain of calls a user builds.
    if (Thread* caller = running->caller; caller && caller->slice_left > 0) --caller->slice_left;
}

void save_fpu_if_dirty(Thread& t) {
    arch::TrapFrame& f = t.frame();
    if ((f.sstatus & arch::sstatus_fs_mask) != arch::sstatus_fs_dirty) return;
    arch::fpu_save(t.context.fpu);
    t.fpu_used = true;
    this_hart().fpu_owner = &t;
    f.sstatus = (f.sstatus & ~arch::sstatus_fs_mask) | arch::sstatus_fs_clean;
}

void return_to(Thread& t) {
    Hart& h = this_hart();
    // What pick() and switch_to() would find, checked without them: t still runs here,
    // nothing ready goes before it, and the hart's space and FPU are still t's.
    const bool unchanged = h.running == &t && t.state == ThreadState::running && !t.vcpu &&
                           h.active_space == t.domain && runs_before_ready(h, t) &&
                           (h.fpu_owner == &t || (!t.fpu_used && h.fpu_owner == nullptr));
    if (unchanged) leave_kernel(h, t);
    exit_to_user();
}

void exit_to_user() {
    Hart& h = this_hart();
    for (;;) {
        Thread* next = pick(h);
        if (next) {
            h.running = next;
            switch_to(h, *next);
            leave_kernel(h, *next);
        }
        h.running = nullptr;
        arch::park_guest();
        // Nothing to run: wait for an interrupt to make something ready. WFI wakes on
        // an enabled interrupt even with interrupts off; it is taken below, under the lock.
        if (h.shared) kernel_lock::release();
        arch::wait_for_interrupt();
        if (h.shared) kernel_lock::acquire();
        arch::enable_interrupts();
        arch::disable_interrupts();
    }
}

} // namespace kernel::scheduler

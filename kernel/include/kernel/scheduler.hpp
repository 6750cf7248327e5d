// The one scheduler: fixed priorities, round robin among equals, a time slice per
// thread from the timer tick, on every hart. Threads and vCPUs are both Threads to it.
#pragma once
#include <kernel/thread.hpp>

namespace kernel {
struct Hart;
}

namespace kernel::scheduler {

// Every hart's scheduler state starts here (its FPU holds firmware values).
void init_hart(Hart& h);

Thread* current();
void make_ready(Thread& t);
// Takes a thread off the ready queue (or off the CPU) into a blocked or dead state.
void remove(Thread& t, ThreadState new_state);
// The running thread `from` blocks in `state` and `to`, just made runnable by IPC, runs
// next unless a thread of higher priority is ready, or one of its own with to's slice
// used up: a direct switch, no queue touched.
void hand_over(Thread& from, ThreadState state, Thread& to);
void yield(Thread& t);
// True when t, woken by IPC, would run next: nothing of higher priority is ready, nor
// an equal while t's slice is used up.
bool may_run_next(const Thread& t);
// The running thread `from` blocks in `state` and `to` runs at once (the IPC fast path).
[[noreturn]] void switch_now(Thread& from, ThreadState state, Thread& to);
void set_priority(Thread& t, isok::u8 priority);
// Moves t to another hart (an online hart's index); it runs there from now on.
void set_hart(Thread& t, u32 hart_index);
// One tick of the running thread's slice, and of its caller's while it serves a call.
void tick();
// Called on every entry from user mode: keeps a thread's FPU registers before anyone
// else can run.
void save_fpu_if_dirty(Thread& t);
// t starts over with zero FPU registers: no hart may take what it holds for t's.
void forget_fpu(Thread& t);
// Leaves the kernel into the best runnable thread; idles in WFI while there is none.
[[noreturn]] void exit_to_user();
// The same after t's own trap (a system call), straight back into t when nothing asked
// for another choice: the common case costs no scheduling and no switch.
[[noreturn]] void return_to(Thread& t);

} // namespace kernel::scheduler

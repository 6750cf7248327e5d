// The one scheduler: fixed priorities, round robin among equals, a time slice per
// thread from the timer tick. Threads now, vCPUs later: both are Threads to it.
#pragma once
#include <kernel/thread.hpp>

namespace kernel::scheduler {

Thread* current();
void make_ready(Thread& t);
// Takes a thread off the ready queue (or off the CPU) into a blocked or dead state.
void remove(Thread& t, ThreadState new_state);
void yield(Thread& t);
void set_priority(Thread& t, isok::u8 priority);
void tick();
// Called on every entry from user mode: keeps a thread's FPU registers before anyone
// else can run.
void save_fpu_if_dirty(Thread& t);
// Leaves the kernel into the best runnable thread; idles in WFI while there is none.
[[noreturn]] void exit_to_user();

} // namespace kernel::scheduler

// A thread's exception (page fault, illegal instruction, misaligned access...) goes
// to its exception handler as an IPC call; with no handler the thread is killed.
#pragma once
#include <kernel/thread.hpp>

namespace kernel {

void raise_exception(Thread& t, u64 cause, u64 pc, u64 address);
// Sends the message already in t.exception_words (VM exits fill it themselves).
void deliver_exception(Thread& t);

} // namespace kernel

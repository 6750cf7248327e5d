// A thread's exception (page fault, illegal instruction, misaligned access...) and a
// vCPU's VM exit go to its exception handler as an IPC call with one message layout
// (isok::abi::exception_message); with no handler the thread is killed.
#pragma once
#include <kernel/thread.hpp>

namespace kernel {

// The thread trapped (its frame holds the trap): describe it and call the handler.
void raise_exception(Thread& t);
// Calls the handler with the message already in t.exception_words (VM exits write it).
// `tally` is t's counter (counters.hpp) that this kind of exception adds one to once a
// handler has it: the caller knows which, and no cause is looked at twice.
void deliver_exception(Thread& t, u64& tally);

// The thread exits with `code`: its handler, when it has a usable one, is sent the exit
// notice (isok::abi::exit_label). The thread is dead, or waits for the handler to take
// the notice and then dies (endpoint.cpp); it never runs again either way.
void exit_thread(Thread& t, u64 code);

// Whether the handler's reply (its registers) is one the faulter can take: ok, or
// bad_argument (an unknown action; an inject to a thread, or of a cause no hart raises
// to a guest). Asked before anything is changed, so a bad reply loses nothing.
Error check_answer(const Thread& faulter, const arch::TrapFrame& reply);
// The checked reply to a thread in an exception: resume, emulated, inject or kill. True
// when the faulter may run again (it is not made ready here).
bool answer_exception(Thread& faulter, const arch::TrapFrame& reply);
// Whether that reply resumes the faulter in place (resume, emulated), asked by the fast
// path before committing to it.
bool answer_resumes(const arch::TrapFrame& reply);

} // namespace kernel

// The kernel's output once the console service has claimed the UART (abi::ConsoleLogOp):
// a byte ring that the service drains. Nothing here touches the UART; console.cpp
// decides where output goes.
#pragma once
#include <kernel/capability.hpp>

namespace kernel::console_log {

bool claimed();
// From now on output goes into the log and `listener` (a notification) hears of it,
// signalled with `badge` through a capability the log derives from it.
void claim(Capability& listener, u64 badge);
// The log is the kernel's no longer; what it still holds is the caller's to write out.
void release();

// A byte of `writer` (a domain id; 0: the kernel) into the log, after a writer marker
// (abi::console_log_writer) when the last byte was another's; dropped and counted when
// the log is full.
void put(u32 writer, char c);
// Whether n more bytes of writer fit, its marker included (debug_write refuses a line that
// does not fit, rather than cut it).
bool fits(u32 writer, usize n);
// Copies up to max of the oldest bytes out; `dropped` says how many found no room since
// the last forget. forget(n) then lets the first n go.
usize peek(char* out, usize max, u64& dropped);
void forget(usize n);
usize take(char* out, usize max, u64& dropped); // peek, then forget what it copied

// Signals the listener when the log gained bytes since it last heard. Called where the
// kernel may wake a thread (the end of debug_write, the tick), not inside every print.
// False when the listener is gone: the caller then takes the console back.
bool tell_listener();

} // namespace kernel::console_log

// The console protocol between the console service, which owns the machine's UART, and
// the domains that may take typed input (the manifest's [console] inputs: processes, and
// VMs through their VMMs). Output needs no protocol: every domain writes whole lines with
// debug_write, into the kernel's log, which the service drains onto the UART.
//
// Input travels the other way without the service ever waiting on a client: when bytes
// for a client are queued, the service signals the client's notification ("console.wait",
// bit input_signal); the client then calls the service's endpoint ("console", badged per
// client) to take them. A client that never reads loses only its own input: the service
// keeps at most queue_bytes per client and counts what it drops.
#pragma once
#include <isok/types.hpp>

namespace isok::console {

// The call's label.
enum class Op : u64 {
    read = 1, // () -> w0 = count | more, then the bytes, packed 8 to a word, little-endian
};

inline constexpr u64 more = u64(1) << 63;  // in the reply's w0: more bytes wait after these
inline constexpr u64 count_mask = 0xffff;  // the reply's w0: how many bytes follow
inline constexpr usize max_read = 248;     // bytes per reply: 31 words after w0
inline constexpr usize reply_words = 1 + max_read / 8;
inline constexpr u64 input_signal = 2;     // the notification bit (badge) that says "input waits"
inline constexpr usize queue_bytes = 4096; // what the service keeps per client

// Focus is switched by typing escape (Ctrl-]) followed by a key: a digit picks the
// n-th domain that takes input (0 is the control shell), 'n' the next one.
inline constexpr char escape = 0x1d;

} // namespace isok::console

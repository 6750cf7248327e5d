// What the roles of the smp test program share: their arguments, slots, stacks and
// threads of their own, and the CPU-bound work. One role per file (see main.cpp).
#pragma once
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>

namespace smp {

using isok::u64;
using isok::rt::Error;
using isok::abi::ObjectType;
namespace sys = isok::rt::sys;
namespace rights = isok::abi::rights;

inline constexpr u64 self = isok::startup::self_domain_slot;
inline constexpr u64 self_thread = isok::startup::self_thread_slot;
inline constexpr u64 rw = rights::read | rights::write;

// The number after "key=" in the arguments, or `fallback` when the key is absent.
u64 arg(const char* key, u64 fallback);
// Whether the arguments hold "key=value" exactly.
bool arg_is(const char* key, const char* value);

void init_slots(const isok::startup::Info& info);
u64 take_slot();
inline constexpr u64 fresh = ~u64{0}; // a slot argument: take a new one
// Creates an object in `slot` (a fresh one by default) and returns the slot, or ends the
// program. Destroying an object empties its slot, so a loop can reuse one.
u64 make(ObjectType type, u64 arg0 = 0, u64 arg1 = 0, u64 arg2 = 0, u64 slot = fresh);
// Ends the program when e is not ok: the step is no part of what the test checks.
void expect_ok(Error e, const char* what);

// Moves the calling (first) thread to `hart` and returns where hart_info then says it
// runs; the caller reports that, so a test sees each thread where it asked to be.
u64 move_to(u64 hart);
// `count` stacks of `bytes` each at fresh addresses: the top of the first is returned,
// the i-th's is that plus i * bytes.
u64 stacks(u64 count, u64 bytes);
// A thread of this process at entry(arg) with its stack at sp, at `priority`, on
// `hart`, with a one-tick time slice, in `slot`; not started.
u64 make_thread(void (*entry)(u64), u64 arg, u64 sp, u64 priority, u64 hart, u64 slot = fresh);

// `rounds` steps of FNV-1a over a counter: CPU-bound, no memory traffic, no system call.
u64 work(u64 rounds, u64 seed);

// The roles.
int cpu();
int starve();
int client(u64 endpoint);
int server(u64 endpoint);
int signals();
int stop();
int unmap();

} // namespace smp

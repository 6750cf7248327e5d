// What the roles of the smp test program share: their arguments, slots, stacks and
// threads of their own, and the CPU-bound work. One role per file (see main.cpp).
#pragma once
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include <test_objects/objects.hpp>

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

using test_objects::expect_ok;
using test_objects::fresh;
using test_objects::init_slots;
using test_objects::make;
using test_objects::stacks;
using test_objects::take_slot;

// Moves the calling (first) thread to `hart` and returns where hart_info then says it
// runs; the caller reports that, so a test sees each thread where it asked to be.
u64 move_to(u64 hart);
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

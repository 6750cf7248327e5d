// What every attack shares: the verdict it prints and the few kernel objects it makes
// for itself. An attack reports "refused" when the kernel stopped it and "BREACH" when
// it got what it was after; the attack system tests read those lines.
#pragma once
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include <test_objects/objects.hpp>

namespace attack {

using isok::u64;
using isok::rt::Error;
using isok::abi::ObjectType;
namespace sys = isok::rt::sys;
namespace rights = isok::abi::rights;

inline constexpr u64 self = isok::startup::self_domain_slot;
inline constexpr u64 self_thread = isok::startup::self_thread_slot;
inline constexpr u64 rw = rights::read | rights::write;

// Slots past the grants, objects and stacks of its own (a failure there is no verdict).
using test_objects::expect_ok;
using test_objects::init_slots;
using test_objects::make;
using test_objects::stacks;
using test_objects::take_slot;

void refused(const char* attack, const char* how);
void breach(const char* attack, const char* what);
// One step that must be refused with `want`: a breach when it is not.
bool expect_refusal(const char* attack, const char* step, Error got, Error want);

// A thread of this process at `entry(arg)` on the stack at `sp`, with `handler` as its
// exception handler; not started.
u64 make_thread(void (*entry)(u64), u64 arg, u64 sp, u64 handler);

// The attacks, one per file.
void stale_frame();
void kill_chain(u64 length);
void priority();
void fpu_victim();
void fpu_spy();
void release_cost();
void leftovers();
void device_window();
void reply_grant();
void stale_buffer();
void revoke();
void revoke_latency();

} // namespace attack

// Kernel objects a test program makes for itself: free slots taken from the top of its
// capability space down, objects it pays for, and stacks for threads of its own. A step
// that fails here is no part of what a test checks: the program ends with the reason.
#pragma once
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>

namespace test_objects {

using isok::u64;

void init_slots(const isok::startup::Info& info);
u64 take_slot();
inline constexpr u64 fresh = ~u64{0}; // a slot argument: take a new one
// Creates an object in `slot` (a fresh one by default) and returns the slot. Destroying
// an object empties its slot, so a loop can reuse one.
u64 make(isok::abi::ObjectType type, u64 arg0 = 0, u64 arg1 = 0, u64 arg2 = 0, u64 slot = fresh);
void expect_ok(isok::rt::Error e, const char* what);
// `count` stacks of `bytes` each, mapped at fresh addresses: the top of the first is
// returned, the i-th's is that plus i * bytes.
u64 stacks(u64 count, u64 bytes);

} // namespace test_objects

// The attacker's own bookkeeping: slots, helper threads and the verdict lines.
#include "attack.hpp"

namespace attack {
namespace {

u64 next_free = 0;
u64 helper_stacks = 0;
constexpr u64 stack_area = 0x20000000;  // helper stacks, 1 page each
constexpr u64 max_helpers = 64;

} // namespace

void init_slots(const isok::startup::Info& info) { next_free = info.cap_slots - 1; }

u64 take_slot() { return next_free--; }

u64 make(ObjectType type, u64 arg0, u64 arg1, u64 arg2) {
    u64 slot = take_slot();
    Error e = sys::create(type, slot, self, arg0, arg1, arg2);
    if (e != Error::ok) isok::rt::fatal("attacker: create: %s\n", isok::rt::error_name(e));
    return slot;
}

void refused(const char* attack, const char* how) { isok::rt::print("attack %s: refused: %s\n", attack, how); }

void breach(const char* attack, const char* what) { isok::rt::print("attack %s: BREACH: %s\n", attack, what); }

bool expect_refusal(const char* attack, const char* step, Error got, Error want) {
    if (got == want) {
        isok::rt::print("attack %s: %s: %s\n", attack, step, isok::rt::error_name(got));
        return true;
    }
    isok::rt::print("attack %s: BREACH: %s: %s, not %s\n", attack, step, isok::rt::error_name(got),
                    isok::rt::error_name(want));
    return false;
}

u64 spawn(void (*entry)(u64), u64 arg, u64 n, u64 handler, bool go) {
    if (!helper_stacks) {
        helper_stacks = make(ObjectType::memory, max_helpers);
        if (Error e = sys::map(self, helper_stacks, 0, stack_area, max_helpers, rw); e != Error::ok)
            isok::rt::fatal("attacker: helper stacks: %s\n", isok::rt::error_name(e));
    }
    if (n >= max_helpers) isok::rt::fatal("attacker: helper %lu of %lu\n", n, max_helpers);
    u64 thread = take_slot();
    Error e = sys::create(ObjectType::thread, thread, self, 100);
    if (e == Error::ok) e = sys::set_registers(thread, u64(isok::uptr(entry)), stack_area + (n + 1) * 4096, arg);
    if (e == Error::ok && handler) e = sys::set_exception_handler(thread, handler);
    if (e == Error::ok && go) e = sys::start(thread);
    if (e != Error::ok) isok::rt::fatal("attacker: helper thread: %s\n", isok::rt::error_name(e));
    return thread;
}

} // namespace attack

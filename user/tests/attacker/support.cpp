// The attacker's own bookkeeping: slots, stacks, threads and the verdict lines.
#include "attack.hpp"

namespace attack {
namespace {

u64 next_free = 0;
u64 next_stack_area = 0x20000000;

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

u64 stacks(u64 count, u64 bytes) {
    u64 pages = (count * bytes + 4095) / 4096;
    u64 memory = make(ObjectType::memory, pages);
    u64 base = next_stack_area;
    if (Error e = sys::map(self, memory, 0, base, pages, rw); e != Error::ok)
        isok::rt::fatal("attacker: stacks: %s\n", isok::rt::error_name(e));
    next_stack_area += (pages + 1) * 4096; // an unmapped page between two areas
    return base + bytes;
}

u64 make_thread(void (*entry)(u64), u64 arg, u64 sp, u64 handler) {
    u64 thread = take_slot();
    Error e = sys::create(ObjectType::thread, thread, self, 100);
    if (e == Error::ok) e = sys::set_registers(thread, u64(isok::uptr(entry)), sp, arg);
    if (e == Error::ok) e = sys::set_exception_handler(thread, handler);
    if (e != Error::ok) isok::rt::fatal("attacker: thread: %s\n", isok::rt::error_name(e));
    return thread;
}

} // namespace attack

// The attacker's own threads and the verdict lines.
#include "attack.hpp"

namespace attack {

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


u64 make_thread(void (*entry)(u64), u64 arg, u64 sp, u64 handler) {
    u64 thread = take_slot();
    Error e = sys::create(ObjectType::thread, thread, self, 100);
    if (e == Error::ok) e = sys::set_registers(thread, u64(isok::uptr(entry)), sp, arg);
    if (e == Error::ok) e = sys::set_exception_handler(thread, handler);
    if (e != Error::ok) isok::rt::fatal("attacker: thread: %s\n", isok::rt::error_name(e));
    return thread;
}

} // namespace attack

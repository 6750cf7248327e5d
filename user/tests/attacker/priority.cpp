// Priority escalation: a process whose manifest gives it priority 100 (and no higher
// maximum) tries to make or raise a thread above that, directly or through a domain it
// creates. Every way must be refused; a thread at 255 spinning would starve everyone.
#include "attack.hpp"

namespace attack {
namespace {

constexpr const char* name = "priority";

[[noreturn]] void spin(u64) {
    for (;;) asm volatile("" ::: "memory");
}

} // namespace

void priority() {
    bool held = true;
    u64 t = take_slot();
    Error made = sys::create(ObjectType::thread, t, self, 255);
    held &= expect_refusal(name, "create a thread at 255", made, Error::no_rights);
    if (made == Error::ok) {
        // What the attack is for: a spinner above everyone.
        (void)sys::set_registers(t, u64(isok::uptr(spin)), stacks(1, 4096), 0);
        (void)sys::start(t);
    }
    held &= expect_refusal(name, "create a thread at 101", sys::create(ObjectType::thread, take_slot(), self, 101),
                           Error::no_rights);
    held &= expect_refusal(name, "raise itself to 255", sys::set_priority(self_thread, 255), Error::no_rights);
    held &= expect_refusal(name, "raise itself to 101", sys::set_priority(self_thread, 101), Error::no_rights);
    held &= expect_refusal(name, "create a domain whose maximum is 255",
                           sys::create(ObjectType::domain, take_slot(), self, 64 * 1024, 16, 255), Error::no_rights);
    u64 child = make(ObjectType::domain, 64 * 1024, 16, 100);
    held &= expect_refusal(name, "create a thread at 101 in a domain of its own",
                           sys::create(ObjectType::thread, take_slot(), child, 101), Error::no_rights);
    held &= expect_refusal(name, "create a thread at its own priority", sys::create(ObjectType::thread, take_slot(), self, 100),
                           Error::ok);
    if (held) refused(name, "no thread above its maximum priority");
}

} // namespace attack

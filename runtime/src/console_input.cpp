// Typed input from the console service (console_input.hpp): wait for its signal, then
// call it for the bytes; what does not fit the caller's buffer waits here for the next.
#include <isok/console.hpp>
#include <isok/rt/console_input.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>

namespace isok::rt {
namespace {

struct Pending {
    u8 bytes[console::max_read];
    usize used = 0, next = 0;
};
Pending pending;

// One read call; false when the service's answer is not one (a broken reply is no input).
bool fetch(u64 service, bool& more) {
    Message m(u64(console::Op::read), 0);
    if (call(service, m) != Error::ok || m.label() != 0 || m.length() < 1) return false;
    u64 n = m.word(0) & console::count_mask;
    more = m.word(0) & console::more;
    if (n > console::max_read || (n + 7) / 8 > m.length() - 1) return false;
    pending.used = m.get_bytes(1, pending.bytes, n);
    pending.next = 0;
    return true;
}

} // namespace

InputRead read_input(void* buffer, usize max) {
    static const u64 service = cap_slot("console", abi::no_slot);
    static const u64 wait = cap_slot("console.wait", abi::no_slot);
    if (service == abi::no_slot || wait == abi::no_slot) return {Error::no_rights, 0};
    while (pending.next == pending.used) {
        bool more = false;
        if (!fetch(service, more)) return {Error::bad_state, 0};
        if (pending.used == 0 && !more) {
            if (auto w = sys::wait(wait); w.error != Error::ok) return {w.error, 0};
        }
    }
    usize n = min(max, pending.used - pending.next);
    __builtin_memcpy(buffer, pending.bytes + pending.next, n);
    pending.next += n;
    return {Error::ok, n};
}

} // namespace isok::rt

// Reading typed input from the console service (isok/console.hpp's read call).
#include "console_service.hpp"

#include <isok/rt/ipc.hpp>

namespace isok::vmm {

using rt::Error;

// One read call; the bytes go to the guest. Returns whether the service says more wait.
// The reply is checked, never trusted: its length bounds the bytes taken from it.
bool ConsoleService::fetch(Vm& vm) {
    rt::Message m(u64(console::Op::read), 0);
    if (Error e = rt::call(endpoint_, m); e != Error::ok)
        return broken(vm, "the read call failed: ", rt::error_name(e));
    if (m.label() != 0 || m.length() < 1) return broken(vm, "the reply is not a read's");
    u64 count = m.word(0) & console::count_mask;
    if (count > console::max_read || (count + 7) / 8 > m.length() - 1)
        return broken(vm, "the reply counts more bytes than it holds");
    u8 bytes[console::max_read];
    usize got = m.get_bytes(1, bytes, usize(count));
    (void)vm.console_input(bytes, got); // the room was checked: everything fits
    return m.word(0) & console::more;
}

bool ConsoleService::broken(Vm& vm, const char* why, const char* detail) {
    if (!told_broken_) vm.console().message("vmm: console input: %s%s; taken as no input", why, detail);
    told_broken_ = true;
    return false;
}

} // namespace isok::vmm

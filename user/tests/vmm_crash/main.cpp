// vmm_crash: the VMM of vmm/main.cpp, unchanged, that faults mid-run when its VM's boot
// arguments ask: "vmm.crash=always" on every run, "vmm.crash=once" on the first run of its
// domain only (a restart keeps the domain, and in it the marker capability the first run
// made). It faults right after it has passed on the guest's line with "timer sbi:" in it
// (the mini guest's first timer check), or with the word "vmm.crash_at=WORD" names: the
// guest has booted and is in the middle of its work, its VM running.
#include <isok/console.hpp>
#include <isok/format.hpp>
#include <isok/links.hpp>
#include <isok/string.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/counters.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/vm_config.hpp>
#include "console_service.hpp"
#include <vmm/block_client.hpp>
#include <vmm/layout.hpp>
#include <vmm/switch_port.hpp>
#include <vmm/vm.hpp>
#include <vmm/vm_links.hpp>

namespace isok::rt::sys {
Error watched_debug_write(const char* text, usize length);
}

// The VMM's own source, its main renamed and its console output watched; every header it
// includes is in already, so the renames touch nothing but that file.
#define main vmm_main
#define debug_write watched_debug_write
#include "../../../vmm/main.cpp"
#undef debug_write
#undef main

namespace {

bool armed = false;
char trigger[32] = "timer sbi:";

bool contains(const char* text, usize length, const char* word) {
    for (usize at = 0; at < length; ++at) {
        usize i = 0;
        while (word[i] && at + i < length && text[at + i] == word[i]) ++i;
        if (!word[i]) return true;
    }
    return false;
}

// The word after "vmm.crash_at=", up to a space, as the trigger; the default otherwise.
void find_trigger(const char* args, usize length) {
    const char key[] = "vmm.crash_at=";
    for (usize at = 0; at + sizeof key - 1 < length; ++at) {
        if (!contains(args + at, sizeof key - 1, key)) continue;
        usize n = 0;
        for (usize i = at + sizeof key - 1; i < length && args[i] != ' ' && n + 1 < sizeof trigger; ++i)
            trigger[n++] = args[i];
        trigger[n] = 0;
        return;
    }
}

// Whether this run faults. The marker goes in the last slot of the VMM's space, where the
// root puts nothing; it outlives the run because a restart keeps the domain.
bool arm(const startup::Info& info) {
    const char* args = reinterpret_cast<const vm::Config*>(vm::vm_config_address)->bootargs;
    usize length = str_length_bounded(args, sizeof(vm::Config::bootargs));
    find_trigger(args, length);
    if (contains(args, length, "vmm.crash=always")) return true;
    if (!contains(args, length, "vmm.crash=once")) return false;
    Error e = rt::sys::create(abi::ObjectType::notification, info.cap_slots - 1, startup::self_domain_slot);
    return e == Error::ok; // slot_in_use: an earlier run made it
}

} // namespace

Error isok::rt::sys::watched_debug_write(const char* text, usize length) {
    Error e = debug_write(text, length);
    if (armed && contains(text, length, trigger)) {
        rt::print("vmm_crash: faulting on purpose\n");
        *reinterpret_cast<volatile u64*>(8) = 0xbad; // page zero is never mapped
    }
    return e;
}

int main(const startup::Info& info) {
    armed = arm(info);
    return vmm_main(info);
}

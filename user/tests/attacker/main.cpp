// attacker: one hostile process, the attack named by its arguments ("stale-frame",
// "kill-chain", "priority", "fpu-victim", "fpu-spy", "release-cost", "leftovers",
// "device-window", "reply-grant", "stale-buffer", "revoke", "revoke-latency").
// Each attack is the one a review found to work against an earlier kernel; here each
// reports whether the kernel refused it. The system tests run it beside a witness
// process and a VM (tests/system/attack_test.cpp).
#include "attack.hpp"

namespace {

bool is(const char* args, const char* name) {
    const char* prefix = "attack=";
    while (*prefix)
        if (*args++ != *prefix++) return false;
    while (*name)
        if (*args++ != *name++) return false;
    return *args == 0 || *args == ' ';
}

} // namespace

int main(const isok::startup::Info& info) {
    attack::init_slots(info);
    const char* a = info.args;
    if (is(a, "stale-frame")) attack::stale_frame();
    else if (is(a, "kill-chain")) attack::kill_chain(2000);
    else if (is(a, "priority")) attack::priority();
    else if (is(a, "fpu-victim")) attack::fpu_victim();
    else if (is(a, "fpu-spy")) attack::fpu_spy();
    else if (is(a, "release-cost")) attack::release_cost();
    else if (is(a, "leftovers")) attack::leftovers();
    else if (is(a, "device-window")) attack::device_window();
    else if (is(a, "reply-grant")) attack::reply_grant();
    else if (is(a, "stale-buffer")) attack::stale_buffer();
    else if (is(a, "revoke")) attack::revoke();
    else if (is(a, "revoke-latency")) attack::revoke_latency();
    else isok::rt::fatal("attacker: unknown attack '%s'\n", a);
    isok::rt::print("attacker done\n");
    return 0;
}

// FPU registers across domains: a victim leaves a secret in f7 and exits; a spy that
// never writes a floating-point register reads f7 again and again afterwards. The spy
// must only ever see zeros (its own, untouched state), never the victim's value.
#include <isok/rt/counters.hpp>

#include "attack.hpp"

namespace attack {
namespace {

constexpr u64 secret = 0x5ec7e75ec7e75ec7;

u64 read_f7() {
    u64 v;
    asm volatile("fmv.x.d %0, f7" : "=r"(v));
    return v;
}

} // namespace

void fpu_victim() {
    asm volatile("fmv.d.x f7, %0" ::"r"(secret));
    sys::yield(); // the kernel saves the FPU on the way: the victim owns it
    isok::rt::print("attack fpu-victim: secret in f7 (%s), exiting\n", read_f7() == secret ? "kept" : "lost");
}

void fpu_spy() {
    constexpr const char* name = "fpu-spy";
    // Wait out the victim, reading all the while: every read is a chance to see it.
    u64 reads = 0, secrets = 0, others = 0;
    for (u64 round = 0; round < 200; ++round) {
        u64 v = read_f7();
        ++reads;
        if (v == secret) ++secrets;
        else if (v != 0) ++others;
        sys::yield();
    }
    isok::rt::print("attack %s: %lu reads of f7: %lu saw the secret, %lu saw another non-zero value\n", name, reads,
                    secrets, others);
    if (secrets || others)
        breach(name, "another domain's floating-point registers");
    else
        refused(name, "f7 was always zero");
}

} // namespace attack

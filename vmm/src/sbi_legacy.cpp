// Legacy SBI v0.1 calls (SBI 2.0, chapter 5) that guests still use: Linux 6.1's hvc0 and
// earlycon=sbi print through putchar. They return one value in a0 and leave a1 alone.
#include <vmm/sbi.hpp>

namespace isok::vmm {

namespace {

SbiResult legacy(i64 value, SbiFlow flow = SbiFlow::legacy) { return {sbi::success, u64(value), flow}; }

SbiResult set_timer(SbiEnv& env, const SbiCall& call) {
    (void)sbi_set_timer(env, call.arg[0]);
    return legacy(0);
}

SbiResult console_putchar(SbiEnv& env, const SbiCall& call) {
    env.console.put(char(call.arg[0] & 0xff));
    return legacy(0);
}

// The next typed byte, or -1 when none waits (the guest polls again).
SbiResult console_getchar(SbiEnv& env, const SbiCall&) {
    u8 byte;
    return env.input.take(byte) ? legacy(byte) : legacy(-1);
}

SbiResult shutdown(SbiEnv&, const SbiCall&) { return legacy(0, SbiFlow::power_off); }

} // namespace

const SbiExtension sbi_legacy_set_timer = {sbi::ext_legacy_set_timer, sbi::ext_legacy_set_timer, set_timer};
const SbiExtension sbi_legacy_putchar = {sbi::ext_legacy_putchar, sbi::ext_legacy_putchar, console_putchar};
const SbiExtension sbi_legacy_getchar = {sbi::ext_legacy_getchar, sbi::ext_legacy_getchar, console_getchar};
const SbiExtension sbi_legacy_shutdown = {sbi::ext_legacy_shutdown, sbi::ext_legacy_shutdown, shutdown};

} // namespace isok::vmm

// SBI Timer extension (SBI 2.0, chapter 6). The kernel resolves set_timer itself (it is
// the most frequent exit of a running OS and the timer is privileged state), so this is
// a fallback for a kernel that forwards it: the VMM records the deadline, clears a
// pending timer interrupt as the spec asks, and raises it at once for a deadline that
// has passed. A future deadline fires only if the kernel arms it; the VMM has no timer.
#include <vmm/sbi.hpp>

namespace isok::vmm {

SbiResult sbi_set_timer(SbiEnv& env, u64 deadline) {
    env.harts.hart[env.caller].timer_deadline = deadline;
    if (deadline <= env.vcpus.now())
        env.vcpus.raise(env.caller, hvip::vstip);
    else
        env.vcpus.lower(env.caller, hvip::vstip);
    return {sbi::success, 0};
}

namespace {

SbiResult time(SbiEnv& env, const SbiCall& call) {
    if (call.function != 0) return {sbi::err_not_supported, 0};
    return sbi_set_timer(env, call.arg[0]);
}

} // namespace

const SbiExtension sbi_time = {sbi::ext_time, sbi::ext_time, time};

} // namespace isok::vmm

// SBI Hart State Management (SBI 2.0, chapter 9): secondary vCPUs start stopped and the
// guest starts them here. hart_start enters the guest at start_addr with a0 = hart id,
// a1 = opaque, as the spec says. Suspend is not offered.
#include <vmm/sbi.hpp>

namespace isok::vmm {
namespace {

enum : u64 { hart_start = 0, hart_stop = 1, hart_get_status = 2 };

SbiResult start(SbiEnv& env, u64 hart_id, u64 start_addr, u64 opaque) {
    if (!env.harts.valid(hart_id)) return {sbi::err_invalid_param, 0};
    Hart& h = env.harts.hart[hart_id];
    if (h.state != HartState::stopped) return {sbi::err_already_available, 0};
    if (!env.ram.contains(start_addr, 2)) return {sbi::err_invalid_address, 0};
    if (!env.vcpus.start(u32(hart_id), start_addr, hart_id, opaque)) return {sbi::err_failed, 0};
    h.state = HartState::started;
    return {sbi::success, 0};
}

SbiResult stop(SbiEnv& env) {
    // The vCPU leaves its exit message unanswered: stop takes it out of the call, so the
    // VMM must not reply (and receiving again does not count as abandoning it).
    env.harts.hart[env.caller].state = HartState::stopped;
    env.vcpus.stop(env.caller);
    return {sbi::success, 0, SbiFlow::stop_hart};
}

SbiResult hsm(SbiEnv& env, const SbiCall& call) {
    switch (call.function) {
    case hart_start: return start(env, call.arg[0], call.arg[1], call.arg[2]);
    case hart_stop: return stop(env);
    case hart_get_status:
        if (!env.harts.valid(call.arg[0])) return {sbi::err_invalid_param, 0};
        return {sbi::success, u64(env.harts.hart[call.arg[0]].state)};
    default: return {sbi::err_not_supported, 0};
    }
}

} // namespace

const SbiExtension sbi_hsm = {sbi::ext_hsm, sbi::ext_hsm, hsm};

} // namespace isok::vmm

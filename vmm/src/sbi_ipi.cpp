// SBI IPI extension (SBI 2.0, chapter 7): a supervisor software interrupt on each named
// hart, raised as VSSIP. The guest clears it itself through sip.SSIP, which in VS-mode
// is hvip.VSSIP.
#include <vmm/sbi.hpp>

namespace isok::vmm {
namespace {

SbiResult ipi(SbiEnv& env, const SbiCall& call) {
    if (call.function != 0) return {sbi::err_not_supported, 0}; // send_ipi is the only one
    u64 harts;
    if (!sbi_hart_mask(env.harts, call.arg[0], call.arg[1], harts)) return {sbi::err_invalid_param, 0};
    // Only running harts: a stopped one would otherwise start with a stale IPI pending.
    for (u32 h = 0; h < env.harts.count; ++h)
        if ((harts & (u64(1) << h)) && env.harts.hart[h].state == HartState::started) env.vcpus.raise(h, hvip::vssip);
    return {sbi::success, 0};
}

} // namespace

const SbiExtension sbi_ipi = {sbi::ext_ipi, sbi::ext_ipi, ipi};

} // namespace isok::vmm

// SBI RFENCE extension (SBI 2.0, chapter 8). The fences a guest asks for are VS-stage
// fences of its own VMID (and fence.i): the kernel performs them on the physical hart
// where each named vCPU is loaded, and on any other before it runs the vCPU there again.
// Stopped harts hold nothing to fence. The hypervisor fences (functions 3..6) are
// refused: the guest has no H extension.
#include <vmm/sbi.hpp>

namespace isok::vmm {
namespace {

enum : u64 { remote_fence_i = 0, remote_sfence_vma = 1, remote_sfence_vma_asid = 2 };

SbiResult rfence(SbiEnv& env, const SbiCall& call) {
    if (call.function > remote_sfence_vma_asid) return {sbi::err_not_supported, 0};
    u64 harts;
    if (!sbi_hart_mask(env.harts, call.arg[0], call.arg[1], harts)) return {sbi::err_invalid_param, 0};
    // Address ranges and ASIDs are not narrowed: a whole flush is always a correct one.
    for (u32 h = 0; h < env.harts.count; ++h)
        if ((harts & (u64(1) << h)) && env.harts.hart[h].state == HartState::started) env.vcpus.fence(h);
    return {sbi::success, 0};
}

} // namespace

const SbiExtension sbi_rfence = {sbi::ext_rfence, sbi::ext_rfence, rfence};

} // namespace isok::vmm

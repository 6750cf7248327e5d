// SBI RFENCE extension (SBI 2.0, chapter 8). The fences a guest asks for are VS-stage
// fences of its own VMID. They are no-ops here: correct for one vCPU (the guest fences
// its own hart before asking for the others) and for vCPUs that share one physical
// hart, where the VMID-tagged TLB is the same one. vCPUs on several physical harts
// would need the kernel to fence the VMID on each; that does not exist yet.
// The hypervisor fences (functions 3..6) are refused: the guest has no H extension.
#include <vmm/sbi.hpp>

namespace isok::vmm {
namespace {

enum : u64 { remote_fence_i = 0, remote_sfence_vma = 1, remote_sfence_vma_asid = 2 };

SbiResult rfence(SbiEnv& env, const SbiCall& call) {
    if (call.function > remote_sfence_vma_asid) return {sbi::err_not_supported, 0};
    u64 harts;
    if (!sbi_hart_mask(env.harts, call.arg[0], call.arg[1], harts)) return {sbi::err_invalid_param, 0};
    return {sbi::success, 0};
}

} // namespace

const SbiExtension sbi_rfence = {sbi::ext_rfence, sbi::ext_rfence, rfence};

} // namespace isok::vmm

// A trap into VS-mode, performed in software on a vCPU's saved state (privileged spec,
// "Trap Entry" under the hypervisor extension): the same CSR updates the hart makes.
#include <arch/csr.hpp>
#include <arch/guest_exception.hpp>
#include <kernel/assert.hpp>

namespace arch {

using isok::u64;

bool guest_takes_exception(u64 cause) {
    // Causes 0-8 (misaligned, access faults, illegal instruction, breakpoint, ecall from
    // U), 12, 13 and 15 (page faults); not an interrupt, not an ecall from S or M, not a
    // guest-page fault (a guest never sees those), nothing reserved.
    constexpr u64 deliverable = 0x1ff | 1 << 12 | 1 << 13 | 1 << 15;
    return cause < 64 && (deliverable >> cause & 1);
}

void inject_guest_exception(VcpuState& v, TrapFrame& f, u64 cause, u64 tval) {
    KERNEL_ASSERT(v.loaded_on == VcpuState::not_loaded);
    // The trap into HS-mode left the guest's privilege in sstatus.SPP (1: VS, 0: VU).
    u64 from_supervisor = f.sstatus & csr::sstatus_spp;
    u64 s = v.vsstatus & ~(csr::sstatus_spp | csr::sstatus_spie | csr::sstatus_sie);
    if (v.vsstatus & csr::sstatus_sie) s |= csr::sstatus_spie;
    v.vsstatus = s | from_supervisor;
    v.vsepc = f.sepc;
    v.vscause = cause;
    v.vstval = tval;
    // Exceptions enter at the base of stvec, whatever its mode.
    f.sepc = v.vstvec & ~u64(3);
    f.sstatus |= csr::sstatus_spp;
}

} // namespace arch

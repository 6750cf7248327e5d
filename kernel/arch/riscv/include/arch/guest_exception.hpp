// Handing a guest an exception of its own, as the hart would raise it in VS-mode: what a
// VMM asks for when the machine it gives the guest would fault (ExceptionReply::inject).
#pragma once
#include <arch/trap_frame.hpp>
#include <arch/vcpu.hpp>

namespace arch {

// Whether a hart raises this exception cause to S-mode, so a VMM may hand it to a guest:
// misaligned, access and page faults, illegal instruction, breakpoint, ecall from U.
bool guest_takes_exception(isok::u64 cause);
// Delivers exception `cause` to the guest as the hart would on a trap into VS-mode at the
// instruction f.sepc: vsepc, vscause, vstval and vsstatus's SPP/SPIE/SIE as the trap sets
// them, and the vCPU goes on at vstvec's base in VS-mode. The vCPU's VS state must not be
// loaded on any hart (harts::unload_vcpu), since it is changed in memory.
void inject_guest_exception(VcpuState& vcpu, TrapFrame& f, isok::u64 cause, isok::u64 tval);

} // namespace arch

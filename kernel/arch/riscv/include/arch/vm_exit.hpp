// Traps from a guest (VS/VU-mode): what the kernel resolves itself — SBI TIME, WFI —
// and the VM exit message for everything else, which goes to the VM's VMM.
#pragma once
#include <arch/trap_frame.hpp>

namespace kernel {
class Thread;
}

namespace arch {

// htval and htinst as the trap left them.
void handle_guest_trap(kernel::Thread& vcpu, isok::u64 htval, isok::u64 htinst);

} // namespace arch

// A switch port's rings as virtio-net's backend.
#include <vmm/switch_port.hpp>

namespace isok::vmm {

bool SwitchPort::transmit(const u8* frame, u32 length) {
    // A full ring means the switch is behind: dropping is what a real link does, and
    // the guest's TCP recovers; waiting here would stall every vCPU exit of the VM.
    if (!out_.push(frame, length)) {
        ++counters_.full;
        return false;
    }
    if (kick_) kick_(context_);
    return true;
}

u32 SwitchPort::receive(u8* out) {
    frame_ring::Ring::Popped p = in_.pop(out);
    if (p.bad) ++counters_.bad_received;
    return p.length;
}

} // namespace isok::vmm

// Virtual PLIC. Registers are 32 bits wide; anything the spec leaves unimplemented here
// (sources above 31, contexts the VM has no hart for) reads zero and ignores writes.
#include <vmm/vplic.hpp>

namespace isok::vmm {

VPlic::VPlic(VcpuControl& vcpus, u32 contexts) : vcpus_(vcpus), contexts_(min(contexts, u32(vm::max_vcpus))) {}

void VPlic::set_level(u32 source, bool level) {
    if (source == 0 || source >= sources) return;
    u32 bit = u32(1) << source;
    level_ = level ? level_ | bit : level_ & ~bit;
    // Level-sensitive gateway: a request is pending while the line is high, until it is
    // claimed; a line that drops before the claim withdraws its request (as QEMU's PLIC).
    const u32 was_pending = pending_;
    if (!(claimed_ & bit)) pending_ = level ? pending_ | bit : pending_ & ~bit;
    // Devices set their line after every register access; most change nothing.
    if (pending_ != was_pending) update();
}

// The pending, enabled source with the highest priority above `above`; among equal
// priorities the lowest id (spec: "ties are broken by interrupt ID").
u32 VPlic::best_pending(u32 context, u32 above) const {
    u32 best = 0, best_priority = above;
    // Only the pending, enabled sources, in rising id order: usually none or one.
    for (u32 candidates = pending_ & context_[context].enable; candidates; candidates &= candidates - 1) {
        const u32 id = u32(__builtin_ctz(candidates));
        if (priority_[id] > best_priority) {
            best = id;
            best_priority = priority_[id];
        }
    }
    return best;
}

u32 VPlic::claim(u32 context) {
    if (context >= contexts_) return 0;
    // The claim ignores the threshold (it only gates the notification), but priority 0
    // means "never interrupt".
    u32 id = best_pending(context, 0);
    if (id) {
        pending_ &= ~(u32(1) << id);
        claimed_ |= u32(1) << id;
    }
    update();
    return id;
}

void VPlic::complete(u32 context, u32 source) {
    if (context >= contexts_ || source == 0 || source >= sources) return;
    u32 bit = u32(1) << source;
    // Spec: a completion for a source not enabled for this context is silently ignored.
    if (!(context_[context].enable & bit) || !(claimed_ & bit)) return;
    claimed_ &= ~bit;
    if (level_ & bit) pending_ |= bit; // the line is still high: a new request
    update();
}

void VPlic::update() {
    for (u32 c = 0; c < contexts_; ++c) {
        bool out = best_pending(c, context_[c].threshold) != 0;
        if (out == output_[c]) continue;
        output_[c] = out;
        if (out)
            vcpus_.raise(c, hvip::vseip);
        else
            vcpus_.lower(c, hvip::vseip);
    }
}

bool VPlic::read_context(u64 offset, u64& value) {
    u64 c = (offset - context_base) / context_stride, reg = (offset - context_base) % context_stride;
    if (c >= contexts_) return true;
    if (reg == 0) value = context_[c].threshold;
    if (reg == 4) value = claim(u32(c)); // reading claim/complete is the claim
    return true;
}

bool VPlic::write_context(u64 offset, u32 value) {
    u64 c = (offset - context_base) / context_stride, reg = (offset - context_base) % context_stride;
    if (c >= contexts_) return true;
    if (reg == 0) {
        context_[c].threshold = value & priority_mask;
        update();
    }
    if (reg == 4) complete(u32(c), value);
    return true;
}

bool VPlic::read(u64 offset, u32 width, u64& value) {
    if (width != 4 || offset % 4) return false;
    value = 0;
    if (offset < pending_base) {
        u64 id = (offset - priority_base) / 4;
        if (id < sources) value = priority_[id];
    } else if (offset < enable_base) {
        if (offset == pending_base) value = pending_;
    } else if (offset < context_base) {
        u64 c = (offset - enable_base) / enable_stride, word = (offset - enable_base) % enable_stride;
        if (c < contexts_ && word == 0) value = context_[c].enable;
    } else {
        return read_context(offset, value);
    }
    return true;
}

bool VPlic::write(u64 offset, u32 width, u64 value) {
    if (width != 4 || offset % 4) return false;
    u32 v = u32(value);
    if (offset < pending_base) {
        u64 id = (offset - priority_base) / 4;
        if (id == 0 || id >= sources) return true; // source 0 does not exist
        priority_[id] = v & priority_mask;
        update();
    } else if (offset < enable_base) {
        return true; // pending bits are read-only
    } else if (offset < context_base) {
        u64 c = (offset - enable_base) / enable_stride, word = (offset - enable_base) % enable_stride;
        if (c >= contexts_ || word != 0) return true;
        context_[c].enable = v & ~u32(1); // bit 0 (source 0) is hardwired to zero
        update();
    } else {
        return write_context(offset, v);
    }
    return true;
}

} // namespace isok::vmm

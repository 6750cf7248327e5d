// The root's capability slots: which are free. The root owns its whole space, so a
// bitmap of what it handed out is the truth.
#include "root.hpp"
#include <isok/rt/syscall.hpp>

namespace root::slots {
namespace {
constexpr u64 max_slots = 4096;
u64 used[max_slots / 64];
u64 limit = 0;
u64 next = 0; // search start: slots are mostly taken in order
} // namespace

void init(u64 first_free, u64 count) {
    limit = count < max_slots ? count : max_slots;
    for (u64& w : used) w = 0;
    for (u64 s = 0; s < first_free && s < limit; ++s) used[s / 64] |= u64(1) << (s % 64);
    next = first_free;
}

u64 take() {
    for (u64 n = 0; n < limit; ++n) {
        u64 s = (next + n) % limit;
        if (!(used[s / 64] & (u64(1) << (s % 64)))) {
            used[s / 64] |= u64(1) << (s % 64);
            next = s + 1;
            return s;
        }
    }
    return no_slot;
}

void give(u64 slot) {
    if (slot >= limit) return;
    used[slot / 64] &= ~(u64(1) << (slot % 64));
    if (slot < next) next = slot;
}

Error create(isok::abi::ObjectType type, u64& slot, u64 payer, u64 arg0, u64 arg1, u64 arg2) {
    slot = take();
    if (slot == no_slot) return Error::bad_slot;
    Error e = isok::rt::sys::create(type, slot, payer, arg0, arg1, arg2);
    if (e != Error::ok) {
        give(slot);
        slot = no_slot;
    }
    return e;
}

void release(u64& slot) {
    if (slot == no_slot) return;
    if (isok::rt::sys::cap_delete(slot) == Error::ok) give(slot);
    slot = no_slot;
}

} // namespace root::slots

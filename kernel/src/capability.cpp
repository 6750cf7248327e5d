// Capabilities: the derivation lists behind copy, delete and revoke (see capability.hpp),
// and the checks every system call that names an object goes through (lookup()).
#include <kernel/assert.hpp>
#include <kernel/capability.hpp>
#include <kernel/reclaim.hpp>

namespace kernel {
namespace {

void link_after(Capability& c, Capability* before, KernelObject& object) {
    c.object = &object;
    c.prev = before;
    c.next = before ? before->next : object.caps;
    if (c.next) c.next->prev = &c;
    if (before)
        before->next = &c;
    else
        object.caps = &c;
}

void unlink(Capability& c) {
    if (c.prev)
        c.prev->next = c.next;
    else
        c.object->caps = c.next;
    if (c.next) c.next->prev = c.prev;
    c.prev = c.next = nullptr;
}

// An unlinked slot: empty, or stale (stale_mark) when its object or an ancestor went.
void reset(Capability& c, u32 depth) {
    c.object = nullptr;
    c.prev = c.next = nullptr;
    c.rights = 0;
    c.badge = 0;
    c.depth = depth;
}

void make_stale(Capability& c) { reset(c, Capability::stale_mark); }
void make_empty(Capability& c) { reset(c, 0); }

// Why a slot without an object cannot be used.
Error unusable(const Capability& c) { return c.depth == Capability::stale_mark ? Error::stale : Error::empty_slot; }

bool derived(const Capability& c, const Capability* n) { return n && n->depth > c.depth; }

} // namespace

void cap_mint(Capability& slot, KernelObject& object, u64 rights, u64 badge) {
    KERNEL_ASSERT(!slot.live());
    slot.rights = u32(rights);
    slot.badge = badge;
    slot.depth = 0;
    link_after(slot, nullptr, object); // a new root at the front keeps the list in preorder
}

void cap_derive(Capability& slot, Capability& parent, u64 rights, u64 badge) {
    KERNEL_ASSERT(!slot.live() && parent.live() && &slot != &parent);
    // Depth is bounded by the number of capabilities, which budgets bound far below this.
    KERNEL_ASSERT(parent.depth + 1 < Capability::stale_mark);
    slot.rights = u32(parent.rights & rights);
    slot.badge = badge;
    slot.depth = parent.depth + 1;
    link_after(slot, &parent, *parent.object);
}

void cap_delete(Capability& slot) {
    KernelObject* object = slot.object;
    if (!object) {
        make_empty(slot);
        return;
    }
    // Its descendants move one level up, to its parent: work in their number.
    for (Capability* n = slot.next; derived(slot, n); n = n->next) --n->depth;
    unlink(slot);
    make_empty(slot);
    if (!object->caps && object->holds == 0) reclaim::queue(*object);
}

bool cap_revoke(Capability& c, usize budget) {
    KERNEL_ASSERT(c.live());
    for (; budget && derived(c, c.next); --budget) {
        Capability& n = *c.next;
        unlink(n);
        make_stale(n);
    }
    return !derived(c, c.next);
}

void caps_invalidate(KernelObject& object) {
    while (Capability* c = object.caps) {
        object.caps = c->next;
        make_stale(*c);
    }
}

void CapSpace::init(Capability* slots, usize count) {
    slots_ = slots;
    count_ = count;
    for (usize i = 0; i < count; ++i) make_empty(slots_[i]);
}

usize CapSpace::free_slots() const {
    usize n = 0;
    for (usize i = 0; i < count_; ++i) n += !slots_[i].live();
    return n;
}

isok::Result<Capability*, Error> CapSpace::slot(u64 index) {
    if (index >= count_) return isok::fail(Error::bad_slot);
    return &slots_[index];
}

// One test of the object pointer on the way to a live capability: an empty and a stale
// slot differ only in why they cannot be used.
isok::Result<Capability*, Error> CapSpace::live(u64 index) {
    if (index >= count_) return isok::fail(Error::bad_slot);
    Capability& c = slots_[index];
    if (!c.object) [[unlikely]]
        return isok::fail(unusable(c));
    return &c;
}

isok::Result<Capability*, Error> CapSpace::lookup(u64 index, ObjectType type, u64 rights) {
    if (index >= count_) return isok::fail(Error::bad_slot);
    Capability& c = slots_[index];
    if (!c.object) [[unlikely]]
        return isok::fail(unusable(c));
    if (c.object->type != type) return isok::fail(Error::wrong_type);
    if (!c.has(rights)) return isok::fail(Error::no_rights);
    return &c;
}

isok::Result<Capability*, Error> CapSpace::free_slot(u64 index) {
    if (index >= count_) return isok::fail(Error::bad_slot);
    Capability& c = slots_[index];
    if (c.live()) return isok::fail(Error::slot_in_use);
    return &c;
}

void CapSpace::clear() {
    for (usize i = 0; i < count_; ++i) cap_delete(slots_[i]);
}

} // namespace kernel

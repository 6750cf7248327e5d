// Capabilities and capability spaces: a domain reaches a kernel object only through
// a slot in its own capability space, with the rights that slot carries.
//
// The capabilities to one object form a list in preorder of their derivation tree: a
// copy is linked right after the capability it was made from, one level deeper. So the
// capabilities derived from c, directly or not, are exactly the run after c that lies
// deeper than c, and revoking c is cutting that run (seL4's mapping database, with an
// explicit depth instead of comparing objects).
#pragma once
#include <isok/result.hpp>
#include <kernel/object.hpp>

namespace kernel {

struct Capability {
    static constexpr u32 stale_mark = ~u32{0}; // the depth of a capability whose object went

    KernelObject* object = nullptr;
    Capability* prev = nullptr; // neighbours in the object's list
    Capability* next = nullptr;
    u64 badge = 0;
    u32 rights = 0;
    u32 depth = 0; // in the derivation tree: 0 for the capability the object was made with

    Capability() = default;
    // A capability is a node of its object's list: it is made, derived and deleted by the
    // functions below, never copied as a value.
    Capability(const Capability&) = delete;
    Capability& operator=(const Capability&) = delete;

    bool empty() const { return object == nullptr && depth != stale_mark; }
    // Its object was destroyed, or a capability it derives from was revoked. The slot
    // may be reused; a lookup says why it cannot be used.
    bool stale() const { return object == nullptr && depth == stale_mark; }
    bool live() const { return object != nullptr; }
    bool has(u64 needed) const { return (rights & needed) == needed; }
};

// Fills an empty or stale slot with a capability to object that derives from no other.
void cap_mint(Capability& slot, KernelObject& object, u64 rights, u64 badge = 0);
// Fills an empty or stale slot with a copy of a live capability, with the rights given
// (at most the parent's) and the badge given, derived from it.
void cap_derive(Capability& slot, Capability& parent, u64 rights, u64 badge);
// Empties a slot. What was derived from it stays, derived now from its parent. When it
// was the object's last reference the object is queued for reclamation (reclaim.hpp).
void cap_delete(Capability& slot);
// Makes stale up to `budget` of the capabilities derived from a live one; true when no
// derived capability is left. Never the last capability of the object: c stays.
bool cap_revoke(Capability& c, usize budget);
// Makes every capability to the object stale: it is being destroyed.
void caps_invalidate(KernelObject& object);

class CapSpace {
public:
    void init(Capability* slots, usize count);
    usize size() const { return count_; }
    usize free_slots() const;

    // The slot itself, for storing into; error only when the index is out of range.
    isok::Result<Capability*, Error> slot(u64 index);
    // A live capability of the given type holding at least the given rights.
    isok::Result<Capability*, Error> lookup(u64 index, ObjectType type, u64 rights);

    template <class T> isok::Result<T*, Error> find(u64 index, u64 rights) {
        auto cap = lookup(index, T::object_type, rights);
        if (!cap) return isok::fail(cap.error());
        return static_cast<T*>((*cap)->object);
    }
    // A live capability of any type, for calls that act on the capability itself.
    isok::Result<Capability*, Error> live(u64 index);
    // An empty (or stale, hence reusable) slot to store a new capability into.
    isok::Result<Capability*, Error> free_slot(u64 index);
    // Deletes every capability in the space (its domain is being destroyed).
    void clear();

private:
    Capability* slots_ = nullptr;
    usize count_ = 0;
};

} // namespace kernel

// Capabilities and capability spaces: a domain reaches a kernel object only through
// a slot in its own capability space, with the rights that slot carries.
#pragma once
#include <isok/result.hpp>
#include <kernel/object.hpp>

namespace kernel {

struct Capability {
    KernelObject* object = nullptr;
    u64 generation = 0;
    u32 rights = 0;
    u64 badge = 0;

    bool empty() const { return object == nullptr; }
    bool stale() const { return object && object->generation != generation; }
    bool has(u64 needed) const { return (rights & needed) == needed; }
    void clear() { *this = Capability{}; }
};

Capability make_capability(KernelObject& object, u64 rights, u64 badge = 0);

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
    // An empty (or stale, hence reusable) slot to store a new capability into.
    isok::Result<Capability*, Error> free_slot(u64 index);

private:
    Capability* slots_ = nullptr;
    usize count_ = 0;
};

} // namespace kernel

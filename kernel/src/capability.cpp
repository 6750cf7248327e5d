// Capability checks: every system call that names an object goes through lookup().
#include <kernel/capability.hpp>

namespace kernel {

Capability make_capability(KernelObject& object, u64 rights, u64 badge) {
    return Capability{&object, object.generation, u32(rights), badge};
}

void CapSpace::init(Capability* slots, usize count) {
    slots_ = slots;
    count_ = count;
    for (usize i = 0; i < count; ++i) slots_[i].clear();
}

usize CapSpace::free_slots() const {
    usize n = 0;
    for (usize i = 0; i < count_; ++i) n += slots_[i].empty() || slots_[i].stale();
    return n;
}

isok::Result<Capability*, Error> CapSpace::slot(u64 index) {
    if (index >= count_) return isok::fail(Error::bad_slot);
    return &slots_[index];
}

isok::Result<Capability*, Error> CapSpace::lookup(u64 index, ObjectType type, u64 rights) {
    if (index >= count_) return isok::fail(Error::bad_slot);
    Capability& c = slots_[index];
    if (c.empty()) return isok::fail(Error::empty_slot);
    if (c.stale()) return isok::fail(Error::stale);
    if (c.object->type != type) return isok::fail(Error::wrong_type);
    if (!c.has(rights)) return isok::fail(Error::no_rights);
    return &c;
}

isok::Result<Capability*, Error> CapSpace::free_slot(u64 index) {
    if (index >= count_) return isok::fail(Error::bad_slot);
    Capability& c = slots_[index];
    if (!c.empty() && !c.stale()) return isok::fail(Error::slot_in_use);
    return &c;
}

} // namespace kernel

// A protection domain: a capability space, an address space and a memory budget.
// Everything made for a domain is charged to its budget, so exhausting it fails that
// domain's requests and nobody else's.
#pragma once
#include <arch/page_table.hpp>
#include <arch/vcpu.hpp>
#include <kernel/capability.hpp>
#include <kernel/counters.hpp>
#include <kernel/guest_console.hpp>
#include <kernel/kmem.hpp>
#include <kernel/placement.hpp>
#include <kernel/tag_allocator.hpp>

namespace kernel {

class Memory;
struct Mapping;
struct InDomain;
using MappingList = List<Mapping, InDomain>;

class Domain : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::domain;
    static constexpr usize max_cap_slots = 4096;

    // budget: bytes this domain may spend; cap_slots: size of its capability space;
    // guest: a VM, whose address space is guest-physical and whose threads are vCPUs.
    // max_priority: the highest priority any thread may be given in this domain, or be
    // given by a thread of it (its maximum controlled priority).
    isok::Status<Error> init(u64 budget, usize cap_slots, bool guest, u64 max_priority);
    bool is_guest() const { return guest_; }
    // Returns the capability space and page tables; everything the domain paid for
    // is gone already (see destroy.cpp).
    void teardown();

    bool charge(u64 bytes);
    void refund(u64 bytes);
    u64 budget() const { return budget_; }
    u64 budget_left() const { return budget_ - used_; }
    // What its page tables take of its budget. They stay while the domain does, as the
    // mappings they held come and go: a domain's budget returns whole only with it.
    u64 table_bytes() const { return tables_.held() * frame_size; }

    // Frames charged to this domain.
    isok::Result<isok::PhysAddr, Error> take_frames(usize count, u64 align = frame_size);
    void give_frames(isok::PhysAddr base, usize count);

    CapSpace caps;
    arch::PageTable space;
    MappingList mappings;
    PaidList paid; // objects charged to this domain
    u32 id = 0;
    isok::u8 max_priority = 0;
    arch::GuestTags guest_tags; // a VM's: its VMID and where its translations may be
    // Bumped by every unmap in `space`: a translation the kernel keeps for one of the
    // domain's pages (a thread's IPC buffer) is good only while this has not moved.
    u64 unmaps = 0;
    GuestConsole console; // a VM's: its console output, as its VMM lets the kernel keep it
    Counters counters; // what its destroyed threads counted (counters.hpp)

private:
    class Tables final : public arch::TableFrames {
    public:
        explicit Tables(Domain& d) : domain_(d) {}
        isok::Result<isok::PhysAddr, arch::MapError> take(usize count, u64 align) override;
        void give(isok::PhysAddr frame, usize count) override;
        usize held() const { return held_; }

    private:
        Domain& domain_;
        usize held_ = 0; // frames of page tables now
    };

    Tables tables_{*this};
    u64 budget_ = 0;
    u64 used_ = 0;
    bool guest_ = false;
    isok::PhysAddr cap_frames_;
    usize cap_frame_count_ = 0;
};

// Makes a kernel object for `payer`, charged to its budget. The caller gives it its first
// capability (cap_mint): an object nothing names is reclaimed.
template <class T> isok::Result<T*, Error> create_object(Domain& payer) {
    static_assert(sizeof(T) <= kmem::max_object_size);
    u64 cost = kmem::slot_size(sizeof(T));
    if (!payer.charge(cost)) return isok::fail(Error::no_budget);
    void* memory = kmem::take(sizeof(T));
    if (!memory) {
        payer.refund(cost);
        return isok::fail(Error::no_memory);
    }
    T* object = new (memory) T();
    object->type = T::object_type;
    object->payer = &payer;
    object->charged = cost;
    payer.paid.push_front(*object);
    return object;
}

// A new domain whose budget is taken out of the payer's. The authority is the domain of
// the thread asking: the new domain's maximum priority may not exceed its own.
isok::Result<KernelObject*, Error> create_domain(Domain& authority, Domain& payer, u64 budget, u64 cap_slots,
                                                 bool guest, u64 max_priority);
// Whether a thread of `authority` may give a thread of `target` this priority: ok,
// bad_argument (not a priority) or no_rights (above either domain's maximum).
Error check_priority(const Domain& authority, const Domain& target, u64 priority);

// Returns an object's memory and refunds its payer; capabilities to it go stale.
void release_object(KernelObject& object, usize size);

} // namespace kernel

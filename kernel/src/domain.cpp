// Domains: budget accounting, the capability-space frames, the address space.
#include <arch/kernel_space.hpp>
#include <arch/layout.hpp>
#include <kernel/assert.hpp>
#include <kernel/domain.hpp>
#include <kernel/hart.hpp>
#include <kernel/reclaim.hpp>

namespace kernel {
namespace {
u32 next_domain_id = 1;
void* to_ptr(isok::PhysAddr pa) { return arch::phys_to_virt(pa); }
} // namespace

isok::Result<isok::PhysAddr, arch::MapError> Domain::Tables::take(usize count, u64 align) {
    auto frame = domain_.take_frames(count, align);
    if (!frame) return isok::fail(arch::MapError::NoMemory);
    held_ += count;
    return *frame;
}

void Domain::Tables::give(isok::PhysAddr frame, usize count) {
    held_ -= count;
    domain_.give_frames(frame, count);
}

bool Domain::charge(u64 bytes) {
    if (bytes > budget_ - used_) return false;
    used_ += bytes;
    return true;
}

void Domain::refund(u64 bytes) { used_ = bytes > used_ ? 0 : used_ - bytes; }

isok::Result<isok::PhysAddr, Error> Domain::take_frames(usize count, u64 align) {
    if (count == 0 || count > (budget_ - used_) / frame_size) return isok::fail(Error::no_budget);
    auto frames = kmem::frames().allocate(count, align);
    if (!frames) return isok::fail(Error::no_memory);
    used_ += count * frame_size;
    __builtin_memset(arch::phys_to_virt(*frames), 0, count * frame_size);
    return *frames;
}

void Domain::give_frames(isok::PhysAddr base, usize count) {
    (void)kmem::frames().free(base, count);
    refund(count * frame_size);
}

isok::Status<Error> Domain::init(u64 budget, usize cap_slots, bool guest, u64 max_prio) {
    KERNEL_ASSERT(max_prio <= isok::abi::max_priority); // callers check it
    budget_ = budget;
    guest_ = guest;
    max_priority = isok::u8(max_prio);
    id = next_domain_id++;
    if (cap_slots == 0 || cap_slots > max_cap_slots) return isok::fail(Error::bad_argument);
    usize cap_frames = (cap_slots * sizeof(Capability) + frame_size - 1) / frame_size;
    auto frames = take_frames(cap_frames);
    if (!frames) return isok::fail(frames.error());
    cap_frames_ = *frames;
    cap_frame_count_ = cap_frames;
    caps.init(static_cast<Capability*>(arch::phys_to_virt(cap_frames_)), cap_slots);
    if (!space.init(tables_, to_ptr, guest ? arch::PageTable::Kind::guest : arch::PageTable::Kind::host)) {
        caps.init(nullptr, 0); // its frames go back: teardown must find no slots there
        give_frames(cap_frames_, cap_frame_count_);
        cap_frame_count_ = 0;
        return isok::fail(Error::no_budget);
    }
    space.share_kernel_half(arch::kernel_page_table());
    return {};
}

void Domain::teardown() {
    KERNEL_ASSERT(paid.empty() && mappings.empty());
    caps.clear(); // what this domain named elsewhere may be left unheld: reclaim.hpp
    harts::leave_space(*this); // no hart may walk the tables once they are gone
    space.release();
    if (cap_frame_count_) give_frames(cap_frames_, cap_frame_count_);
    cap_frame_count_ = 0;
}

Error check_priority(const Domain& authority, const Domain& target, u64 priority) {
    if (priority > isok::abi::max_priority) return Error::bad_argument;
    if (priority > authority.max_priority || priority > target.max_priority) return Error::no_rights;
    return Error::ok;
}

void release_object(KernelObject& object, usize size) {
    Domain* payer = object.payer;
    if (payer) {
        payer->paid.remove(object);
        payer->refund(object.charged);
    }
    caps_invalidate(object);
    reclaim::forget(object);
    object.type = ObjectType::none;
    object.payer = nullptr;
    kmem::give(&object, size);
}

} // namespace kernel

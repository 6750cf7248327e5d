// Memory objects and mappings. A mapping is recorded twice (in its domain and in its
// memory) so that destroying either side can remove it from the page table.
#include <arch/cpu.hpp>
#include <arch/layout.hpp>
#include <arch/vcpu.hpp>
#include <kernel/assert.hpp>
#include <kernel/hart.hpp>
#include <kernel/memory_object.hpp>
#include <kernel/reclaim.hpp>

namespace kernel {
namespace {

// Sv39 has no write-only pages, so write implies read.
u64 page_permissions(u64 rights) {
    namespace r = isok::abi::rights;
    u64 p = arch::pte::user;
    if (rights & r::read) p |= arch::pte::read;
    if (rights & r::write) p |= arch::pte::write | arch::pte::read;
    if (rights & r::execute) p |= arch::pte::exec;
    return p;
}

// W^X per memory object: among process domains no frame is ever writable through one
// mapping and executable through another, so code cannot be rewritten behind its back
// (a loader fills memory through a writable mapping, drops it, then maps it to run).
// A VM's guest-physical mapping takes no part: the guest's own tables decide.
bool breaks_w_xor_x(const Domain& domain, const Memory& memory, u64 rights) {
    using isok::abi::rights::execute;
    using isok::abi::rights::write;
    if (domain.is_guest()) return false;
    return ((rights & write) && memory.executable_maps) || ((rights & execute) && memory.writable_maps);
}

void count_mapping(const Mapping& m, isok::i64 delta) {
    using isok::abi::rights::execute;
    using isok::abi::rights::write;
    if (m.domain->is_guest()) return;
    if (m.rights & write) m.memory->writable_maps += u64(delta);
    if (m.rights & execute) m.memory->executable_maps += u64(delta);
}

} // namespace

isok::Result<Memory*, Error> create_memory(Domain& payer, u64 pages) {
    if (pages == 0 || pages > Memory::max_pages) return isok::fail(Error::bad_argument);
    auto frames = payer.take_frames(pages);
    if (!frames) return isok::fail(frames.error());
    auto memory = create_object<Memory>(payer);
    if (!memory) {
        payer.give_frames(*frames, pages);
        return isok::fail(memory.error());
    }
    (*memory)->base = *frames;
    (*memory)->pages = pages;
    return *memory;
}

isok::Result<Memory*, Error> wrap_memory(Domain& holder, isok::PhysRange range, bool device) {
    auto memory = create_object<Memory>(holder);
    if (!memory) return isok::fail(memory.error());
    (*memory)->base = range.base;
    (*memory)->pages = range.size / frame_size;
    (*memory)->owns_frames = false;
    (*memory)->device = device;
    return *memory;
}

Error map_memory(Domain& domain, Memory& memory, u64 first, u64 address, u64 pages, u64 rights) {
    using isok::abi::rights::execute;
    using isok::abi::rights::read;
    using isok::abi::rights::write;
    if (pages == 0 || first >= memory.pages || pages > memory.pages - first) return Error::bad_argument;
    // W^X binds processes; a VM's guest-physical memory is RAM, and the guest decides.
    if (!domain.is_guest() && (rights & write) && (rights & execute)) return Error::bad_argument;
    // A PTE without R, W or X would point to a page table: never map "no access".
    if (!(rights & (read | write | execute))) return Error::bad_argument;
    u64 end = domain.is_guest() ? isok::abi::guest_space_end : isok::abi::user_space_end;
    if (!isok::is_aligned(address, frame_size) || address >= end || pages > (end - address) / frame_size)
        return Error::bad_address;
    if (breaks_w_xor_x(domain, memory, rights)) return Error::busy;
    auto record = create_object<Mapping>(domain);
    if (!record) return record.error();
    Mapping& m = **record;
    auto mapped = domain.space.map(isok::VirtAddr(address), memory.base + first * frame_size, pages * frame_size,
                                   page_permissions(rights) | (memory.device ? arch::pte::device : 0));
    if (!mapped) {
        release_object(m, sizeof(Mapping));
        return mapped.error() == arch::MapError::AlreadyMapped ? Error::already_mapped
               : mapped.error() == arch::MapError::NoMemory     ? Error::no_budget
                                                                : Error::bad_address;
    }
    m.domain = &domain;
    m.memory = &memory;
    m.address = address;
    m.pages = pages;
    m.rights = rights;
    domain.mappings.push_front(m);
    memory.mappings.push_front(m);
    count_mapping(m, +1);
    reclaim::hold(memory); // mapped memory lives on without a capability (a loaded program)
    return Error::ok;
}

void destroy_mapping(Mapping& m) {
    if (m.domain) {
        // A recorded mapping was made whole by map(), so it always unmaps whole: if it
        // did not, its frames would stay reachable after they are freed.
        auto unmapped = m.domain->space.unmap(isok::VirtAddr(m.address), m.pages * frame_size);
        KERNEL_ASSERT(unmapped.ok());
        ++m.domain->unmaps; // what the kernel kept of the domain's pages is stale now
        // Every hart drops the translations before the frames can be reused.
        if (m.domain->is_guest())
            arch::flush_guest_tlb();
        else
            arch::flush_tlb();
        harts::shoot_down(*m.domain);
        count_mapping(m, -1);
        m.domain->mappings.remove(m);
        m.memory->mappings.remove(m);
        reclaim::release(*m.memory);
    }
    release_object(m, sizeof(Mapping));
}

Error unmap_memory(Domain& domain, u64 address, u64 pages) {
    for (Mapping* m = domain.mappings.front(); m; m = MappingList::next(*m)) {
        if (m->address != address) continue;
        if (m->pages != pages) return Error::bad_argument;
        destroy_mapping(*m);
        return Error::ok;
    }
    return Error::not_mapped;
}

void destroy_memory(Memory& memory) {
    while (Mapping* m = memory.mappings.front()) destroy_mapping(*m);
    if (memory.owns_frames && memory.payer) memory.payer->give_frames(memory.base, memory.pages);
    release_object(memory, sizeof(Memory));
}

} // namespace kernel

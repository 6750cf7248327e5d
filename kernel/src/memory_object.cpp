// Memory objects and mappings. A mapping is recorded twice (in its domain and in its
// memory) so that destroying either side can remove it from the page table.
#include <arch/cpu.hpp>
#include <arch/layout.hpp>
#include <arch/vcpu.hpp>
#include <kernel/memory_object.hpp>

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

template <class T> void unlink(T** head, T* item, T* T::*next) {
    for (T** p = head; *p; p = &((*p)->*next)) {
        if (*p == item) {
            *p = item->*next;
            return;
        }
    }
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

isok::Result<Memory*, Error> wrap_memory(Domain& holder, isok::PhysRange range) {
    auto memory = create_object<Memory>(holder);
    if (!memory) return isok::fail(memory.error());
    (*memory)->base = range.base;
    (*memory)->pages = range.size / frame_size;
    (*memory)->owns_frames = false;
    return *memory;
}

Error map_memory(Domain& domain, Memory& memory, u64 first, u64 address, u64 pages, u64 rights) {
    using isok::abi::rights::execute;
    using isok::abi::rights::write;
    if (pages == 0 || first >= memory.pages || pages > memory.pages - first) return Error::bad_argument;
    using isok::abi::rights::read;
    // W^X binds processes; a VM's guest-physical memory is RAM, and the guest decides.
    if (!domain.is_guest() && (rights & write) && (rights & execute)) return Error::bad_argument;
    // A PTE without R, W or X would point to a page table: never map "no access".
    if (!(rights & (read | write | execute))) return Error::bad_argument;
    u64 end = domain.is_guest() ? isok::abi::guest_space_end : isok::abi::user_space_end;
    if (!isok::is_aligned(address, frame_size) || address >= end || pages > (end - address) / frame_size)
        return Error::bad_address;
    auto record = create_object<Mapping>(domain);
    if (!record) return record.error();
    Mapping& m = **record;
    auto mapped = domain.space.map(isok::VirtAddr(address), memory.base + first * frame_size, pages * frame_size,
                                   page_permissions(rights));
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
    m.next_in_domain = domain.mappings;
    domain.mappings = &m;
    m.next_in_memory = memory.mappings;
    memory.mappings = &m;
    return Error::ok;
}

void destroy_mapping(Mapping& m) {
    if (m.domain) {
        (void)m.domain->space.unmap(isok::VirtAddr(m.address), m.pages * frame_size);
        if (m.domain->is_guest())
            arch::flush_guest_tlb();
        else
            arch::flush_tlb();
        unlink(&m.domain->mappings, &m, &Mapping::next_in_domain);
    }
    if (m.memory) unlink(&m.memory->mappings, &m, &Mapping::next_in_memory);
    release_object(m, sizeof(Mapping));
}

Error unmap_memory(Domain& domain, u64 address, u64 pages) {
    for (Mapping* m = domain.mappings; m; m = m->next_in_domain) {
        if (m->address != address) continue;
        if (m->pages != pages) return Error::bad_argument;
        destroy_mapping(*m);
        return Error::ok;
    }
    return Error::not_mapped;
}

void destroy_memory(Memory& memory) {
    while (memory.mappings) destroy_mapping(*memory.mappings);
    if (memory.owns_frames && memory.payer) memory.payer->give_frames(memory.base, memory.pages);
    release_object(memory, sizeof(Memory));
}

} // namespace kernel

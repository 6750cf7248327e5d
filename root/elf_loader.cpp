// Loading a child's program: every PT_LOAD segment becomes one memory object charged to
// the child, filled with the segment's file bytes (the rest stays zero) and mapped with
// the segment's own permissions. The ELF reader has refused anything W+X, overlapping
// or outside [page, user_limit) before a single object is made.
#include "root.hpp"
#include <isok/elf.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/syscall.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;
namespace rights = isok::abi::rights;

u64 segment_rights(const isok::elf::Segment& s) {
    u64 r = rights::read; // Sv39 has neither write-only nor execute-only-and-unreadable here
    if (s.write) r |= rights::write;
    if (s.execute) r |= rights::execute;
    return r;
}

bool load_segment(Child& child, const isok::elf::Segment& s, u32 index) {
    u64 base = isok::align_down(s.vaddr, page);
    u64 pages = (isok::align_up(s.vaddr + s.mem_size, page) - base) / page;
    u64 memory = make_memory(child, pages, "program segment");
    if (memory == no_slot) return false;
    bool ok = fill_memory(child, memory, s.vaddr - base, s.data.data(), s.data.size()) &&
              map_into(child, memory, base, pages, segment_rights(s), "program segment");
    // The mapping keeps the memory alive (it dies with the child's domain); the root
    // needs no capability to it but to fill a writable one afresh for a restart.
    if (s.write) keep_region(child, memory, pages, index);
    else slots::release(memory);
    return ok;
}

} // namespace

bool open_program(Child& child, const isok::bootimage::Image& image, u64 user_limit, isok::elf::Image& out) {
    auto entry = image.find(child.plan.image);
    if (!entry) {
        isok::rt::print("process '%s': program '%s' is not in the boot image\n", child.plan.name, child.plan.image);
        return child.ok = false;
    }
    if (entry->kind != isok::bootimage::Kind::program) {
        isok::rt::print("process '%s': boot image entry '%s' is of kind %s, not a program\n", child.plan.name,
                        child.plan.image, isok::bootimage::kind_name(entry->kind));
        return child.ok = false;
    }
    auto elf = isok::elf::Image::open(entry->data, user_limit);
    if (!elf) {
        isok::rt::print("process '%s': program '%s': %s\n", child.plan.name, child.plan.image,
                        isok::elf::describe(elf.error()));
        return child.ok = false;
    }
    out = *elf;
    return true;
}

bool load_program(Child& child, const isok::elf::Image& elf) {
    for (usize i = 0; i < elf.segment_count(); ++i)
        if (!load_segment(child, elf.segment(i), u32(i))) return false;
    child.entry = elf.entry();
    return true;
}

} // namespace root

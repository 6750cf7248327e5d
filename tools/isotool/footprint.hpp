// What a process needs of its budget, by the rule of docs/manifest.md ("Budgets"): the
// pages of its image, stack, IPC buffer and startup page, its page tables, its kernel objects.
#pragma once
#include <isok/result.hpp>
#include <isok/types.hpp>
#include <string>
#include <vector>

namespace isotool {

// A page-aligned range of user virtual addresses, [begin, end).
struct Span {
    isok::u64 begin = 0;
    isok::u64 end = 0;
    isok::u64 bytes() const { return end - begin; }
};

struct Footprint {
    isok::u64 image = 0; // the pages its loadable segments span
    isok::u64 stack = 0;
    isok::u64 ipc_buffer = 0;
    isok::u64 startup = 0;
    isok::u64 page_tables = 0;
    isok::u64 objects = 0; // domain, thread and capability space
    isok::u64 total() const { return image + stack + ipc_buffer + startup + page_tables + objects; }
};

// Whether the file starts with the ELF magic, 7f 'E' 'L' 'F'.
bool is_elf(const std::vector<isok::u8>& file);

// The page spans of the loadable segments of an executable, or why the root's loader
// (the same isok::elf reader) would refuse it.
isok::Result<std::vector<Span>, std::string> loadable_spans(const std::vector<isok::u8>& elf);

// The fixed places of isok/startup.hpp, each named for messages: stack, IPC buffer, startup page.
struct NamedSpan {
    const char* name;
    Span span;
};
std::vector<NamedSpan> fixed_spans(isok::u64 stack);

Footprint footprint(const std::vector<Span>& image, isok::u64 stack, isok::u64 cap_slots);

} // namespace isotool

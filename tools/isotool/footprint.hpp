// What a process needs of its budget, by the rule of docs/manifest.md ("Budgets"): the
// pages of its image, stack, IPC buffer and startup page, its page tables, its kernel objects,
// and what its network ports, disk partitions and console add.
#pragma once
#include <isok/plan.hpp>
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
    isok::u64 objects = 0; // domain, thread and capability space; what its links and console make for it
    isok::u64 vm = 0;      // VMMs only: the VM configuration page, the exits endpoint, mapping records
    isok::u64 rings = 0;      // the rings of the ports it holds (a member pays for them)
    isok::u64 buffers = 0;    // the buffers of the partitions it holds (a client pays for them)
    isok::u64 links_page = 0; // its Links page, when it has links
    isok::u64 total() const {
        return image + stack + ipc_buffer + startup + page_tables + objects + vm + rings + buffers + links_page;
    }
};

// What a VM's own domain needs (docs/manifest.md, "VM budgets").
struct VmFootprint {
    isok::u64 ram = 0;     // guest RAM
    isok::u64 vcpus = 0;   // a page per vCPU object
    isok::u64 stage2 = 0;  // G-stage tables: the 16K Sv39x4 root, middle and last-level tables
    isok::u64 objects = 0; // the VM domain's capability space and its mapping record
    isok::u64 total() const { return ram + vcpus + stage2 + objects; }
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

// Where the root maps what a process's links give it, named for messages: its Links page,
// each port's rings, each partition's buffer (isok/links.hpp). None without links.
std::vector<NamedSpan> link_spans(const isok::plan::LinkRoles& links);

// extra: more pages the process has mapped for it (not paid by it), counted only for the
// page tables they need. links: what it serves and holds on networks and disks.
// console_objects: the kernel objects the console makes for it (the service's endpoint, an
// input's notification).
Footprint footprint(const std::vector<Span>& image, isok::u64 stack, isok::u64 cap_slots,
                    const std::vector<Span>& extra = {}, const isok::plan::LinkRoles& links = {},
                    isok::u64 console_objects = 0);

// Where the root maps a VM's pages into its VMM, named for messages: the configuration
// page, guest RAM, the kernel and the initrd (when there is one).
std::vector<NamedSpan> vmm_spans(isok::u64 memory, isok::u64 kernel_bytes, isok::u64 initrd_bytes);

VmFootprint vm_footprint(isok::u64 memory, isok::u64 vcpus);
// The least budget of a VMM: a process's footprint whose page tables also reach the VMM's
// windows (vmm_spans), plus its configuration page, exits endpoint and mapping records.
Footprint vmm_footprint(const std::vector<Span>& image, isok::u64 stack, isok::u64 cap_slots,
                        const std::vector<NamedSpan>& windows, const isok::plan::LinkRoles& links = {},
                        isok::u64 console_objects = 0);

} // namespace isotool

// The budget rules of docs/manifest.md in code: pages mapped, Sv39 page tables, kernel
// objects; for a VM, its guest RAM, vCPUs and G-stage tables, and its VMM's windows; for
// the processes of networks and disks, their rings, buffers, Links page and kernel objects;
// for those of the console, their kernel objects.
#include "footprint.hpp"
#include <isok/abi.hpp>
#include <isok/elf.hpp>
#include <isok/links.hpp>
#include <isok/plan.hpp>
#include <isok/startup.hpp>
#include <isok/vm_config.hpp>
#include <set>
#include <utility>

namespace isotool {
namespace {

using isok::fail;
using isok::u64;
using isok::u8;

constexpr u64 page = 4 * isok::KiB;
constexpr u64 level0_reach = 2 * isok::MiB; // what one last-level Sv39 table maps
constexpr u64 level1_reach = isok::GiB;     // what one middle-level table maps
// The allowance per capability slot: the kernel's slot (object, generation, rights, badge) rounded up.
constexpr u64 cap_slot_bytes = 32;
// The allowance per kernel object a process's links and console make for it (memory
// objects, mapping records, notifications, endpoints): the kernel's largest, a mapping
// record, takes 128.
constexpr u64 link_object_bytes = 128;

// The kernel objects charged to a process for its links: its Links page (memory and
// mapping); per held port its rings, their mapping and its notification; a switch's
// doorbell and a mapping per served port; a service's endpoint and a mapping per served
// partition; per held partition its buffer and their mapping. Then those of its console,
// counted with them.
u64 link_objects(const isok::plan::LinkRoles& l, u64 console) {
    u64 n = console;
    if (l.any()) n += 2 + 3 * u64(l.member_ports) + 2 * u64(l.client_partitions);
    if (l.switch_ports) n += 1 + l.switch_ports;
    if (l.service) n += 1 + l.service_partitions;
    return isok::align_up(n * link_object_bytes, page);
}

// Sv39: one root table, one middle table per GiB touched, one last-level table per 2 MiB.
u64 page_tables(const std::vector<Span>& spans) {
    std::set<u64> middle, last;
    for (const Span& s : spans) {
        for (u64 a = isok::align_down(s.begin, level0_reach); a < s.end; a += level0_reach) {
            last.insert(a / level0_reach);
            middle.insert(a / level1_reach);
        }
    }
    return (1 + middle.size() + last.size()) * page;
}

} // namespace

bool is_elf(const std::vector<u8>& file) {
    return file.size() >= 4 && file[0] == 0x7f && file[1] == 'E' && file[2] == 'L' && file[3] == 'F';
}

isok::Result<std::vector<Span>, std::string> loadable_spans(const std::vector<u8>& file) {
    auto elf = isok::elf::Image::open(isok::Bytes(file.data(), file.size()), isok::abi::user_space_end);
    if (!elf) return fail(std::string(isok::elf::describe(elf.error())));
    std::vector<Span> spans;
    for (std::size_t i = 0; i < elf->segment_count(); ++i) {
        const isok::elf::Segment s = elf->segment(i);
        spans.push_back({isok::align_down(s.vaddr, page), isok::align_up(s.vaddr + s.mem_size, page)});
    }
    return spans;
}

std::vector<NamedSpan> fixed_spans(u64 stack) {
    using namespace isok::startup;
    return {
        {"stack", {stack_top - stack, stack_top}},
        {"IPC buffer", {ipc_buffer_address, ipc_buffer_address + page}},
        {"startup page", {startup_address, startup_address + page}},
    };
}

std::vector<NamedSpan> link_spans(const isok::plan::LinkRoles& l) {
    namespace links = isok::links;
    if (!l.any()) return {};
    std::vector<NamedSpan> spans{{"Links page", {links::address, links::address + page}}};
    // A process either serves ports or holds them, and either serves partitions or holds them.
    const u64 ports = l.switch_ports + l.member_ports, partitions = l.service_partitions + l.client_partitions;
    for (u64 i = 0; i < ports; ++i) {
        const u64 at = links::ring_window + i * links::ring_stride;
        spans.push_back({"port rings", {at, at + isok::plan::links_build::ring_bytes}});
    }
    for (u64 i = 0; i < partitions; ++i) {
        const u64 at = links::buffer_window + i * links::buffer_stride;
        spans.push_back({"partition buffers", {at, at + links::buffer_bytes}});
    }
    return spans;
}

Footprint footprint(const std::vector<Span>& image, u64 stack, u64 cap_slots, const std::vector<Span>& extra,
                    const isok::plan::LinkRoles& links, u64 console_objects) {
    std::vector<Span> all = image;
    for (const NamedSpan& f : fixed_spans(stack)) all.push_back(f.span);
    for (const NamedSpan& f : link_spans(links)) all.push_back(f.span);
    all.insert(all.end(), extra.begin(), extra.end());
    Footprint need;
    for (const Span& s : image) need.image += s.bytes();
    need.stack = stack;
    need.ipc_buffer = page;
    need.startup = page;
    need.page_tables = page_tables(all);
    need.objects = page + isok::align_up(cap_slots * cap_slot_bytes, page) + link_objects(links, console_objects);
    need.rings = links.member_ports * isok::plan::links_build::ring_bytes;
    need.buffers = links.client_partitions * isok::links::buffer_bytes;
    need.links_page = links.any() ? page : 0;
    return need;
}

std::vector<NamedSpan> vmm_spans(u64 memory, u64 kernel_bytes, u64 initrd_bytes) {
    namespace build = isok::plan::vm_build;
    std::vector<NamedSpan> spans{
        {"VM configuration page", {isok::vm::vm_config_address, isok::vm::vm_config_address + page}},
        {"guest RAM window", {isok::vm::vmm_guest_ram_address, isok::vm::vmm_guest_ram_address + memory}},
        {"kernel window", {build::kernel_address, build::kernel_address + isok::align_up(kernel_bytes, page)}},
    };
    if (initrd_bytes)
        spans.push_back(
            {"initrd window", {build::initrd_address, build::initrd_address + isok::align_up(initrd_bytes, page)}});
    return spans;
}

// Sv39x4 has a 16K root table where Sv39 has a 4K one; the levels below are the same.
VmFootprint vm_footprint(u64 memory, u64 vcpus) {
    VmFootprint need;
    need.ram = memory;
    need.vcpus = vcpus * page;
    need.stage2 = page_tables({{isok::vm::guest_ram_base, isok::vm::guest_ram_base + memory}}) + 3 * page;
    need.objects = isok::align_up(isok::plan::vm_build::domain_cap_slots * cap_slot_bytes, page) + page;
    return need;
}

Footprint vmm_footprint(const std::vector<Span>& image, u64 stack, u64 cap_slots,
                        const std::vector<NamedSpan>& windows, const isok::plan::LinkRoles& links,
                        u64 console_objects) {
    std::vector<Span> extra;
    for (const NamedSpan& w : windows) extra.push_back(w.span);
    Footprint need = footprint(image, stack, cap_slots, extra, links, console_objects);
    need.vm = 2 * page;
    return need;
}

} // namespace isotool

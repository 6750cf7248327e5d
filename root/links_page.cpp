// A process's Links page (isok/links.hpp): made with the process when it serves or holds
// ports or partitions, filled while its networks and disks are built, and sealed with its
// startup page (read-only at links::address). And the capabilities those links give it,
// each in its next slot, and the memory each link shares.
#include "root.hpp"
#include <isok/rt/console.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/format.hpp>
#include <isok/string.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;
namespace rights = isok::abi::rights;
namespace su = isok::startup;

// Beyond the grants, a startup page lists what it has room for; the Links page names every
// link capability, so one left off the listing is still found.
void list_if_room(Child& child, const char* name, u64 slot, su::CapKind kind, u64 held, u64 badge) {
    if (child.info && child.info->cap_count < su::max_caps) (void)list_cap(child, name, slot, kind, held, badge);
}

} // namespace

bool make_links_page(Child& child, u32 index) {
    child.links_memory = make_memory(child, 1, "Links page");
    if (child.links_memory == no_slot) return false;
    u64 at = links_window + u64(index) * page;
    Error e = sys::map(self_domain, child.links_memory, 0, at, 1, rights::read | rights::write);
    if (!check(child, e, "mapping the Links page into the root")) return false;
    child.links = reinterpret_cast<isok::links::Links*>(at);
    child.links->magic = isok::links::magic;
    child.links->port_count = 0;
    child.links->partition_count = 0;
    child.links->device_memory = isok::abi::no_slot;
    child.links->device_interrupt = isok::abi::no_slot;
    return true;
}

bool seal_links_page(Child& child, u32 index) {
    if (child.links_memory == no_slot) return true;
    u64 at = links_window + u64(index) * page;
    if (!check(child, sys::unmap(self_domain, at, 1), "unmapping the Links page from the root")) return false;
    child.links = nullptr;
    if (!map_into(child, child.links_memory, isok::links::address, 1, rights::read, "Links page")) return false;
    slots::release(child.links_memory);
    return true;
}

u64 give_cap(Child& child, u64 cap, u64 held, u64 badge, const char* name, su::CapKind kind) {
    Error e = sys::cap_copy(cap, child.domain, child.next_slot, held, badge);
    if (e != Error::ok) {
        isok::rt::print("process '%s': granting '%s' in slot %lu: %s\n", child.plan.name, name, child.next_slot,
                        isok::rt::error_name(e));
        return no_slot;
    }
    u64 slot = child.next_slot++;
    list_if_room(child, name, slot, kind, held, badge);
    return slot;
}

void link_cap_name(char (&out)[su::name_bytes], const char* base, const char* suffix) {
    isok::format_to(out, sizeof out, "%s%s", base, suffix);
}

LinkStep make_link_memory(u64& memory, u64 payer, u64 pages, const char* what, LinkEnd a, LinkEnd b) {
    if (Error e = slots::create(isok::abi::ObjectType::memory, memory, payer, pages); e != Error::ok) return {e, what};
    const LinkEnd ends[] = {a, b};
    for (const LinkEnd& end : ends)
        if (Error e = sys::map(end.domain, memory, 0, end.address, pages, rights::read | rights::write); e != Error::ok)
            return {e, end.what};
    return {};
}

} // namespace root

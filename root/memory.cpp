// Memory for children: created charged to the child's budget, filled through the root's
// copy window (the kernel hands out zeroed frames, so only file bytes are written), then
// mapped into the child.
#include "root.hpp"
#include <isok/rt/console.hpp>
#include <isok/rt/syscall.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;

// Byte copy that moves whole words once source and destination agree on alignment (they
// do for ELF segments: file offset and address are equal modulo the page size).
void copy(isok::u8* dst, const isok::u8* src, usize n) {
    while (n && (isok::uptr(dst) & 7)) *dst++ = *src++, --n;
    if ((isok::uptr(src) & 7) == 0) {
        for (; n >= 8; n -= 8, dst += 8, src += 8) *reinterpret_cast<u64*>(dst) = *reinterpret_cast<const u64*>(src);
    }
    while (n--) *dst++ = *src++;
}

} // namespace

u64 make_memory(Child& child, u64 pages, const char* what) {
    u64 slot = slots::take();
    if (slot == no_slot) {
        isok::rt::print("process '%s': %s: the root is out of capability slots\n", child.plan.name, what);
        child.ok = false;
        return no_slot;
    }
    Error e = sys::create(isok::abi::ObjectType::memory, slot, child.domain, pages);
    if (e != Error::ok) {
        isok::rt::print("process '%s': %s (%lu pages): %s\n", child.plan.name, what, pages,
                        isok::rt::error_name(e));
        slots::give(slot);
        child.ok = false;
        return no_slot;
    }
    return slot;
}

// Writes size bytes at byte offset of the memory, a window's worth of pages at a time.
bool fill_memory(Child& child, u64 memory, u64 offset, const isok::u8* data, usize size) {
    while (size) {
        u64 first = offset / page, within = offset % page;
        u64 pages = (within + size + page - 1) / page;
        if (pages > copy_window_pages) pages = copy_window_pages;
        usize n = pages * page - within;
        if (n > size) n = size;
        Error e = sys::map(self_domain, memory, first, copy_window, pages, isok::abi::rights::read | isok::abi::rights::write);
        if (!check(child, e, "mapping memory into the root to fill it")) return false;
        copy(reinterpret_cast<isok::u8*>(copy_window + within), data, n);
        e = sys::unmap(self_domain, copy_window, pages);
        if (!check(child, e, "unmapping memory from the root")) return false;
        offset += n, data += n, size -= n;
    }
    return true;
}

bool clear_memory(Child& child, u64 memory, u64 pages) {
    for (u64 first = 0; first < pages; first += copy_window_pages) {
        u64 n = pages - first < copy_window_pages ? pages - first : copy_window_pages;
        Error e = sys::map(self_domain, memory, first, copy_window, n, isok::abi::rights::read | isok::abi::rights::write);
        if (!check(child, e, "mapping memory into the root to clear it")) return false;
        __builtin_memset(reinterpret_cast<void*>(copy_window), 0, n * page);
        e = sys::unmap(self_domain, copy_window, n);
        if (!check(child, e, "unmapping memory from the root")) return false;
    }
    return true;
}

bool map_into(Child& child, u64 memory, u64 address, u64 pages, u64 rights, const char* what) {
    Error e = sys::map(child.domain, memory, 0, address, pages, rights);
    if (e == Error::ok) return true;
    isok::rt::print("process '%s': mapping %s at %p (%lu pages): %s\n", child.plan.name, what,
                    reinterpret_cast<void*>(address), pages, isok::rt::error_name(e));
    child.ok = false;
    return false;
}

} // namespace root

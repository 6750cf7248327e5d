// User memory access by page-table walk (see user_memory.hpp).
#include <arch/layout.hpp>
#include <kernel/user_memory.hpp>

namespace kernel {

isok::u8* user_page(Domain& domain, u64 address, bool write) {
    if (address >= isok::abi::user_space_end) return nullptr;
    isok::VirtAddr page(isok::align_down(address, frame_size));
    u64 perms = 0;
    auto pa = domain.space.lookup(page, perms);
    if (!pa || !(perms & arch::pte::user) || !(perms & arch::pte::read)) return nullptr;
    if (write && !(perms & arch::pte::write)) return nullptr;
    // A device window mapped to a driver is for the driver's own loads and stores; the
    // kernel touching it would be a device access on a user's say (or a fault), and the
    // direct map does not even cover most devices.
    if (perms & arch::pte::device) return nullptr;
    return static_cast<isok::u8*>(arch::phys_to_virt(*pa));
}

namespace {

template <class Copy> Error copy_pages(Domain& domain, u64 address, usize length, bool write, Copy copy) {
    u64 end;
    if (isok::add_overflows(address, length, end) || end > isok::abi::user_space_end) return Error::bad_address;
    for (usize done = 0; done < length;) {
        u64 at = address + done;
        isok::u8* page = user_page(domain, at, write);
        if (!page) return Error::bad_address;
        usize offset = at % frame_size;
        usize chunk = isok::min<usize>(length - done, frame_size - offset);
        copy(page + offset, done, chunk);
        done += chunk;
    }
    return Error::ok;
}

} // namespace

Error copy_from_user(Domain& domain, void* to, u64 from, usize length) {
    auto* dst = static_cast<isok::u8*>(to);
    return copy_pages(domain, from, length, false,
                      [&](isok::u8* user, usize done, usize n) { __builtin_memcpy(dst + done, user, n); });
}

Error copy_to_user(Domain& domain, u64 to, const void* from, usize length) {
    auto* src = static_cast<const isok::u8*>(from);
    return copy_pages(domain, to, length, true,
                      [&](isok::u8* user, usize done, usize n) { __builtin_memcpy(user, src + done, n); });
}

} // namespace kernel

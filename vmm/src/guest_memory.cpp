// Bounds-checked access to guest RAM.
#include <vmm/guest_memory.hpp>

namespace isok::vmm {

bool GuestMemory::contains(u64 address, u64 length) const {
    if (address < base_) return false;
    u64 offset = address - base_;
    return offset <= size_ && length <= size_ - offset;
}

u8* GuestMemory::at(u64 address, u64 length) const {
    if (!host_ || !contains(address, length)) return nullptr;
    return host_ + (address - base_);
}

bool GuestMemory::read(u64 address, void* out, u64 length) const {
    const u8* p = at(address, length);
    if (!p) return false;
    __builtin_memcpy(out, p, length);
    return true;
}

bool GuestMemory::write(u64 address, const void* data, u64 length) const {
    u8* p = at(address, length);
    if (!p) return false;
    __builtin_memcpy(p, data, length);
    return true;
}

} // namespace isok::vmm

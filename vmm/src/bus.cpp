// MMIO dispatch by guest-physical range.
#include <vmm/bus.hpp>

namespace isok::vmm {
namespace {

bool valid_width(u32 width) { return width == 1 || width == 2 || width == 4 || width == 8; }

} // namespace

bool Bus::add(u64 base, u64 size, MmioDevice& device) {
    u64 end;
    if (count_ == capacity || size == 0 || add_overflows(base, size, end)) return false;
    for (usize i = 0; i < count_; ++i) {
        const Entry& e = entries_[i];
        if (base < e.base + e.size && e.base < end) return false;
    }
    entries_[count_++] = {base, size, &device};
    return true;
}

Bus::Entry* Bus::find(u64 address, u32 width, u64& offset) {
    for (usize i = 0; i < count_; ++i) {
        Entry& e = entries_[i];
        if (address < e.base) continue;
        offset = address - e.base;
        // The whole access must lie inside one device; one straddling two is refused.
        if (offset < e.size && width <= e.size - offset) return &e;
    }
    return nullptr;
}

BusResult Bus::read(u64 address, u32 width, u64& value) {
    value = 0;
    u64 offset = 0;
    if (!valid_width(width)) return BusResult::bad_access;
    Entry* e = find(address, width, offset);
    if (!e) return BusResult::unmapped;
    if (!e->device->read(offset, width, value)) {
        value = 0;
        return BusResult::bad_access;
    }
    if (width < 8) value &= (u64(1) << (8 * width)) - 1;
    return BusResult::ok;
}

BusResult Bus::write(u64 address, u32 width, u64 value) {
    u64 offset = 0;
    if (!valid_width(width)) return BusResult::bad_access;
    Entry* e = find(address, width, offset);
    if (!e) return BusResult::unmapped;
    if (width < 8) value &= (u64(1) << (8 * width)) - 1;
    return e->device->write(offset, width, value) ? BusResult::ok : BusResult::bad_access;
}

} // namespace isok::vmm

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

// The whole access must lie inside one device; one straddling two is refused.
bool Bus::holds(const Entry& e, u64 address, u32 width, u64& offset) {
    if (address < e.base) return false;
    offset = address - e.base;
    return offset < e.size && width <= e.size - offset;
}

// The device that took the last access first: a guest talks to one device many times
// in a row (a console line, a virtqueue's registers).
Bus::Entry* Bus::find(u64 address, u32 width, u64& offset) {
    if (last_ < count_ && holds(entries_[last_], address, width, offset)) return &entries_[last_];
    for (usize i = 0; i < count_; ++i) {
        if (!holds(entries_[i], address, width, offset)) continue;
        last_ = i;
        return &entries_[i];
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

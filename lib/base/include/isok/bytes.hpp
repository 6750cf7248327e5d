// A bounds-checked, read-only view of untrusted bytes (device trees, boot images, messages).
#pragma once
#include <isok/types.hpp>

namespace isok {

class Bytes {
public:
    constexpr Bytes() = default;
    constexpr Bytes(const u8* data, usize size) : data_(data), size_(size) {}

    constexpr const u8* data() const { return data_; }
    constexpr usize size() const { return size_; }
    constexpr bool contains(usize offset, usize len) const { return offset <= size_ && len <= size_ - offset; }

    // A sub-view, or an empty view when [offset, offset+len) leaves this one.
    constexpr Bytes slice(usize offset, usize len) const {
        return contains(offset, len) ? Bytes(data_ + offset, len) : Bytes();
    }

    // Big- and little-endian loads; false when the field does not fit.
    bool be32(usize offset, u32& out) const;
    bool be64(usize offset, u64& out) const;
    bool le32(usize offset, u32& out) const;
    bool le64(usize offset, u64& out) const;

private:
    const u8* data_ = nullptr;
    usize size_ = 0;
};

inline bool Bytes::be32(usize o, u32& out) const {
    if (!contains(o, 4)) return false;
    out = u32(data_[o]) << 24 | u32(data_[o + 1]) << 16 | u32(data_[o + 2]) << 8 | u32(data_[o + 3]);
    return true;
}
inline bool Bytes::be64(usize o, u64& out) const {
    u32 hi, lo;
    if (!be32(o, hi) || !be32(o + 4, lo)) return false;
    out = u64(hi) << 32 | lo;
    return true;
}
inline bool Bytes::le32(usize o, u32& out) const {
    if (!contains(o, 4)) return false;
    out = u32(data_[o]) | u32(data_[o + 1]) << 8 | u32(data_[o + 2]) << 16 | u32(data_[o + 3]) << 24;
    return true;
}
inline bool Bytes::le64(usize o, u64& out) const {
    u32 lo, hi;
    if (!le32(o, lo) || !le32(o + 4, hi)) return false;
    out = u64(hi) << 32 | lo;
    return true;
}

} // namespace isok

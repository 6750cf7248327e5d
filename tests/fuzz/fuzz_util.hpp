// What the fuzz targets share: a failed invariant that stops the fuzzer with a crash, checks
// that a parser's views lie inside its input, and a front-to-back reader that turns the
// fuzzer's bytes into structured operations (short input reads as zeros, so every input
// is a valid program of operations and the seed files stay easy to write).
#pragma once
#include <isok/bytes.hpp>
#include <isok/types.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace fuzz {

using isok::Bytes;
using isok::u16;
using isok::u32;
using isok::u64;
using isok::u8;
using isok::usize;

// A parser broke one of its promises: libFuzzer records the input as a crash.
inline void check(bool ok) {
    if (!ok) __builtin_trap();
}

// [p, p + n) lies inside [begin, begin + size).
inline bool inside(const void* p, usize n, const u8* begin, usize size) {
    auto* at = static_cast<const u8*>(p);
    if (n == 0) return true;
    return at >= begin && at <= begin + size && n <= usize(begin + size - at);
}

inline bool inside(Bytes inner, Bytes outer) { return inside(inner.data(), inner.size(), outer.data(), outer.size()); }

// A string a parser hands out points into the input and ends (NUL) before the input does.
inline bool string_inside(const char* s, Bytes outer) {
    auto* at = reinterpret_cast<const u8*>(s);
    if (at < outer.data() || at >= outer.data() + outer.size()) return false;
    return std::memchr(at, 0, usize(outer.data() + outer.size() - at)) != nullptr;
}

// Consumes the input from the front; past its end every read yields zeros.
class Reader {
public:
    Reader(const u8* data, usize size) : data_(data), size_(size) {}

    bool empty() const { return at_ >= size_; }
    usize remaining() const { return size_ - at_; }

    template <class T> T take() {
        u64 v = 0;
        for (usize i = 0; i < sizeof(T); ++i) v |= u64(byte()) << (8 * i);
        return T(v);
    }
    bool flag() { return byte() & 1; }
    // n bytes (fewer at the end of the input), copied into a buffer of exactly that size,
    // so that a read one byte past them is caught by AddressSanitizer.
    std::vector<u8> bytes(usize n) {
        n = n < remaining() ? n : remaining();
        std::vector<u8> out(data_ + at_, data_ + at_ + n);
        at_ += n;
        return out;
    }
    // Copies up to n bytes into out (fewer at the end of the input); returns how many.
    usize copy(void* out, usize n) {
        n = n < remaining() ? n : remaining();
        if (n) std::memcpy(out, data_ + at_, n);
        at_ += n;
        return n;
    }

private:
    u8 byte() { return at_ < size_ ? data_[at_++] : 0; }

    const u8* data_;
    usize size_;
    usize at_ = 0;
};

} // namespace fuzz

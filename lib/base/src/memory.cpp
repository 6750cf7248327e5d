// The C memory primitives the compiler may call on the target, where there is no libc.
#include "copy_words.hpp"
#include <isok/types.hpp>

using isok::u8;
using isok::usize;

extern "C" {

// Word at a time wherever it can (copy_words.hpp).
void* memcpy(void* dst, const void* src, usize n) { return isok::copy_words(dst, src, n); }

void* memmove(void* dst, const void* src, usize n) {
    auto* d = static_cast<u8*>(dst);
    auto* s = static_cast<const u8*>(src);
    if (d < s) {
        while (n--) *d++ = *s++;
    } else {
        while (n--) d[n] = s[n];
    }
    return dst;
}

// Word at a time once aligned: the kernel clears whole frames (guest RAM included).
void* memset(void* dst, int c, usize n) {
    auto* d = static_cast<u8*>(dst);
    for (; n && (isok::uptr(d) & 7); --n) *d++ = u8(c);
    isok::u64 pattern = u8(c) * 0x0101010101010101ull;
    for (; n >= 32; n -= 32, d += 32) {
        auto* w = reinterpret_cast<isok::u64*>(d);
        w[0] = pattern;
        w[1] = pattern;
        w[2] = pattern;
        w[3] = pattern;
    }
    for (; n >= 8; n -= 8, d += 8) *reinterpret_cast<isok::u64*>(d) = pattern;
    while (n--) *d++ = u8(c);
    return dst;
}

int memcmp(const void* a, const void* b, usize n) {
    auto* x = static_cast<const u8*>(a);
    auto* y = static_cast<const u8*>(b);
    for (; n; --n, ++x, ++y)
        if (*x != *y) return *x < *y ? -1 : 1;
    return 0;
}

}

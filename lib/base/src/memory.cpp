// The C memory primitives the compiler may call on the target, where there is no libc.
#include <isok/types.hpp>

using isok::u8;
using isok::usize;

extern "C" {

// Word at a time when both sides are 8-byte aligned: IPC copies message words this way.
void* memcpy(void* dst, const void* src, usize n) {
    auto* d = static_cast<u8*>(dst);
    auto* s = static_cast<const u8*>(src);
    if (((isok::uptr(d) | isok::uptr(s)) & 7) == 0) {
        for (; n >= 32; n -= 32, d += 32, s += 32) {
            auto* dw = reinterpret_cast<isok::u64*>(d);
            auto* sw = reinterpret_cast<const isok::u64*>(s);
            dw[0] = sw[0];
            dw[1] = sw[1];
            dw[2] = sw[2];
            dw[3] = sw[3];
        }
        for (; n >= 8; n -= 8, d += 8, s += 8) *reinterpret_cast<isok::u64*>(d) = *reinterpret_cast<const isok::u64*>(s);
    }
    while (n--) *d++ = *s++;
    return dst;
}

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

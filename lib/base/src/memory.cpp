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

void* memset(void* dst, int c, usize n) {
    auto* d = static_cast<u8*>(dst);
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

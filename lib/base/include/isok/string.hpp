// Small string helpers that do not depend on a C library.
#pragma once
#include <isok/types.hpp>

namespace isok {

constexpr usize str_length(const char* s) {
    usize n = 0;
    while (s[n]) ++n;
    return n;
}

// Length of s, but never reading past max bytes: for strings from untrusted memory.
constexpr usize str_length_bounded(const char* s, usize max) {
    usize n = 0;
    while (n < max && s[n]) ++n;
    return n;
}

constexpr bool str_equal(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}

constexpr bool str_starts_with(const char* s, const char* prefix) {
    while (*prefix)
        if (*s++ != *prefix++) return false;
    return true;
}

// A whole string of decimal digits (no sign, no spaces) that is at most max; false for
// anything else, the empty string included.
constexpr bool str_to_decimal(const char* s, u64 max, u64& out) {
    if (!*s) return false;
    u64 value = 0;
    for (; *s; ++s) {
        if (*s < '0' || *s > '9') return false;
        u64 digit = u64(*s - '0');
        if (value > (max - digit) / 10) return false;
        value = value * 10 + digit;
    }
    out = value;
    return true;
}

// Copies at most size-1 characters and always terminates (when size > 0).
constexpr void str_copy(char* dst, const char* src, usize size) {
    if (size == 0) return;
    usize i = 0;
    for (; i + 1 < size && src[i]; ++i) dst[i] = src[i];
    dst[i] = 0;
}

} // namespace isok

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

// Copies at most size-1 characters and always terminates (when size > 0).
constexpr void str_copy(char* dst, const char* src, usize size) {
    if (size == 0) return;
    usize i = 0;
    for (; i + 1 < size && src[i]; ++i) dst[i] = src[i];
    dst[i] = 0;
}

} // namespace isok

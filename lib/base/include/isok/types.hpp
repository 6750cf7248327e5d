// Fixed-width integer vocabulary shared by the kernel, native processes and host tests.
#pragma once

namespace isok {

using u8 = __UINT8_TYPE__;
using u16 = __UINT16_TYPE__;
using u32 = __UINT32_TYPE__;
using u64 = __UINT64_TYPE__;
using i8 = __INT8_TYPE__;
using i16 = __INT16_TYPE__;
using i32 = __INT32_TYPE__;
using i64 = __INT64_TYPE__;
using usize = __SIZE_TYPE__;
using isize = __PTRDIFF_TYPE__;
using uptr = __UINTPTR_TYPE__;

inline constexpr u64 KiB = 1024;
inline constexpr u64 MiB = 1024 * KiB;
inline constexpr u64 GiB = 1024 * MiB;

template <class T> constexpr T min(T a, T b) { return b < a ? b : a; }
template <class T> constexpr T max(T a, T b) { return a < b ? b : a; }

constexpr bool is_power_of_two(u64 x) { return x != 0 && (x & (x - 1)) == 0; }
constexpr u64 align_down(u64 x, u64 a) { return x & ~(a - 1); }
// Saturates instead of wrapping so that a hostile size near 2^64 cannot align to 0.
constexpr u64 align_up(u64 x, u64 a) { return x > ~u64{0} - (a - 1) ? align_down(~u64{0}, a) : align_down(x + a - 1, a); }
constexpr bool is_aligned(u64 x, u64 a) { return (x & (a - 1)) == 0; }

// Overflow-checked addition: false when a + b does not fit in 64 bits.
constexpr bool add_overflows(u64 a, u64 b, u64& out) { return __builtin_add_overflow(a, b, &out); }

template <class T> struct RemoveReference { using Type = T; };
template <class T> struct RemoveReference<T&> { using Type = T; };
template <class T> struct RemoveReference<T&&> { using Type = T; };

template <class T> constexpr typename RemoveReference<T>::Type&& move(T&& t) {
    return static_cast<typename RemoveReference<T>::Type&&>(t);
}

} // namespace isok

// Address types that the compiler keeps apart: a physical, a virtual and a
// guest-physical address are different things and never convert silently.
#pragma once
#include <isok/types.hpp>

namespace isok {

template <class Tag> class Address {
public:
    constexpr Address() = default;
    constexpr explicit Address(u64 value) : value_(value) {}

    constexpr u64 raw() const { return value_; }
    constexpr Address operator+(u64 off) const { return Address(value_ + off); }
    constexpr Address operator-(u64 off) const { return Address(value_ - off); }
    constexpr u64 operator-(Address other) const { return value_ - other.value_; }
    constexpr Address& operator+=(u64 off) { value_ += off; return *this; }
    constexpr bool operator==(const Address&) const = default;
    constexpr bool operator<(Address o) const { return value_ < o.value_; }
    constexpr bool operator<=(Address o) const { return value_ <= o.value_; }
    constexpr bool operator>(Address o) const { return value_ > o.value_; }
    constexpr bool operator>=(Address o) const { return value_ >= o.value_; }

    constexpr bool is_aligned(u64 a) const { return isok::is_aligned(value_, a); }
    constexpr Address align_down(u64 a) const { return Address(isok::align_down(value_, a)); }
    constexpr Address align_up(u64 a) const { return Address(isok::align_up(value_, a)); }

private:
    u64 value_ = 0;
};

using PhysAddr = Address<struct PhysTag>;
using VirtAddr = Address<struct VirtTag>;
using GuestPhysAddr = Address<struct GuestPhysTag>;

// A half-open range [base, base + size) of some address kind.
template <class A> struct Range {
    A base;
    u64 size = 0;

    constexpr A end() const { return base + size; }
    constexpr bool empty() const { return size == 0; }
    constexpr bool contains(A a) const { return a >= base && a - base < size; }
    constexpr bool overlaps(const Range& o) const {
        return !empty() && !o.empty() && base < o.end() && o.base < end();
    }
};

using PhysRange = Range<PhysAddr>;

} // namespace isok

// Errors are values: Result<T, E> holds either a value or an error the caller must look at.
#pragma once
#include <isok/types.hpp>

namespace isok {

template <class E> struct Failure { E error; };
template <class E> constexpr Failure<E> fail(E e) { return {e}; }

template <class T, class E> class [[nodiscard]] Result {
public:
    constexpr Result(T value) : value_(isok::move(value)), ok_(true) {}
    constexpr Result(Failure<E> f) : error_(f.error), ok_(false) {}

    constexpr bool ok() const { return ok_; }
    constexpr explicit operator bool() const { return ok_; }
    constexpr T& value() { return value_; }
    constexpr const T& value() const { return value_; }
    constexpr T* operator->() { return &value_; }
    constexpr const T* operator->() const { return &value_; }
    constexpr T& operator*() { return value_; }
    constexpr E error() const { return error_; }

private:
    T value_{};
    E error_{};
    bool ok_;
};

// A result with no value: success or an error.
template <class E> class [[nodiscard]] Status {
public:
    constexpr Status() : ok_(true) {}
    constexpr Status(Failure<E> f) : error_(f.error), ok_(false) {}
    constexpr bool ok() const { return ok_; }
    constexpr explicit operator bool() const { return ok_; }
    constexpr E error() const { return error_; }

private:
    E error_{};
    bool ok_;
};

} // namespace isok

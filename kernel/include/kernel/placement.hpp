// Placement new: the one piece of <new> the kernel needs, without a C++ library.
#pragma once
#if __has_include(<new>)
#include <new>
#else
inline void* operator new(__SIZE_TYPE__, void* where) noexcept { return where; }
#endif

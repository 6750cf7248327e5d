// Kernel invariant checks. A failed check is a kernel bug, never the answer to bad input:
// hostile input gets an error value, so no path from user space or a guest may reach one.
#pragma once

// Provided by the kernel (report and halt) and by each host test program that needs it.
extern "C" [[noreturn]] void kernel_assert_failed(const char* expr, const char* file, int line);

#define KERNEL_ASSERT(cond) \
    (__builtin_expect(!!(cond), 1) ? static_cast<void>(0) : kernel_assert_failed(#cond, __FILE__, __LINE__))

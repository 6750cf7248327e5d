// The two ways the kernel stops: panic (a kernel bug: report and fail) and
// refuse_boot (bad platform or boot input: a clear message and a clean stop).
#pragma once

namespace kernel {

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void refuse_boot(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace kernel

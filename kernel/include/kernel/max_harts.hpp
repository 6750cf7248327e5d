// How many harts the kernel runs on at most: each has a kernel stack (linker.ld) and a
// record (hart.hpp); harts beyond these stay in the firmware.
#pragma once
#include <isok/types.hpp>

namespace kernel {
inline constexpr isok::usize max_harts = 8;
}

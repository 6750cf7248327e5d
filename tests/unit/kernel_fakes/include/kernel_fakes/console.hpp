// The kernel console on the host: every line the kernel printed, for tests to read.
#pragma once
#include <string>
#include <vector>

namespace fake {

std::vector<std::string>& console_lines();

} // namespace fake

// Built-in checks that only the test kernel carries, chosen by "selftest=NAME" on
// the kernel command line; they let system tests provoke what a user cannot.
#pragma once
#include <kernel/platform.hpp>

namespace kernel::selftest {

// Runs the requested check and does not return if one was requested.
void run_if_requested(const Platform& platform);
// Whether domain_info reports the machine's free frames (the test kernel's leak checks).
bool reveals_free_frames();

} // namespace kernel::selftest

// The production kernel carries no self-tests: the command line cannot provoke anything.
#include <kernel/selftest.hpp>

namespace kernel::selftest {
void run_if_requested(const Platform&) {}
bool reveals_free_frames() { return false; }
} // namespace kernel::selftest

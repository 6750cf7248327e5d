// role=cpu hart=H marks=M: moves to hart H, says where it runs, then computes in M equal
// chunks and prints a mark after each, so the test can see processes on other harts
// make progress between its marks.
#include "smp.hpp"

namespace smp {

int cpu() {
    u64 want = arg("hart", 0), marks = arg("marks", 20), chunk = arg("chunk", 10'000'000);
    u64 at = move_to(want);
    isok::rt::print("on hart %lu of %lu\n", at, sys::hart_info().harts);
    u64 hash = 0;
    for (u64 m = 1; m <= marks; ++m) {
        hash = work(chunk, hash);
        isok::rt::print("mark %lu\n", m);
    }
    isok::rt::print("done on hart %lu: %lu chunks, hash %lx\n", sys::hart_info().hart, marks, hash);
    return 0;
}

} // namespace smp

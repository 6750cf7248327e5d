// The root process: the one process the kernel builds itself, from the program named
// "root" in the boot image. It gets the boot image and the whole memory budget, and
// builds everything else from the system plan.
#pragma once
#include <isok/boot_image.hpp>
#include <kernel/platform.hpp>

namespace kernel::root {

// Returns false (and says why) when the boot image carries no root program.
bool start(const Platform& platform, const isok::bootimage::Image& image);

} // namespace kernel::root

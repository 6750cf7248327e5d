// The boot image: the archive QEMU loads as the initrd, holding the first programs.
#pragma once
#include <kernel/platform.hpp>

namespace kernel::boot_image {

// Validates the boot image named by /chosen and lists what it holds; a malformed
// image stops the boot with a clear message.
void open(const Platform& platform);

} // namespace kernel::boot_image

// The boot image: the archive QEMU loads as the initrd, holding the first programs.
#pragma once
#include <isok/boot_image.hpp>
#include <kernel/platform.hpp>

namespace kernel::boot_image {

// Validates the boot image named by /chosen and lists what it holds; a malformed
// image stops the boot with a clear message.
void open(const Platform& platform);
// The validated image, or null when the machine was booted without one.
const isok::bootimage::Image* get();

} // namespace kernel::boot_image

// The kernel's own address space: its image with W^X permissions, a direct map
// of RAM, and the registers of the devices the kernel drives.
#pragma once
#include <arch/page_table.hpp>
#include <kernel/platform.hpp>

namespace arch {

// Physical extent of the kernel image, from the linker script's symbols.
isok::PhysRange kernel_image();

isok::Status<MapError> build_kernel_space(const kernel::Platform& platform, kernel::FrameAllocator& frames,
                                          PageTable& space);
// Switches this hart to the given table; the boot page table is not used again.
void activate(const PageTable& space);
// The kernel's table, whose upper half every address space shares.
const PageTable& kernel_page_table();

} // namespace arch

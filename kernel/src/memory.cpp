// Physical memory bring-up: every byte that firmware, the kernel image, the device
// tree or the boot image occupies is excluded before the first frame is handed out.
#include <arch/kernel_space.hpp>
#include <arch/layout.hpp>
#include <kernel/console.hpp>
#include <kernel/memory.hpp>
#include <kernel/panic.hpp>

namespace kernel::memory {
namespace {

FrameAllocator allocator;
arch::PageTable kernel_space;

void* to_ptr(isok::PhysAddr pa) { return arch::phys_to_virt(pa); }

// RAM beyond the boot direct map cannot be reached yet, so it is left unused.
usize usable_ram(const Platform& p, isok::PhysRange* out) {
    usize n = 0;
    for (usize i = 0; i < p.memory_count; ++i) {
        isok::PhysRange r = p.memory[i];
        if (r.base.raw() >= arch::physmap_boot_size) continue;
        r.size = isok::min(r.size, arch::physmap_boot_size - r.base.raw());
        out[n++] = r;
    }
    return n;
}

} // namespace

void init(const Platform& p, isok::PhysRange dtb) {
    isok::PhysRange ram[Platform::max_memory];
    usize ram_count = usable_ram(p, ram);

    isok::PhysRange reserved[Platform::max_reserved + 3];
    usize n = 0;
    for (usize i = 0; i < p.reserved_count; ++i) reserved[n++] = p.reserved[i];
    reserved[n++] = arch::kernel_image();
    reserved[n++] = dtb;
    if (p.has_initrd) reserved[n++] = p.initrd;

    if (auto s = allocator.init(ram, ram_count, reserved, n, to_ptr); !s)
        refuse_boot("physical memory: %s", describe(s.error()));
    if (auto s = arch::build_kernel_space(p, allocator, kernel_space); !s)
        refuse_boot("kernel address space: %s", arch::describe(s.error()));
    arch::activate(kernel_space);
}

FrameAllocator& frames() { return allocator; }

} // namespace kernel::memory

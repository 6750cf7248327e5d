// Host RAM for the kernel's allocators. The frame allocator is given a heap block at the
// "physical" addresses that the kernel's direct map (arch::phys_to_virt: physmap_base + pa,
// modulo 2^64) turns back into the block, so kmem, domains, page tables and user_page
// reach it through their own code, unchanged.
#include <arch/kernel_space.hpp>
#include <arch/layout.hpp>
#include <kernel/kmem.hpp>
#include <kernel_fakes/host_memory.hpp>

#include <cstdlib>
#include <stdexcept>

namespace {

constexpr isok::u64 ram_size = 32 * isok::MiB;

kernel::FrameAllocator frames;
arch::AllocatorTableFrames kernel_table_frames(frames);
arch::PageTable kernel_table;

isok::PhysAddr physical(const void* p) { return isok::PhysAddr(reinterpret_cast<isok::u64>(p) - arch::physmap_base); }

void boot() {
    void* ram = std::aligned_alloc(2 * isok::MiB, ram_size); // never freed: kmem keeps its pages
    if (!ram) throw std::runtime_error("no host memory for the kernel");
    isok::PhysRange range{physical(ram), ram_size};
    if (!frames.init(&range, 1, nullptr, 0, arch::phys_to_virt).ok()) throw std::runtime_error("frame allocator");
    kernel::kmem::init(frames);
    if (!kernel_table.init(kernel_table_frames, arch::phys_to_virt).ok()) throw std::runtime_error("kernel table");
}

} // namespace

namespace fake {

void boot_memory() {
    static const bool booted = (boot(), true);
    (void)booted;
}

} // namespace fake

const arch::PageTable& arch::kernel_page_table() { return kernel_table; }

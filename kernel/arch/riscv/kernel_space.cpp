// Builds the kernel's final page table. The direct map leaves out the kernel
// image, so no page of kernel text is ever writable through any alias.
#include <arch/kernel_space.hpp>
#include <arch/csr.hpp>
#include <arch/layout.hpp>

extern "C" char __kernel_start[], __text_start[], __text_end[], __rodata_start[], __rodata_end[], __data_start[],
    __data_end[], __stacks_start[], __kernel_end[];

namespace arch {
namespace {

constexpr u64 page = 4096;

isok::Status<MapError> map_image_part(PageTable& space, const char* start, const char* end, u64 perms) {
    VirtAddr va(reinterpret_cast<u64>(start));
    return space.map(va, kernel_image_phys(start), u64(end - start), perms | pte::global);
}

isok::Status<MapError> map_direct(PageTable& space, isok::PhysRange r, u64 perms) {
    if (r.empty()) return {};
    return space.map(VirtAddr(physmap_base + r.base.raw()), r.base, r.size, perms | pte::global);
}

// The direct map of one RAM range, minus the kernel image where they overlap.
isok::Status<MapError> map_ram(PageTable& space, isok::PhysRange ram) {
    isok::PhysAddr base = ram.base.align_up(page), end = ram.end().align_down(page);
    if (end <= base) return {};
    ram = {base, end - base};
    isok::PhysRange image = kernel_image();
    if (!ram.overlaps(image)) return map_direct(space, ram, pte::read | pte::write);
    isok::PhysRange below{ram.base, image.base > ram.base ? image.base - ram.base : 0};
    isok::PhysRange above{image.end(), ram.end() > image.end() ? ram.end() - image.end() : 0};
    if (auto s = map_direct(space, below, pte::read | pte::write); !s) return s;
    return map_direct(space, above, pte::read | pte::write);
}

isok::PhysRange page_span(isok::PhysRange r) {
    isok::PhysAddr base = r.base.align_down(page);
    return {base, isok::align_up(r.end().raw(), page) - base.raw()};
}

const PageTable* kernel_table = nullptr;

} // namespace

const PageTable& kernel_page_table() { return *kernel_table; }

isok::PhysRange kernel_image() {
    return {kernel_image_phys(__kernel_start), u64(__kernel_end - __kernel_start)};
}

isok::Status<MapError> build_kernel_space(const kernel::Platform& platform, kernel::FrameAllocator& frames,
                                          PageTable& space) {
    static AllocatorTableFrames table_frames(frames);
    auto to_ptr = [](isok::PhysAddr pa) { return phys_to_virt(pa); };
    if (auto s = space.init(table_frames, to_ptr); !s) return s;
    kernel_table = &space;
    if (auto s = map_image_part(space, __text_start, __text_end, pte::read | pte::exec); !s) return s;
    if (auto s = map_image_part(space, __rodata_start, __rodata_end, pte::read); !s) return s;
    if (auto s = map_image_part(space, __data_start, __data_end, pte::read | pte::write); !s) return s;
    // Each hart's guard page, below its stack, stays unmapped.
    for (isok::usize i = 0; i < kernel_stacks; ++i) {
        const char* bottom = __stacks_start + i * (page + kernel_stack_bytes) + page;
        if (auto s = map_image_part(space, bottom, bottom + kernel_stack_bytes, pte::read | pte::write); !s) return s;
    }
    for (isok::usize i = 0; i < platform.memory_count; ++i)
        if (auto s = map_ram(space, platform.memory[i]); !s) return s;
    if (platform.has_uart)
        if (auto s = map_direct(space, page_span(platform.uart.mmio), pte::read | pte::write); !s) return s;
    if (platform.has_test_finisher)
        if (auto s = map_direct(space, page_span(platform.test_finisher), pte::read | pte::write); !s) return s;
    if (platform.has_plic)
        if (auto s = map_direct(space, page_span(platform.plic), pte::read | pte::write); !s) return s;
    return {};
}

// Page-table writes are ordered before the walk by the fence after the satp write
// (every mapping change also fences on its own).
void activate(const PageTable& space) {
    csr_write(satp, space.satp());
    asm volatile("sfence.vma" ::: "memory");
}

} // namespace arch

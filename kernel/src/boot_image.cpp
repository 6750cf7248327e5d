// Opens the boot image that QEMU loaded as the initrd: validates it whole before
// anything in it is used, and lists what it holds.
#include <arch/layout.hpp>
#include <isok/boot_image.hpp>
#include <isok/crc32.hpp>
#include <kernel/boot_image.hpp>
#include <kernel/console.hpp>
#include <kernel/panic.hpp>

namespace kernel::boot_image {
namespace {
isok::bootimage::Image image;
bool present = false;
} // namespace

const isok::bootimage::Image* get() { return present ? &image : nullptr; }

void open(const Platform& platform) {
    if (!platform.has_initrd) {
        console::print("boot image: none (no initrd in /chosen)\n");
        return;
    }
    // Payloads are mapped into processes in place, so the image must start on a page.
    if (!platform.initrd.base.is_aligned(isok::bootimage::layout::page))
        refuse_boot("boot image at %lx is not page aligned", platform.initrd.base.raw());
    isok::Bytes bytes(static_cast<const isok::u8*>(arch::phys_to_virt(platform.initrd.base)), platform.initrd.size);
    auto opened = isok::bootimage::Image::open(bytes);
    if (!opened) refuse_boot("boot image: %s", isok::bootimage::describe(opened.error()));
    image = *opened;
    present = true;
    console::print("boot image: %u entries, %lu bytes\n", image.count(), image.size());
    for (const auto& e : image.all())
        console::print("  %-12s %-24s %8lu bytes  crc32 %08x\n", isok::bootimage::kind_name(e.kind), e.name,
                       e.data.size(), isok::crc32(e.data));
}

} // namespace kernel::boot_image

// Guest boot: configuration checks, placement and loading.
//
// Layout of guest RAM, low to high:
//   base            free (Linux uses it once it runs)
//   base + 2 MiB    kernel (Linux's text_offset for rv64; raw binaries go here too)
//   ...             free
//   dtb             the device tree, in a page-aligned slot below the initrd
//   initrd          page-aligned, as near the end of RAM as it fits
#include <isok/abi.hpp>
#include <vmm/boot.hpp>
#include <vmm/layout.hpp>

namespace isok::vmm {
namespace {

constexpr u64 page = 4096;
constexpr u32 image_magic2 = 0x05435352;  // "RSC\x05" at offset 56 of a Linux Image
constexpr u64 image_magic = 0x5643534952; // "RISCV\0\0\0" at offset 48 (older kernels)

} // namespace

const char* describe(BootError e) {
    switch (e) {
    case BootError::bad_magic: return "no VM configuration page";
    case BootError::bad_vcpus: return "vCPU count outside 1..8";
    case BootError::bad_ram: return "guest RAM size unusable";
    case BootError::no_kernel: return "no kernel image";
    case BootError::kernel_too_big: return "kernel does not fit in guest RAM";
    case BootError::initrd_too_big: return "initrd does not fit beside the kernel";
    case BootError::no_room_for_dtb: return "no room for the device tree";
    case BootError::device_tree: return "device tree not written";
    }
    return "boot error";
}

Status<BootError> check_config(const vm::Config& c) {
    if (c.magic != vm::config_magic) return fail(BootError::bad_magic);
    if (c.vcpus == 0 || c.vcpus > vm::max_vcpus) return fail(BootError::bad_vcpus);
    u64 end;
    if (c.ram_size == 0 || !is_aligned(c.ram_size, page) || add_overflows(vm::guest_ram_base, c.ram_size, end) ||
        end > abi::guest_space_end)
        return fail(BootError::bad_ram);
    if (c.kernel_address == 0 || c.kernel_size == 0) return fail(BootError::no_kernel);
    return {};
}

u64 guest_devices(const vm::Config& c, u64 backed) { return layout::emulated_devices(c.devices, backed); }

u64 kernel_footprint(Bytes kernel) {
    u32 magic2 = 0;
    u64 magic = 0, image_size = 0;
    bool linux_image =
        (kernel.le32(56, magic2) && magic2 == image_magic2) || (kernel.le64(48, magic) && magic == image_magic);
    if (linux_image && kernel.le64(16, image_size)) return max(u64(kernel.size()), image_size);
    return kernel.size();
}

Result<BootPlan, BootError> plan_boot(u64 ram_base, u64 ram_size, u64 footprint, u64 initrd_size) {
    BootPlan p;
    u64 ram_end = ram_base + ram_size;
    p.kernel = p.entry = ram_base + layout::kernel_offset;
    if (ram_size <= layout::kernel_offset || footprint > ram_end - p.kernel) return fail(BootError::kernel_too_big);
    p.kernel_end = align_up(p.kernel + footprint, page);

    u64 top = ram_end;
    if (initrd_size) {
        if (initrd_size > ram_end - p.kernel_end) return fail(BootError::initrd_too_big);
        p.initrd = align_down(ram_end - initrd_size, page);
        if (p.initrd < p.kernel_end) return fail(BootError::initrd_too_big);
        p.initrd_end = p.initrd + initrd_size;
        top = p.initrd;
    } else {
        p.initrd = p.initrd_end = 0;
    }
    if (top - p.kernel_end < layout::dtb_max_size) return fail(BootError::no_room_for_dtb);
    p.dtb = align_down(top - layout::dtb_max_size, page);
    p.dtb_size = layout::dtb_max_size;
    return p;
}

Result<BootPlan, BootError> load_guest(const vm::Config& c, const GuestMemory& ram, Bytes kernel, Bytes initrd,
                                       DeviceTreeError* dt_error, u64 backed) {
    auto planned = plan_boot(ram.base(), ram.size(), kernel_footprint(kernel), initrd.size());
    if (!planned) return planned;
    BootPlan p = *planned;
    if (!ram.write(p.kernel, kernel.data(), kernel.size())) return fail(BootError::kernel_too_big);
    if (initrd.size() && !ram.write(p.initrd, initrd.data(), initrd.size())) return fail(BootError::initrd_too_big);

    GuestDescription g;
    g.ram_base = ram.base();
    g.ram_size = ram.size();
    g.vcpus = u32(c.vcpus);
    g.devices = guest_devices(c, backed);
    g.timebase_hz = c.timebase_hz;
    g.host_isa = c.isa;
    g.host_isa_max = sizeof c.isa;
    g.bootargs = c.bootargs;
    g.bootargs_max = sizeof c.bootargs;
    g.initrd_start = p.initrd;
    g.initrd_end = p.initrd_end;
    u8* slot = ram.at(p.dtb, p.dtb_size);
    Result<usize, DeviceTreeError> written = fail(DeviceTreeError::no_space);
    if (slot) written = write_device_tree(g, slot, p.dtb_size);
    if (!written) {
        if (dt_error) *dt_error = written.error();
        return fail(BootError::device_tree);
    }
    p.dtb_size = *written;
    return p;
}

} // namespace isok::vmm

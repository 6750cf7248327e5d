// Getting a guest ready to run: check the VMM's configuration page, place the kernel,
// initrd and device tree in guest RAM, copy them there, and say where the boot hart
// starts. The placement follows what Linux expects of firmware on RISC-V.
#pragma once
#include <isok/bytes.hpp>
#include <isok/result.hpp>
#include <isok/vm_config.hpp>
#include <vmm/device_tree.hpp>
#include <vmm/guest_memory.hpp>

namespace isok::vmm {

enum class BootError : u8 {
    bad_magic = 1,   // the configuration page is not one
    bad_vcpus,       // 0 or more than vm::max_vcpus
    bad_ram,         // guest RAM empty, unaligned or past the guest-physical space
    no_kernel,       // no kernel image
    kernel_too_big,  // the kernel (as loaded, with its BSS) does not fit in RAM
    initrd_too_big,  // the initrd would overlap the kernel
    no_room_for_dtb, // nothing left between kernel and initrd for the device tree
    device_tree,     // the device tree could not be written (see the DeviceTreeError)
};

const char* describe(BootError e);

// Where things go in guest-physical memory.
struct BootPlan {
    u64 kernel = 0;
    u64 kernel_end = 0; // what the kernel occupies once running (Linux: header image_size)
    u64 initrd = 0;
    u64 initrd_end = 0; // == initrd: none
    u64 dtb = 0;
    u64 dtb_size = 0; // the slot's size until written, then the blob's
    u64 entry = 0;    // boot hart's pc; a0 = 0 (hart id), a1 = dtb
};

Status<BootError> check_config(const vm::Config& config);

// The devices the guest gets: configured and emulated by this VMM. `backed` holds the
// vm::device bits of the backed devices (virtio-net, virtio-block) the VMM has a
// backend for: those are emulated only then.
u64 guest_devices(const vm::Config& config, u64 backed = 0);

// How much RAM the kernel image occupies once running: a Linux Image's header says it
// (image_size covers the BSS), for anything else it is the file size.
u64 kernel_footprint(Bytes kernel);

Result<BootPlan, BootError> plan_boot(u64 ram_base, u64 ram_size, u64 footprint, u64 initrd_size);

// Plans, copies kernel and initrd and writes the device tree (with guest_devices(config,
// backed)). On a device tree failure *dt_error says why.
Result<BootPlan, BootError> load_guest(const vm::Config& config, const GuestMemory& ram, Bytes kernel, Bytes initrd,
                                       DeviceTreeError* dt_error = nullptr, u64 backed = 0);

} // namespace isok::vmm

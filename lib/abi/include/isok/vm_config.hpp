// What a VMM finds at start, besides its startup page: the root maps one read-only
// VmConfig page at vm_config_address into the VMM of every VM it builds, and the
// guest's kernel and initrd (straight from the boot image) where the config says.
#pragma once
#include <isok/types.hpp>

namespace isok::vm {

inline constexpr u64 config_magic = 0x4749464e434d5649; // "IVMCONFG"
inline constexpr u64 vm_config_address = 0x3f300000;
// Guest RAM starts here in guest-physical space, as on QEMU's virt machine.
inline constexpr u64 guest_ram_base = 0x80000000;
// Where the root maps the guest's RAM into its VMM.
inline constexpr u64 vmm_guest_ram_address = 0x1000000000;
inline constexpr usize max_vcpus = 8;

// Devices a VM may be given; the VMM emulates only these and the device tree it
// writes lists only these, so a guest cannot reach a device its manifest does not give.
namespace device {
inline constexpr u64 uart = 1 << 0;           // ns16550a console
inline constexpr u64 virtio_console = 1 << 1; // virtio-mmio console (hvc0)
inline constexpr u64 virtio_net = 1 << 2;
inline constexpr u64 virtio_block = 1 << 3;
} // namespace device

// Capabilities the root grants a VMM (names in its startup page):
//   "vm"      the VM's domain (control)        "memory"  guest RAM (read/write)
//   "exits"   endpoint receiving every vCPU's exits, badged with vCPU index + 1
//   "vcpu0".. the vCPU threads (control), created but not started
struct Config {
    u64 magic;
    char name[32];          // the VM's name from the manifest (console prefix)
    u64 ram_size;           // bytes of guest RAM at guest_ram_base
    u64 vcpus;
    u64 devices;            // device:: bits
    u64 kernel_address;     // in the VMM's address space (read-only), and size
    u64 kernel_size;
    u64 initrd_address;     // 0 when the VM has no initrd
    u64 initrd_size;
    u64 timebase_hz;        // of the host; the guest sees the same timebase
    char isa[96];           // the host's ISA string; the VMM derives what the guest gets
    char bootargs[256];
};
static_assert(sizeof(Config) <= 4096);

} // namespace isok::vm

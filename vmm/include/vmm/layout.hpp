// The guest-physical machine a VM sees. Addresses and interrupt numbers follow QEMU's
// virt board, so guests configured for it (and people who know it) find things where
// they expect; only RAM is mapped by the kernel, everything else here exits to the VMM.
#pragma once
#include <isok/types.hpp>
#include <isok/vm_config.hpp>

namespace isok::vmm::layout {

inline constexpr u64 plic_base = 0x0c000000;
inline constexpr u64 plic_size = 0x04000000;

inline constexpr u64 uart_base = 0x10000000;
inline constexpr u64 uart_size = 0x100;
inline constexpr u32 uart_irq = 10;
inline constexpr u32 uart_clock_hz = 3686400; // the classic 1.8432 MHz crystal, doubled

// One virtio-mmio slot per device kind, at a fixed place, so a device keeps its address
// whichever others a VM has.
inline constexpr u64 virtio_base = 0x10001000;
inline constexpr u64 virtio_stride = 0x1000;
inline constexpr u64 virtio_size = 0x1000;
inline constexpr u32 virtio_first_irq = 1;

enum class VirtioSlot : u32 { console = 0, net = 1, block = 2 };
inline constexpr u64 virtio_slot_base(VirtioSlot s) { return virtio_base + u64(s) * virtio_stride; }
inline constexpr u32 virtio_slot_irq(VirtioSlot s) { return virtio_first_irq + u32(s); }

// Interrupt sources of the guest's PLIC: 1..plic_sources-1 (0 means "none").
inline constexpr u32 plic_sources = 32;

// Devices this VMM emulates on its own; a configured device outside this set is left out
// of the guest's device tree (and reported), never half-offered.
inline constexpr u64 implemented_devices = vm::device::uart | vm::device::virtio_console;
// Devices that need a backend (a switch port, a disk partition): emulated only with one.
inline constexpr u64 backed_devices = vm::device::virtio_net | vm::device::virtio_block;

// What a VM gets of the devices configured, given the backed devices the VMM has a
// backend for.
constexpr u64 emulated_devices(u64 configured, u64 backed) {
    return configured & (implemented_devices | (backed & backed_devices));
}

// Boot placement: Linux's Image is loaded 2 MiB into RAM (its text_offset); raw
// binaries go to the same place.
inline constexpr u64 kernel_offset = 2 * MiB;
inline constexpr u64 dtb_max_size = 64 * KiB;

} // namespace isok::vmm::layout

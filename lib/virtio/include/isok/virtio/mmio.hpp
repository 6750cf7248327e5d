// The virtio-mmio transport's register file (virtio 1.1, 4.2.2), version 2 ("modern")
// layout: register offsets in a device's window and the values a driver checks first.
#pragma once
#include <isok/types.hpp>

namespace isok::virtio {

inline constexpr u32 magic = 0x74726976; // "virt"
inline constexpr u32 version_legacy = 1, version_modern = 2;

// Register offsets (table "MMIO Device Register Layout"). Registers are 32 bits wide;
// the 64-bit queue addresses are two of them, low word first.
enum Reg : u64 {
    reg_magic = 0x000,
    reg_version = 0x004,
    reg_device_id = 0x008,
    reg_vendor_id = 0x00c,
    reg_device_features = 0x010,
    reg_device_features_sel = 0x014,
    reg_driver_features = 0x020,
    reg_driver_features_sel = 0x024,
    reg_queue_sel = 0x030,
    reg_queue_num_max = 0x034,
    reg_queue_num = 0x038,
    reg_queue_ready = 0x044,
    reg_queue_notify = 0x050,
    reg_interrupt_status = 0x060,
    reg_interrupt_ack = 0x064,
    reg_status = 0x070,
    reg_queue_desc_low = 0x080,
    reg_queue_desc_high = 0x084,
    reg_queue_driver_low = 0x090,
    reg_queue_driver_high = 0x094,
    reg_queue_device_low = 0x0a0,
    reg_queue_device_high = 0x0a4,
    reg_config_generation = 0x0fc,
    reg_config = 0x100, // the device's configuration space starts here
};

// InterruptStatus and InterruptACK bits.
inline constexpr u32 interrupt_used = 1, interrupt_config = 2;

} // namespace isok::virtio

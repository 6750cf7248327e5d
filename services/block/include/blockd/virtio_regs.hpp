// The virtio-mmio register file (virtio 1.1, 4.2.2; version 2 only) and the block
// device's constants (5.2), as a driver sees them.
#pragma once
#include <isok/types.hpp>

namespace isok::blockd::virtio {

inline constexpr u32 magic = 0x74726976; // "virt"
inline constexpr u32 version_modern = 2;
inline constexpr u32 version_legacy = 1;
inline constexpr u32 device_block = 2;

// Device status bits (2.1).
inline constexpr u32 status_acknowledge = 1, status_driver = 2, status_driver_ok = 4, status_features_ok = 8,
                     status_needs_reset = 64, status_failed = 128;
// InterruptStatus bits.
inline constexpr u32 interrupt_used = 1, interrupt_config = 2;

// Feature bits: the transport's and the block device's (5.2.3).
inline constexpr u64 f_version_1 = u64(1) << 32;
inline constexpr u64 f_blk_ro = u64(1) << 5;
inline constexpr u64 f_blk_flush = u64(1) << 9;

enum Reg : u64 {
    reg_magic = 0x000,
    reg_version = 0x004,
    reg_device_id = 0x008,
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
    reg_config = 0x100,
};

// Block configuration space: capacity in 512-byte sectors, whatever the block size.
inline constexpr u64 config_capacity = 0x00;

// A request: header (type, reserved, sector), data, one status byte the device writes.
inline constexpr u32 blk_t_in = 0, blk_t_out = 1, blk_t_flush = 4;
inline constexpr u8 blk_s_ok = 0, blk_s_ioerr = 1, blk_s_unsupp = 2;
struct BlkHeader {
    u32 type;
    u32 reserved;
    u64 sector;
};
static_assert(sizeof(BlkHeader) == 16);

} // namespace isok::blockd::virtio

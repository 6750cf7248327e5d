// The virtio block device (virtio 1.1, 5.2): its feature bits, the fields of its
// configuration space used here, and the request format.
#pragma once
#include <isok/types.hpp>

namespace isok::virtio {

// Feature bits (5.2.3).
inline constexpr u64 blk_f_size_max = u64(1) << 1, blk_f_seg_max = u64(1) << 2, blk_f_ro = u64(1) << 5,
                     blk_f_blk_size = u64(1) << 6, blk_f_flush = u64(1) << 9;

// struct virtio_blk_config (5.2.4): capacity u64 (in 512-byte sectors, whatever the block
// size), size_max u32, seg_max u32, geometry {cylinders u16, heads u8, sectors u8},
// blk_size u32, then fields of features not used here.
inline constexpr u64 blk_config_capacity = 0, blk_config_seg_max = 12, blk_config_blk_size = 20;
inline constexpr u64 blk_config_bytes = 24; // up to and with blk_size

// A request (5.2.6) is one chain: this header (device-readable), the data (device-readable
// for OUT, device-writable for IN and GET_ID), and one status byte the device writes.
struct BlkHeader {
    u32 type; // blk_t_*
    u32 reserved;
    u64 sector;
};
static_assert(sizeof(BlkHeader) == 16);

inline constexpr u32 blk_t_in = 0, blk_t_out = 1, blk_t_flush = 4, blk_t_get_id = 8;
inline constexpr u8 blk_s_ok = 0, blk_s_ioerr = 1, blk_s_unsupp = 2;
inline constexpr u32 blk_id_bytes = 20; // what GET_ID answers

} // namespace isok::virtio

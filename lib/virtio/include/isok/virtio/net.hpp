// The virtio network device (virtio 1.1, 5.1): its feature bits and the header before
// every frame.
#pragma once
#include <isok/types.hpp>

namespace isok::virtio {

// Feature bits (5.1.3).
inline constexpr u64 net_f_mac = u64(1) << 5;

// struct virtio_net_hdr (5.1.6) with VIRTIO_F_VERSION_1: flags u8, gso_type u8, hdr_len
// u16, gso_size u16, csum_start u16, csum_offset u16, num_buffers u16.
inline constexpr u32 net_header_bytes = 12;
inline constexpr u32 net_header_num_buffers = 10;

} // namespace isok::virtio

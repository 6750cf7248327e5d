// What every virtio device has whatever its transport (virtio 1.1, 2.1, 5 and 6): its
// device id, the device status bits and the feature bits reserved for the transport.
#pragma once
#include <isok/types.hpp>

namespace isok::virtio {

// Device ids (5): 0 means no device.
inline constexpr u32 device_net = 1, device_block = 2, device_console = 3;

// Device status bits (2.1).
inline constexpr u32 status_acknowledge = 1, status_driver = 2, status_driver_ok = 4, status_features_ok = 8,
                     status_needs_reset = 64, status_failed = 128;

// VIRTIO_F_VERSION_1 (6): a modern device, and a driver that knows it.
inline constexpr u64 f_version_1 = u64(1) << 32;

} // namespace isok::virtio

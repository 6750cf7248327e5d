// The virtio-mmio handshake as a driver performs it (virtio 1.1, 3.1.1 and 4.2.3.2).
#include <isok/guest/virtio_mmio.hpp>
#include <isok/virtio/device.hpp>
#include <isok/virtio/mmio.hpp>

namespace isok::guest {

using namespace isok::virtio;

u8 VirtioMmio::read_config8(u64 offset) const {
    return *reinterpret_cast<volatile u8*>(base_ + reg_config + offset);
}

bool VirtioMmio::is(u32 device_id) const {
    return read(reg_magic) == magic && read(reg_version) == version_modern && read(reg_device_id) == device_id;
}

const char* VirtioMmio::negotiate(u64 wanted, u64& got) const {
    write(reg_status, 0);
    for (u32 i = 0; read(reg_status) != 0; ++i)
        if (i == 1000) return "the device does not reset";
    write(reg_status, status_acknowledge);
    write(reg_status, status_acknowledge | status_driver);
    u64 offered = 0;
    for (u32 word = 0; word < 2; ++word) {
        write(reg_device_features_sel, word);
        offered |= u64(read(reg_device_features)) << (32 * word);
    }
    if (!(offered & f_version_1)) return "the device does not offer VIRTIO_F_VERSION_1";
    got = (wanted | f_version_1) & offered;
    for (u32 word = 0; word < 2; ++word) {
        write(reg_driver_features_sel, word);
        write(reg_driver_features, u32(got >> (32 * word)));
    }
    write(reg_status, status_acknowledge | status_driver | status_features_ok);
    if (!(read(reg_status) & status_features_ok)) return "the device refuses our features";
    return nullptr;
}

const char* VirtioMmio::add_queue(u32 index, u32 size, const volatile void* descriptors,
                                  const volatile void* available, const volatile void* used) const {
    write(reg_queue_sel, index);
    if (read(reg_queue_ready) != 0) return "the queue is already live";
    if (read(reg_queue_num_max) < size) return "the queue is too small";
    write(reg_queue_num, size);
    write_address(reg_queue_desc_low, descriptors);
    write_address(reg_queue_driver_low, available);
    write_address(reg_queue_device_low, used);
    write(reg_queue_ready, 1);
    return nullptr;
}

void VirtioMmio::driver_ok() const {
    write(reg_status, status_acknowledge | status_driver | status_features_ok | status_driver_ok);
}

void VirtioMmio::fail() const { write(reg_status, read(reg_status) | status_failed); }

// The guests run with the MMU off or identity-mapped: a pointer is a guest-physical address.
void VirtioMmio::write_address(u64 offset, const volatile void* p) const {
    u64 address = reinterpret_cast<uptr>(p);
    write(offset, u32(address));
    write(offset + 4, u32(address >> 32));
}

} // namespace isok::guest

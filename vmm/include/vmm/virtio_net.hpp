// virtio network device (virtio 1.1, section 5.1): one receive and one transmit queue,
// VIRTIO_NET_F_MAC and nothing else (no checksum or segmentation offloads, no mergeable
// receive buffers), so every frame is one chain: the 12-byte virtio_net_hdr, then the
// frame. Frames go to and come from a NetBackend (a switch port).
#pragma once
#include <isok/types.hpp>
#include <isok/virtio/net.hpp>
#include <vmm/net_backend.hpp>
#include <vmm/virtio_mmio.hpp>

namespace isok::vmm {

// What the device did with the guest's buffers, for tests and diagnostics.
struct NetStats {
    u64 transmitted = 0;     // frames the backend took
    u64 backend_dropped = 0; // frames the backend refused (its ring was full)
    u64 bad_transmit = 0;    // transmit chains dropped: broken, writable, too short or too long
    u64 received = 0;        // frames placed in receive buffers
    u64 bad_receive = 0;     // receive chains handed back unused: broken, readable or too small
};

class VirtioNet final : public VirtioDevice {
public:
    static constexpr u32 receiveq = 0, transmitq = 1;

    explicit VirtioNet(NetBackend& backend) : backend_(backend) {}

    u32 device_id() const override { return virtio::device_net; }
    u64 features() const override { return virtio::net_f_mac; }
    u32 queue_count() const override { return 2; }
    bool config_read(u64 offset, u32 width, u64& value) override;
    Status<QueueError> notify(VirtioMmio& transport, u32 q) override;
    void reset() override;

    // The backend has frames: move as many as the guest has buffers for. The rest stay
    // in the backend until the guest posts buffers (a queue-0 notification).
    void frames_arrived(VirtioMmio& transport);

    const NetStats& stats() const { return stats_; }

private:
    Status<QueueError> deliver(VirtioMmio& transport);
    void transmit_chain(const GuestMemory& ram, const Chain& chain);
    bool deliver_into(const GuestMemory& ram, const Chain& chain);
    bool fetch();

    NetBackend& backend_;
    NetStats stats_;
    // A frame taken from the backend whose buffer turned out unusable waits here for
    // the next buffer, so a bad buffer costs the guest that buffer, never a frame.
    u8 pending_[ethernet::max_frame] = {};
    u32 pending_length_ = 0;
    u8 outgoing_[ethernet::max_frame] = {}; // a transmitted frame, gathered from its chain
};

} // namespace isok::vmm

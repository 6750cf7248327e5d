// virtio block device (virtio 1.1, section 5.2): one request queue; VIRTIO_BLK_F_SEG_MAX,
// F_BLK_SIZE and F_FLUSH. Requests (IN, OUT, FLUSH, GET_ID) go to a BlockBackend (a
// partition of a disk served by a block service).
#pragma once
#include <isok/types.hpp>
#include <isok/virtio/block.hpp>
#include <vmm/block_backend.hpp>
#include <vmm/virtio_mmio.hpp>

namespace isok::vmm {

// What the device did with the guest's requests, for tests and diagnostics.
struct BlockStats {
    u64 completed = 0;  // answered VIRTIO_BLK_S_OK
    u64 failed = 0;     // answered IOERR or UNSUPP
    u64 unanswered = 0; // handed back without a status: broken chain, or no writable status byte
};

class VirtioBlock final : public VirtioDevice {
public:
    static constexpr u32 requestq = 0;
    // A request is a header, data segments and a status: data gets what a chain leaves.
    static constexpr u32 seg_max = Chain::max_segments - 2;

    explicit VirtioBlock(BlockBackend& backend) : backend_(backend) {}

    u32 device_id() const override { return virtio::device_block; }
    u64 features() const override { return virtio::blk_f_seg_max | virtio::blk_f_blk_size | virtio::blk_f_flush; }
    u32 queue_count() const override { return 1; }
    bool config_read(u64 offset, u32 width, u64& value) override;
    Status<QueueError> notify(VirtioMmio& transport, u32 q) override;
    void reset() override {}

    const BlockStats& stats() const { return stats_; }

private:
    // One request's answer: its status and the bytes written into the chain before it.
    struct Outcome {
        u8 status; // virtio::blk_s_*
        u64 data_written;
    };
    struct Request;

    u32 answer(const GuestMemory& ram, const Chain& chain);
    Outcome execute(const GuestMemory& ram, const Chain& chain, const Request& r);
    Outcome transfer_in(const GuestMemory& ram, const Chain& chain, const Request& r);
    Outcome transfer_out(const GuestMemory& ram, const Chain& chain, const Request& r);
    Outcome identify(const GuestMemory& ram, const Chain& chain, const Request& r);
    bool in_range(u64 sector, u64 bytes) const;

    BlockBackend& backend_;
    BlockStats stats_;
};

} // namespace isok::vmm

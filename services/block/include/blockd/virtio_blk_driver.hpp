// Driver of a modern (version 2) virtio-mmio block device: the virtio 1.x initialisation,
// one request queue with one request in flight, data through a bounce buffer in DMA
// memory, completion by interrupt. The device is trusted to do I/O but not to keep the
// queue protocol: used entries are checked, and a device that breaks the protocol or
// asks for a reset is marked broken and gets no more requests.
#pragma once
#include <blockd/device_access.hpp>
#include <blockd/disk.hpp>
#include <blockd/split_queue.hpp>
#include <isok/result.hpp>
#include <isok/virtio/block.hpp>
#include <isok/virtio/device.hpp>
#include <isok/virtio/mmio.hpp>

namespace isok::blockd {

enum class SetupError : u8 {
    no_device = 1,  // no virtio magic in the window
    legacy,         // a version 1 (legacy) transport
    bad_version,    // neither version 1 nor 2
    not_block,      // another device type
    no_version_1,   // the device does not offer VIRTIO_F_VERSION_1
    features_refused, // the device cleared FEATURES_OK
    no_queue,       // queue 0 is missing or already in use
    dma_too_small,  // the DMA area cannot hold the rings and one sector of buffer
    queue_layout,   // the queue could not be laid out in the DMA area
    device_failed,  // the device asked for a reset during set-up
};

const char* describe(SetupError e);

class VirtioBlkDriver final : public Disk {
public:
    // The DMA area's first page holds the rings and the request header and status; the
    // rest is the bounce buffer.
    static constexpr u64 control_bytes = 4096;
    static constexpr u16 queue_size = 16;
    static constexpr u64 max_buffer_bytes = 4 * MiB; // one descriptor's length is 32 bits

    VirtioBlkDriver(MmioRegisters& regs, InterruptLine& irq, DmaArea dma) : regs_(regs), irq_(irq), dma_(dma) {}

    // Resets the device and brings it up; nothing else works before this succeeded.
    Status<SetupError> start();

    u64 sectors() const override { return capacity_; }
    u8* buffer() override { return dma_.virt + control_bytes; }
    u64 buffer_bytes() const override { return buffer_bytes_; }
    Status<DiskError> read(u64 sector, u64 count) override;
    Status<DiskError> write(u64 sector, u64 count) override;
    Status<DiskError> flush() override;

    bool can_flush() const { return features_ & virtio::blk_f_flush; }
    bool read_only() const { return features_ & virtio::blk_f_ro; }
    // Why the driver stopped, once it is broken.
    const char* broken_reason() const { return broken_reason_; }

private:
    Status<SetupError> negotiate();
    Status<SetupError> setup_queue();
    u64 read_capacity();
    void set_status(u32 bits);
    Status<DiskError> request(u32 type, u64 sector, u64 data_bytes);
    Result<UsedChain, DiskError> wait_used();
    DiskError mark_broken(const char* reason);

    MmioRegisters& regs_;
    InterruptLine& irq_;
    DmaArea dma_;
    SplitQueue queue_;
    u64 features_ = 0;
    u64 capacity_ = 0;
    u64 buffer_bytes_ = 0;
    u32 status_ = 0;
    bool started_ = false;
    const char* broken_reason_ = nullptr;
};

} // namespace isok::blockd

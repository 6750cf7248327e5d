// virtio-blk over modern virtio-mmio (virtio 1.1, 3.1.1 initialisation, 4.2.3 transport,
// 5.2 block device). One request at a time: header, optional data (the bounce buffer),
// status byte, as one chain on queue 0; the driver notifies, then waits for the used
// entry, sleeping on the interrupt line whenever the used ring has nothing new.
#include <blockd/virtio_blk_driver.hpp>

namespace isok::blockd {
namespace {

using namespace virtio;

// Where the request header and status byte live in the control page (the rings take
// the first SplitQueue::ring_bytes(queue_size) bytes).
constexpr u64 header_offset = 2048;
constexpr u64 status_offset = header_offset + sizeof(BlkHeader);
constexpr u8 status_unwritten = 0xff;
constexpr u32 reset_polls = 1000;
constexpr u32 config_retries = 16;

static_assert(SplitQueue::ring_bytes(VirtioBlkDriver::queue_size) <= header_offset);

u16 usable_queue_size(u32 device_max) {
    u16 size = VirtioBlkDriver::queue_size;
    while (size > device_max) size /= 2;
    return size;
}

} // namespace

const char* describe(SetupError e) {
    switch (e) {
    case SetupError::no_device: return "no virtio device in the window (bad magic or device id 0)";
    case SetupError::legacy:
        return "legacy virtio-mmio (version 1) device; run QEMU with -global virtio-mmio.force-legacy=false";
    case SetupError::bad_version: return "unknown virtio-mmio version";
    case SetupError::not_block: return "not a block device";
    case SetupError::no_version_1: return "device does not offer VIRTIO_F_VERSION_1";
    case SetupError::features_refused: return "device refused the negotiated features";
    case SetupError::no_queue: return "request queue 0 unavailable";
    case SetupError::dma_too_small: return "DMA memory too small";
    case SetupError::queue_layout: return "cannot lay out the queue in DMA memory";
    case SetupError::device_failed: return "device needs a reset during set-up";
    }
    return "set-up error";
}

void VirtioBlkDriver::set_status(u32 bits) {
    status_ |= bits;
    regs_.write(reg_status, status_);
}

Status<SetupError> VirtioBlkDriver::start() {
    started_ = false;
    broken_reason_ = nullptr;
    if (!dma_.virt || dma_.bytes < control_bytes + block::sector_bytes || !is_aligned(dma_.physical, 4096))
        return fail(SetupError::dma_too_small);
    buffer_bytes_ = min(align_down(dma_.bytes - control_bytes, block::sector_bytes), max_buffer_bytes);

    if (regs_.read(reg_magic) != magic) return fail(SetupError::no_device);
    u32 version = regs_.read(reg_version);
    if (version == version_legacy) return fail(SetupError::legacy);
    if (version != version_modern) return fail(SetupError::bad_version);
    u32 id = regs_.read(reg_device_id);
    if (id == 0) return fail(SetupError::no_device);
    if (id != device_block) return fail(SetupError::not_block);

    status_ = 0;
    regs_.write(reg_status, 0);
    for (u32 i = 0; i < reset_polls && regs_.read(reg_status) != 0; ++i) {}
    set_status(status_acknowledge);
    set_status(status_driver);
    Status<SetupError> s = negotiate();
    if (s) s = setup_queue();
    if (s) {
        capacity_ = read_capacity();
        set_status(status_driver_ok);
        if (regs_.read(reg_status) & status_needs_reset) s = fail(SetupError::device_failed);
    }
    if (!s) {
        set_status(status_failed);
        return s;
    }
    started_ = true;
    return {};
}

Status<SetupError> VirtioBlkDriver::negotiate() {
    u64 offered = 0;
    for (u32 sel = 0; sel < 2; ++sel) {
        regs_.write(reg_device_features_sel, sel);
        offered |= u64(regs_.read(reg_device_features)) << (32 * sel);
    }
    if (!(offered & f_version_1)) return fail(SetupError::no_version_1);
    // Read-only is only information; everything else offered is left alone.
    features_ = offered & (f_version_1 | blk_f_flush | blk_f_ro);
    for (u32 sel = 0; sel < 2; ++sel) {
        regs_.write(reg_driver_features_sel, sel);
        regs_.write(reg_driver_features, u32(features_ >> (32 * sel)));
    }
    set_status(status_features_ok);
    if (!(regs_.read(reg_status) & status_features_ok)) return fail(SetupError::features_refused);
    return {};
}

Status<SetupError> VirtioBlkDriver::setup_queue() {
    regs_.write(reg_queue_sel, 0);
    if (regs_.read(reg_queue_ready) != 0) return fail(SetupError::no_queue);
    u32 max = regs_.read(reg_queue_num_max);
    if (max == 0) return fail(SetupError::no_queue);
    DmaArea rings{dma_.virt, dma_.physical, header_offset};
    if (!queue_.init(rings, usable_queue_size(max))) return fail(SetupError::queue_layout);
    regs_.write(reg_queue_num, queue_.size());
    regs_.write(reg_queue_desc_low, u32(queue_.desc_physical()));
    regs_.write(reg_queue_desc_high, u32(queue_.desc_physical() >> 32));
    regs_.write(reg_queue_driver_low, u32(queue_.avail_physical()));
    regs_.write(reg_queue_driver_high, u32(queue_.avail_physical() >> 32));
    regs_.write(reg_queue_device_low, u32(queue_.used_physical()));
    regs_.write(reg_queue_device_high, u32(queue_.used_physical() >> 32));
    regs_.write(reg_queue_ready, 1);
    return {};
}

// The configuration generation brackets the two halves, so a capacity that changes
// between them is read again.
u64 VirtioBlkDriver::read_capacity() {
    u64 value = 0;
    for (u32 i = 0; i < config_retries; ++i) {
        u32 before = regs_.read(reg_config_generation);
        u32 low = regs_.read(reg_config + blk_config_capacity);
        u32 high = regs_.read(reg_config + blk_config_capacity + 4);
        value = u64(high) << 32 | low;
        if (regs_.read(reg_config_generation) == before) break;
    }
    return value;
}

DiskError VirtioBlkDriver::mark_broken(const char* reason) {
    if (!broken_reason_) broken_reason_ = reason;
    set_status(status_failed);
    return DiskError::broken;
}

Status<DiskError> VirtioBlkDriver::read(u64 sector, u64 count) {
    u64 end;
    if (count == 0 || count > buffer_bytes_ / block::sector_bytes || add_overflows(sector, count, end) ||
        end > capacity_)
        return fail(DiskError::bad_request);
    return request(blk_t_in, sector, count * block::sector_bytes);
}

Status<DiskError> VirtioBlkDriver::write(u64 sector, u64 count) {
    u64 end;
    if (count == 0 || count > buffer_bytes_ / block::sector_bytes || add_overflows(sector, count, end) ||
        end > capacity_)
        return fail(DiskError::bad_request);
    if (read_only()) return fail(DiskError::read_only);
    return request(blk_t_out, sector, count * block::sector_bytes);
}

// Without VIRTIO_BLK_F_FLUSH the device has no volatile cache (5.2.6.2): nothing to do.
Status<DiskError> VirtioBlkDriver::flush() { return can_flush() ? request(blk_t_flush, 0, 0) : Status<DiskError>(); }

Status<DiskError> VirtioBlkDriver::request(u32 type, u64 sector, u64 data_bytes) {
    if (!started_ || broken_reason_) return fail(DiskError::broken);
    auto* header = reinterpret_cast<BlkHeader*>(dma_.virt + header_offset);
    u8* status = dma_.virt + status_offset;
    *header = {type, 0, sector};
    __atomic_store_n(status, status_unwritten, __ATOMIC_RELAXED);

    QueueBuffer chain[3];
    usize n = 0;
    chain[n++] = {dma_.physical_of(header), u32(sizeof(BlkHeader)), false};
    if (data_bytes) chain[n++] = {dma_.physical_of(buffer()), u32(data_bytes), type == blk_t_in};
    chain[n++] = {dma_.physical_of(status), 1, true};
    auto head = queue_.submit(chain, n);
    if (!head) return fail(mark_broken(describe(head.error())));
    regs_.write(reg_queue_notify, 0);

    auto used = wait_used();
    if (!used) return fail(used.error());
    u8 result = __atomic_load_n(status, __ATOMIC_ACQUIRE);
    if (result == blk_s_unsupp) return fail(DiskError::unsupported);
    if (result != blk_s_ok) return fail(DiskError::io);
    // A read that reports fewer bytes than asked would hand out stale buffer contents.
    if (type == blk_t_in && used->written < data_bytes + 1) return fail(DiskError::io);
    return {};
}

Result<UsedChain, DiskError> VirtioBlkDriver::wait_used() {
    for (;;) {
        UsedChain used;
        auto got = queue_.take_used(used);
        if (!got) return fail(mark_broken(describe(got.error())));
        if (*got) return used;
        if (!irq_.wait()) return fail(mark_broken("waiting for the interrupt failed"));
        u32 pending = regs_.read(reg_interrupt_status);
        if (pending) regs_.write(reg_interrupt_ack, pending);
        irq_.acknowledge();
        if ((pending & interrupt_config) && (regs_.read(reg_status) & status_needs_reset))
            return fail(mark_broken("device needs a reset"));
    }
}

} // namespace isok::blockd

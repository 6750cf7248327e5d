// virtio block device. Each request is checked on its own: a chain the guest got wrong
// is answered VIRTIO_BLK_S_IOERR (or handed back unused when it has no status byte to
// write) and the queue goes on; only a broken ring stops the device.
//
// A request chain (5.2.6): the device-readable header {type u32, reserved u32, sector
// u64}, then the data (device-readable for OUT, device-writable for IN and GET_ID), then
// the status byte: the last byte of the device-writable part.
#include <vmm/virtio_block.hpp>

namespace isok::vmm {
namespace {

using namespace virtio;

constexpr u64 header_bytes = sizeof(BlkHeader);
constexpr u64 sector_bytes = block::sector_bytes;

template <class T> void put(u8* at, T value) { __builtin_memcpy(at, &value, sizeof value); }

u8 from_service(block::Status s) {
    if (s == block::Status::ok) return blk_s_ok;
    if (s == block::Status::unsupported) return blk_s_unsupp;
    return blk_s_ioerr;
}

} // namespace

struct VirtioBlock::Request {
    u32 type;
    u64 sector;
    u64 readable;  // bytes after the header
    u64 writable;  // bytes before the status byte
};

bool VirtioBlock::config_read(u64 offset, u32 width, u64& value) {
    // The configuration space up to blk_size; the rest belongs to features not offered.
    bool valid_width = width == 1 || width == 2 || width == 4 || width == 8;
    if (!valid_width || offset % width || offset + width > blk_config_bytes) return false;
    u8 config[blk_config_bytes] = {};
    put<u64>(config + blk_config_capacity, backend_.sectors());
    put<u32>(config + blk_config_seg_max, seg_max);
    put<u32>(config + blk_config_blk_size, u32(sector_bytes));
    value = 0;
    __builtin_memcpy(&value, config + offset, width);
    return true;
}

Status<QueueError> VirtioBlock::notify(VirtioMmio& transport, u32 q) {
    if (q != requestq) return {};
    const GuestMemory& ram = transport.ram();
    return transport.answer_chains(requestq, [&](const Chain& chain, QueueError broken) -> u32 {
        if (broken == QueueError{}) return answer(ram, chain);
        ++stats_.unanswered;
        return 0;
    });
}

// Executes one whole chain and writes its status; returns the used length.
u32 VirtioBlock::answer(const GuestMemory& ram, const Chain& chain) {
    u64 writable = chain.writable_bytes();
    if (writable == 0) { // no status byte: nothing can tell the driver what happened
        ++stats_.unanswered;
        return 0;
    }
    Request r{0, 0, 0, writable - 1};
    u64 readable = chain.readable_bytes();
    Outcome o{blk_s_ioerr, 0};
    BlkHeader header;
    if (readable >= header_bytes && chain.read(ram, 0, &header, header_bytes) == header_bytes) {
        r.type = header.type;
        r.sector = header.sector;
        r.readable = readable - header_bytes;
        o = execute(ram, chain, r);
    }
    u8 status = o.status;
    (void)chain.write(ram, r.writable, &status, 1); // inside the chain, checked against RAM when taken
    ++(o.status == blk_s_ok ? stats_.completed : stats_.failed);
    // The used length counts what was written; past 4 GiB (a huge IN) it saturates.
    return u32(min(o.data_written + 1, u64(0xffffffff)));
}

VirtioBlock::Outcome VirtioBlock::execute(const GuestMemory& ram, const Chain& chain, const Request& r) {
    // Data must flow the way the type says: an IN with readable data or an OUT with
    // writable bytes besides the status is malformed.
    switch (r.type) {
    case blk_t_in: return r.readable == 0 ? transfer_in(ram, chain, r) : Outcome{blk_s_ioerr, 0};
    case blk_t_out: return r.writable == 0 ? transfer_out(ram, chain, r) : Outcome{blk_s_ioerr, 0};
    case blk_t_flush:
        if (r.readable != 0 || r.writable != 0) return {blk_s_ioerr, 0};
        return {from_service(backend_.flush()), 0};
    case blk_t_get_id: return r.readable == 0 ? identify(ram, chain, r) : Outcome{blk_s_ioerr, 0};
    default: return {blk_s_unsupp, 0};
    }
}

bool VirtioBlock::in_range(u64 sector, u64 bytes) const {
    if (bytes % sector_bytes) return false;
    u64 count = bytes / sector_bytes, capacity = backend_.sectors();
    return count <= capacity && sector <= capacity - count;
}

// Disk to guest, one backend buffer at a time.
VirtioBlock::Outcome VirtioBlock::transfer_in(const GuestMemory& ram, const Chain& chain, const Request& r) {
    u64 chunk_max = align_down(backend_.buffer_bytes(), sector_bytes);
    if (!in_range(r.sector, r.writable) || (r.writable && chunk_max == 0)) return {blk_s_ioerr, 0};
    u64 done = 0;
    while (done < r.writable) {
        u64 n = min(chunk_max, r.writable - done);
        block::Status s = backend_.read(r.sector + done / sector_bytes, n / sector_bytes);
        if (s != block::Status::ok) return {from_service(s), done};
        if (chain.write(ram, done, backend_.buffer(), n) != n) return {blk_s_ioerr, done};
        done += n;
    }
    return {blk_s_ok, done};
}

// Guest to disk, one backend buffer at a time.
VirtioBlock::Outcome VirtioBlock::transfer_out(const GuestMemory& ram, const Chain& chain, const Request& r) {
    u64 chunk_max = align_down(backend_.buffer_bytes(), sector_bytes);
    if (!in_range(r.sector, r.readable) || (r.readable && chunk_max == 0)) return {blk_s_ioerr, 0};
    for (u64 done = 0; done < r.readable;) {
        u64 n = min(chunk_max, r.readable - done);
        if (chain.read(ram, header_bytes + done, backend_.buffer(), n) != n) return {blk_s_ioerr, 0};
        block::Status s = backend_.write(r.sector + done / sector_bytes, n / sector_bytes);
        if (s != block::Status::ok) return {from_service(s), 0};
        done += n;
    }
    return {blk_s_ok, 0};
}

// The partition's name, NUL-padded to blk_id_bytes (unterminated when it fills them).
VirtioBlock::Outcome VirtioBlock::identify(const GuestMemory& ram, const Chain& chain, const Request& r) {
    char id[blk_id_bytes] = {};
    const char* name = backend_.name();
    for (u32 i = 0; i < blk_id_bytes && name[i]; ++i) id[i] = name[i];
    u64 n = min(u64(blk_id_bytes), r.writable);
    return {blk_s_ok, chain.write(ram, 0, id, n)};
}

} // namespace isok::vmm

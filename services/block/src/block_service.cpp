// Checking and carrying out block requests; the order of the checks is in the header.
#include <blockd/block_service.hpp>

namespace isok::blockd {
namespace {

using block::Op;
using block::Status;

bool known(u64 label) { return label >= u64(Op::read) && label <= u64(Op::info); }

const char* op_name(u64 label) {
    switch (label) {
    case u64(Op::read): return "read";
    case u64(Op::write): return "write";
    case u64(Op::flush): return "flush";
    case u64(Op::info): return "info";
    }
    return "unknown op";
}

u32 bit(Status s) { return u32(1) << u32(s); }

} // namespace

Reply BlockService::handle(const Request& r) {
    Partition* p = partitions_.find(r.badge);
    if (!p) {
        if (!reported_no_partition_)
            log_.line("blockd: refused no_partition for badge %lu (further ones not reported)", r.badge);
        reported_no_partition_ = true;
        return {Status::no_partition};
    }
    if (Status s = check(*p, r); s != Status::ok) {
        report_refusal(*p, s, r);
        return {s};
    }
    switch (Op(r.label)) {
    case Op::read:
    case Op::write: return {transfer(*p, Op(r.label), r)};
    case Op::flush: return {flush(*p)};
    case Op::info: return {Status::ok, p->sectors, p->buffer_bytes};
    }
    return {Status::unsupported};
}

Status BlockService::check(const Partition& p, const Request& r) const {
    if (!known(r.label)) return Status::unsupported;
    if (Op(r.label) != Op::read && Op(r.label) != Op::write) return Status::ok;
    u64 end;
    if (r.count == 0 || add_overflows(r.first, r.count, end) || end > p.sectors) return Status::out_of_range;
    // count <= sectors of a partition on the disk, so count * 512 cannot overflow.
    u64 bytes = r.count * block::sector_bytes, buffer_end;
    if (!is_aligned(r.offset, block::sector_bytes) || add_overflows(r.offset, bytes, buffer_end) ||
        buffer_end > p.buffer_bytes)
        return Status::bad_buffer;
    return Status::ok;
}

Status BlockService::transfer(Partition& p, Op op, const Request& r) {
    u64 piece = disk_.buffer_bytes() / block::sector_bytes;
    for (u64 done = 0; done < r.count;) {
        u64 n = min(piece, r.count - done);
        u64 sector = p.first_sector + r.first + done;
        u8* shared = p.buffer + r.offset + done * block::sector_bytes;
        u64 bytes = n * block::sector_bytes;
        isok::Status<DiskError> s;
        if (op == Op::write) {
            __builtin_memcpy(disk_.buffer(), shared, bytes);
            s = disk_.write(sector, n);
        } else {
            s = disk_.read(sector, n);
            if (s) __builtin_memcpy(shared, disk_.buffer(), bytes);
        }
        if (!s) return disk_failed(p, s.error());
        done += n;
    }
    return Status::ok;
}

Status BlockService::flush(Partition& p) {
    if (auto s = disk_.flush(); !s) return disk_failed(p, s.error());
    return Status::ok;
}

Status BlockService::disk_failed(Partition& p, DiskError e) {
    if (!(p.reported & bit(Status::io_error)))
        log_.line("blockd: io_error for partition %s: %s (further ones not reported)", p.name, describe(e));
    p.reported |= bit(Status::io_error);
    return Status::io_error;
}

void BlockService::report_refusal(Partition& p, Status s, const Request& r) {
    if (p.reported & bit(s)) return;
    p.reported |= bit(s);
    log_.line("blockd: refused %s for partition %s: %s sectors %lu+%lu offset %lu (further ones not reported)",
              block::status_name(s), p.name, op_name(r.label), r.first, r.count, r.offset);
}

} // namespace isok::blockd

// The block-protocol client behind virtio-block.
#include <isok/string.hpp>
#include <vmm/block_client.hpp>

namespace isok::vmm {

BlockClient::BlockClient(const links::Partition& p, Call call, void* context)
    : sectors_(p.sectors), buffer_(reinterpret_cast<u8*>(p.buffer)),
      buffer_bytes_(align_down(p.buffer_bytes, block::sector_bytes)), call_(call), context_(context) {
    // The name in Links need not be terminated: copy what fits.
    usize n = str_length_bounded(p.name, links::name_bytes);
    __builtin_memcpy(name_, p.name, n);
    name_[n] = 0;
}

block::Status BlockClient::transfer(block::Op op, u64 sector, u64 count) {
    // The device splits requests by buffer_bytes(); anything else is refused here rather
    // than sent to a service that would refuse it too.
    if (count == 0 || count > buffer_bytes_ / block::sector_bytes) return block::Status::bad_buffer;
    return call_(context_, op, sector, count, 0);
}

} // namespace isok::vmm

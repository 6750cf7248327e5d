// A partition of a disk a block service serves (isok/block.hpp) as virtio-block's
// backend: data through the buffer shared with the service, each operation one call.
// How the call reaches the service is the caller's (main.cpp: IPC on the partition's
// endpoint), so this runs in host tests too.
#pragma once
#include <isok/block.hpp>
#include <isok/links.hpp>
#include <vmm/block_backend.hpp>

namespace isok::vmm {

class BlockClient final : public BlockBackend {
public:
    // One block-protocol call: label op, words (first sector, sectors, buffer offset);
    // the reply's status.
    using Call = block::Status (*)(void* context, block::Op op, u64 first_sector, u64 sectors, u64 offset);

    // `partition` is the client side of a checked Links entry (vm_links.hpp): its buffer
    // is mapped here.
    BlockClient(const links::Partition& partition, Call call, void* context);

    u64 sectors() const override { return sectors_; }
    const char* name() const override { return name_; }
    u8* buffer() override { return buffer_; }
    u64 buffer_bytes() const override { return buffer_bytes_; }
    block::Status read(u64 sector, u64 count) override { return transfer(block::Op::read, sector, count); }
    block::Status write(u64 sector, u64 count) override { return transfer(block::Op::write, sector, count); }
    block::Status flush() override { return call_(context_, block::Op::flush, 0, 0, 0); }

private:
    block::Status transfer(block::Op op, u64 sector, u64 count);

    char name_[links::name_bytes + 1] = {};
    u64 sectors_;
    u8* buffer_;
    u64 buffer_bytes_;
    Call call_;
    void* context_;
};

} // namespace isok::vmm

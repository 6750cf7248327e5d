// Guest RAM as the VMM sees it: one contiguous guest-physical range mapped at one host
// address. Every access is bounds-checked, because every guest-physical address the VMM
// handles (descriptor rings, buffers, SBI arguments) comes from the guest.
#pragma once
#include <isok/types.hpp>

namespace isok::vmm {

class GuestMemory {
public:
    constexpr GuestMemory() = default;
    constexpr GuestMemory(u8* host, u64 guest_base, u64 size) : host_(host), base_(guest_base), size_(size) {}

    u64 base() const { return base_; }
    u64 size() const { return size_; }

    // [address, address + length) lies inside guest RAM (no wrap-around).
    bool contains(u64 address, u64 length) const;
    // Host pointer to [address, address + length), or nullptr when it leaves guest RAM.
    u8* at(u64 address, u64 length) const;

    bool read(u64 address, void* out, u64 length) const;
    bool write(u64 address, const void* data, u64 length) const;

    // Little-endian fields, as virtio and the RISC-V guest lay them out (hosts are
    // little-endian too: riscv64 and the x86-64/arm64 test machines).
    template <class T> bool load(u64 address, T& out) const { return read(address, &out, sizeof(T)); }
    template <class T> bool store(u64 address, T value) const { return write(address, &value, sizeof(T)); }

private:
    u8* host_ = nullptr;
    u64 base_ = 0;
    u64 size_ = 0;
};

} // namespace isok::vmm

// Test doubles for the VMM's unit tests: a recording VcpuControl, a console that
// collects lines, and guest RAM in a host buffer with guard bytes around it.
#pragma once
#include <isok/vm_config.hpp>
#include <vmm/console.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/vcpu.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace vmm_test {

using isok::u32;
using isok::u64;
using isok::u8;

struct FakeVcpus final : isok::vmm::VcpuControl {
    struct Start {
        u32 vcpu;
        u64 pc, a0, a1;
    };
    std::vector<Start> starts;
    std::vector<u32> stops;
    u64 hvip[isok::vm::max_vcpus] = {};
    u64 raises = 0, lowers = 0; // calls, to check that only changes reach the kernel
    std::vector<u32> fences;
    u64 time = 1000;
    bool start_fails = false;

    bool start(u32 v, u64 pc, u64 a0, u64 a1) override {
        if (start_fails) return false;
        starts.push_back({v, pc, a0, a1});
        return true;
    }
    void stop(u32 v) override { stops.push_back(v); }
    void raise(u32 v, u64 bits) override {
        hvip[v] |= bits;
        ++raises;
    }
    void lower(u32 v, u64 bits) override {
        hvip[v] &= ~bits;
        ++lowers;
    }
    void fence(u32 v) override { fences.push_back(v); }
    u64 now() override { return time; }
};

struct Lines {
    std::vector<std::string> lines;
    static void output(void* self, const char* text, isok::usize length) {
        static_cast<Lines*>(self)->lines.emplace_back(text, length);
    }
    std::string all() const {
        std::string s;
        for (const auto& l : lines) s += l;
        return s;
    }
};

// Guest RAM at guest_ram_base in a host buffer; guard bytes before and after catch any
// write that escapes the bounds checks.
class Ram {
public:
    static constexpr size_t guard = 4096;
    static constexpr u8 guard_byte = 0xa5;

    explicit Ram(u64 size, u64 base = isok::vm::guest_ram_base)
        : buffer_(size + 2 * guard, 0), base_(base), size_(size) {
        std::memset(buffer_.data(), guard_byte, guard);
        std::memset(buffer_.data() + guard + size, guard_byte, guard);
    }

    isok::vmm::GuestMemory memory() { return isok::vmm::GuestMemory(buffer_.data() + guard, base_, size_); }
    u8* host(u64 gpa) { return buffer_.data() + guard + (gpa - base_); }
    u64 base() const { return base_; }
    u64 size() const { return size_; }

    template <class T> void put(u64 gpa, T v) { std::memcpy(host(gpa), &v, sizeof v); }
    template <class T> T get(u64 gpa) {
        T v;
        std::memcpy(&v, host(gpa), sizeof v);
        return v;
    }

    bool guards_intact() const {
        for (size_t i = 0; i < guard; ++i)
            if (buffer_[i] != guard_byte || buffer_[guard + size_ + i] != guard_byte) return false;
        return true;
    }

private:
    std::vector<u8> buffer_;
    u64 base_;
    u64 size_;
};

} // namespace vmm_test

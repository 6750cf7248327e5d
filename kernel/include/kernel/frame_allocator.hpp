// Physical frame allocator: hands out 4 KiB frames of RAM, singly or as aligned contiguous
// runs, from per-region bitmaps that it keeps in RAM it carves out for itself.
#pragma once
#include <isok/addr.hpp>
#include <isok/result.hpp>
#include <isok/types.hpp>

namespace kernel {

constexpr isok::u64 frame_size = 4096;

enum class FrameError { NoMemory, BadRange, TooManyRegions, NotAllocated, Misaligned, BadAlignment, ZeroCount };
const char* describe(FrameError error);

// Translates a physical address to a pointer the allocator may write through (the kernel's
// direct map on the target; a buffer in unit tests). The bookkeeping frames must be mapped
// contiguously from the pointer returned for their base.
using PhysToPtr = void* (*)(isok::PhysAddr);

namespace detail {

// One run of usable frames and its bitmap. Bit i is set when frame `first + i` is allocated;
// the bits past `frames` in the last word are always set, so a word scan never sees them free.
struct FrameRegion {
    isok::u64 first = 0;        // frame number: physical address / frame_size
    isok::usize frames = 0;
    isok::u64* bits = nullptr;
    isok::usize words = 0;
    isok::usize free_count = 0; // clear bits in [0, frames)
    isok::usize hint = 0;       // next fit: the word where the next single-frame search starts

    isok::u64 end() const { return first + frames; }
    bool covers(isok::u64 frame, isok::usize count) const;
    isok::usize find(isok::usize from, isok::usize to, bool allocated) const;
    void mark(isok::usize from, isok::usize to, bool allocated);
    isok::usize take_one();
    isok::usize take_run(isok::usize count, isok::u64 align_frames);
    isok::usize count_free() const;
};

} // namespace detail

// Not synchronised: the caller serialises access (one lock, or one allocator per hart).
// Constant-initialisable, so a global instance needs no constructor to run at boot.
class FrameAllocator {
public:
    static constexpr isok::usize max_regions = 16;

    // ram: usable RAM ranges as the device tree describes them (any order). reserved: ranges that
    // must never be handed out (firmware, kernel image, device tree, boot image); they may overlap
    // each other and RAM partially or not at all. The allocator places its own bookkeeping (a
    // bitmap) inside free RAM and excludes it too. Rejects: no usable memory, overlapping RAM
    // ranges, ranges that overflow, more than max_regions pieces. On failure the allocator is
    // left empty; calling init again starts afresh.
    isok::Status<FrameError> init(const isok::PhysRange* ram, isok::usize ram_count,
                                  const isok::PhysRange* reserved, isok::usize reserved_count, PhysToPtr to_ptr);

    // count contiguous frames whose base is aligned to align bytes (power of two >= frame_size);
    // needed for G-stage root tables (16 KiB aligned) and contiguous guest memory. A run never
    // crosses a region boundary. The frames are not zeroed.
    isok::Result<isok::PhysAddr, FrameError> allocate(isok::usize count = 1, isok::u64 align = frame_size);

    // Returns frames, in any grouping (a run may be returned frame by frame). Freeing a frame that
    // is not allocated (double free, reserved, outside RAM, misaligned) is an error and changes nothing.
    isok::Status<FrameError> free(isok::PhysAddr base, isok::usize count = 1);

    // Whether the frame holding this address is currently handed out by this allocator.
    bool is_allocated(isok::PhysAddr frame) const;
    isok::usize free_frames() const { return free_; }
    isok::usize total_frames() const { return total_; } // usable frames managed (after exclusions)
    isok::u64 bookkeeping_bytes() const { return bookkeeping_.size; }
    isok::PhysRange bookkeeping() const { return bookkeeping_; }
    isok::usize region_count() const { return region_count_; }

    // Recounts every bitmap against the cached counters and checks the region layout; for tests
    // and debug builds, O(total frames).
    bool consistent() const;

private:
    isok::Status<FrameError> build(const isok::PhysRange* ram, isok::usize ram_count,
                                   const isok::PhysRange* reserved, isok::usize reserved_count, PhysToPtr to_ptr);
    isok::Status<FrameError> carve(const isok::PhysRange& ram, const isok::PhysRange* reserved,
                                   isok::usize reserved_count);
    isok::Status<FrameError> place_bitmaps(PhysToPtr to_ptr);
    void sort_regions();
    void remove_region(isok::usize index);
    detail::FrameRegion* region_of(isok::u64 frame, isok::usize count);
    const detail::FrameRegion* region_of(isok::u64 frame, isok::usize count) const;
    isok::Result<isok::PhysAddr, FrameError> allocate_one();

    detail::FrameRegion regions_[max_regions]{};
    isok::usize region_count_ = 0;
    isok::usize free_ = 0;
    isok::usize total_ = 0;
    isok::PhysRange bookkeeping_{};
};

} // namespace kernel

// Physical frame allocator: RAM minus reserved ranges, cut into at most max_regions frame-aligned
// regions, each tracked by a bitmap with one bit per frame (set = allocated).
#include <kernel/assert.hpp>
#include <kernel/frame_allocator.hpp>

namespace kernel {

using isok::PhysAddr;
using isok::PhysRange;
using isok::Result;
using isok::Status;
using isok::u64;
using isok::usize;
using isok::fail;
using detail::FrameRegion;

namespace {

constexpr u64 frame_shift = 12;
static_assert(u64{1} << frame_shift == frame_size);
constexpr usize word_bits = 64;
constexpr u64 all_ones = ~u64{0};
constexpr usize none = ~usize{0};

// Bits [lo, lo + n) of a word, 0 < n <= 64 - lo.
constexpr u64 bit_mask(usize lo, usize n) { return (n == word_bits ? all_ones : (u64{1} << n) - 1) << lo; }
constexpr usize words_for(usize frames) { return (frames + word_bits - 1) / word_bits; }
constexpr PhysAddr address_of(u64 frame) { return PhysAddr(frame << frame_shift); }

// Frames [first, end). Frame numbers stay below 2^52, far from overflow; and since a whole frame
// needs a representable end, no usable frame's end address wraps past 2^64 either.
struct FrameSpan {
    u64 first;
    u64 end;
};

// Only whole frames inside RAM are usable. The range must be representable (see representable()).
FrameSpan inner_frames(const PhysRange& r) {
    u64 first = (r.base.raw() >> frame_shift) + (r.base.is_aligned(frame_size) ? 0 : 1);
    u64 end = r.end().raw() >> frame_shift;
    return {first, isok::max(first, end)};
}

// A frame only partly reserved is reserved. The range must be representable and non-empty.
FrameSpan outer_frames(const PhysRange& r) {
    return {r.base.raw() >> frame_shift, ((r.end().raw() - 1) >> frame_shift) + 1};
}

// A range whose end wraps past 2^64 cannot be compared with others, so it is rejected outright.
bool representable(const PhysRange& r) {
    u64 end;
    return !isok::add_overflows(r.base.raw(), r.size, end);
}

Status<FrameError> check_ranges(const PhysRange* ranges, usize count, bool must_be_disjoint) {
    if (count != 0 && ranges == nullptr) return fail(FrameError::BadRange);
    for (usize i = 0; i < count; ++i) {
        if (!representable(ranges[i])) return fail(FrameError::BadRange);
        for (usize j = 0; must_be_disjoint && j < i; ++j)
            if (ranges[i].overlaps(ranges[j])) return fail(FrameError::BadRange);
    }
    return {};
}

// The furthest end of a reserved span containing `frame`, or `frame` itself when none does.
u64 skip_reserved(u64 frame, const PhysRange* reserved, usize count) {
    u64 past = frame;
    for (usize i = 0; i < count; ++i) {
        if (reserved[i].empty()) continue;
        FrameSpan s = outer_frames(reserved[i]);
        if (s.first <= frame && frame < s.end) past = isok::max(past, s.end);
    }
    return past;
}

// The first reserved frame in (frame, limit), or limit.
u64 next_reserved(u64 frame, u64 limit, const PhysRange* reserved, usize count) {
    u64 next = limit;
    for (usize i = 0; i < count; ++i) {
        if (reserved[i].empty()) continue;
        FrameSpan s = outer_frames(reserved[i]);
        if (frame < s.first) next = isok::min(next, s.first);
    }
    return next;
}

} // namespace

const char* describe(FrameError error) {
    switch (error) {
    case FrameError::NoMemory: return "no free memory satisfies the request";
    case FrameError::BadRange: return "memory range is malformed, overflows or overlaps another";
    case FrameError::TooManyRegions: return "usable memory splits into too many regions";
    case FrameError::NotAllocated: return "frame is not allocated";
    case FrameError::Misaligned: return "address is not frame-aligned";
    case FrameError::BadAlignment: return "alignment is not a power of two of at least a frame";
    case FrameError::ZeroCount: return "frame count is zero";
    }
    return "unknown frame error";
}

// ---- One region's bitmap -------------------------------------------------------------------

bool FrameRegion::covers(u64 frame, usize count) const {
    return frame >= first && frame - first < frames && count <= frames - (frame - first);
}

// The first frame index in [from, to) whose bit says `allocated`, or `to`. Whole words at a time.
usize FrameRegion::find(usize from, usize to, bool allocated) const {
    KERNEL_ASSERT(to <= frames);
    while (from < to) {
        usize w = from / word_bits;
        u64 word = (allocated ? bits[w] : ~bits[w]) & (all_ones << (from % word_bits));
        if (word != 0) return isok::min(w * word_bits + usize(__builtin_ctzll(word)), to);
        from = (w + 1) * word_bits;
    }
    return to;
}

// Flips [from, to) to `allocated`; every bit must hold the opposite, so a double allocation or
// double free that slipped past the callers' checks stops here instead of corrupting counts.
void FrameRegion::mark(usize from, usize to, bool allocated) {
    KERNEL_ASSERT(from < to && to <= frames);
    usize n = to - from;
    KERNEL_ASSERT(allocated ? n <= free_count : n <= frames - free_count);
    while (from < to) {
        usize lo = from % word_bits;
        usize len = isok::min(word_bits - lo, to - from);
        u64 mask = bit_mask(lo, len);
        u64& word = bits[from / word_bits];
        KERNEL_ASSERT((word & mask) == (allocated ? 0 : mask));
        word ^= mask;
        from += len;
    }
    free_count = allocated ? free_count - n : free_count + n;
}

// Next fit: resume at the word where the last allocation was found, wrapping once around.
usize FrameRegion::take_one() {
    KERNEL_ASSERT(free_count != 0 && hint < words);
    usize w = hint;
    for (usize seen = 0; seen < words; ++seen) {
        if (bits[w] != all_ones) {
            usize index = w * word_bits + usize(__builtin_ctzll(~bits[w]));
            KERNEL_ASSERT(index < frames); // tail bits are set
            mark(index, index + 1, true);
            hint = w;
            return index;
        }
        w = w + 1 == words ? 0 : w + 1;
    }
    KERNEL_ASSERT(!"free count promised a clear bit");
    return none;
}

// First fit over aligned candidates. After a collision the search resumes at the next free
// frame past it, so each bitmap word is read a bounded number of times.
usize FrameRegion::take_run(usize count, u64 align_frames) {
    if (count > free_count) return none;
    auto aligned = [&](usize index) { return usize(isok::align_up(first + index, align_frames) - first); };
    for (usize index = aligned(0); index < frames && count <= frames - index;) {
        usize busy = find(index, index + count, true);
        if (busy == index + count) {
            mark(index, index + count, true);
            return index;
        }
        index = aligned(find(busy, frames, false));
    }
    return none;
}

// Clear bits over whole words; equal to the free frames only while the tail bits stay set.
usize FrameRegion::count_free() const {
    usize set = 0;
    for (usize w = 0; w < words; ++w) set += usize(__builtin_popcountll(bits[w]));
    return words * word_bits - set;
}

// ---- Setting up ----------------------------------------------------------------------------

Status<FrameError> FrameAllocator::init(const PhysRange* ram, usize ram_count, const PhysRange* reserved,
                                        usize reserved_count, PhysToPtr to_ptr) {
    *this = FrameAllocator{};
    Status<FrameError> status = build(ram, ram_count, reserved, reserved_count, to_ptr);
    if (!status) *this = FrameAllocator{}; // half-built regions must not hand out anything
    return status;
}

Status<FrameError> FrameAllocator::build(const PhysRange* ram, usize ram_count, const PhysRange* reserved,
                                         usize reserved_count, PhysToPtr to_ptr) {
    if (to_ptr == nullptr) return fail(FrameError::BadRange);
    if (auto s = check_ranges(ram, ram_count, true); !s) return s;
    if (auto s = check_ranges(reserved, reserved_count, false); !s) return s;
    for (usize i = 0; i < ram_count; ++i)
        if (auto s = carve(ram[i], reserved, reserved_count); !s) return s;
    sort_regions();
    return place_bitmaps(to_ptr);
}

// Adds the pieces of one RAM range that no reserved range touches, walking it left to right.
Status<FrameError> FrameAllocator::carve(const PhysRange& ram, const PhysRange* reserved, usize reserved_count) {
    FrameSpan span = inner_frames(ram);
    u64 cursor = span.first;
    while (cursor < span.end) {
        u64 past = skip_reserved(cursor, reserved, reserved_count);
        if (past != cursor) { // strictly forward, so the walk ends
            cursor = past;
            continue;
        }
        u64 stop = next_reserved(cursor, span.end, reserved, reserved_count);
        if (region_count_ == max_regions) return fail(FrameError::TooManyRegions);
        regions_[region_count_++] = FrameRegion{.first = cursor, .frames = usize(stop - cursor)};
        cursor = stop;
    }
    return {};
}

// Address order makes allocation deterministic whatever order the device tree lists RAM in.
void FrameAllocator::sort_regions() {
    for (usize i = 1; i < region_count_; ++i)
        for (usize j = i; j > 0 && regions_[j].first < regions_[j - 1].first; --j) {
            FrameRegion t = regions_[j];
            regions_[j] = regions_[j - 1];
            regions_[j - 1] = t;
        }
}

void FrameAllocator::remove_region(usize index) {
    for (usize i = index; i + 1 < region_count_; ++i) regions_[i] = regions_[i + 1];
    regions_[--region_count_] = FrameRegion{};
}

// The bitmaps go in the lowest region large enough, taken from its start. Sizing them before
// the cut only overestimates: the cut region's own bitmap shrinks, or the region disappears.
Status<FrameError> FrameAllocator::place_bitmaps(PhysToPtr to_ptr) {
    if (region_count_ == 0) return fail(FrameError::NoMemory);
    usize words = 0;
    for (usize i = 0; i < region_count_; ++i) words += words_for(regions_[i].frames);
    usize taken = (words * sizeof(u64) + frame_size - 1) / frame_size;

    usize host = 0;
    while (host < region_count_ && regions_[host].frames < taken) ++host;
    if (host == region_count_) return fail(FrameError::NoMemory);
    bookkeeping_ = PhysRange{address_of(regions_[host].first), taken * frame_size};
    regions_[host].first += taken;
    regions_[host].frames -= taken;
    if (regions_[host].frames == 0) remove_region(host);
    if (region_count_ == 0) return fail(FrameError::NoMemory);

    void* base = to_ptr(bookkeeping_.base);
    if (base == nullptr || reinterpret_cast<isok::uptr>(base) % alignof(u64) != 0)
        return fail(FrameError::BadRange);
    u64* next = static_cast<u64*>(base);
    for (usize i = 0; i < region_count_; ++i) {
        FrameRegion& r = regions_[i];
        r.words = words_for(r.frames);
        r.bits = next;
        next += r.words;
        for (usize w = 0; w < r.words; ++w) r.bits[w] = 0;
        if (usize tail = r.frames % word_bits; tail != 0) r.bits[r.words - 1] = ~bit_mask(0, tail);
        r.free_count = r.frames;
        total_ += r.frames;
    }
    KERNEL_ASSERT(usize(next - static_cast<u64*>(base)) * sizeof(u64) <= bookkeeping_.size);
    free_ = total_;
    return {};
}

// ---- Allocating and freeing ----------------------------------------------------------------

// The region holding all of [frame, frame + count), or null: runs never span two regions.
const FrameRegion* FrameAllocator::region_of(u64 frame, usize count) const {
    for (usize i = 0; i < region_count_; ++i)
        if (regions_[i].covers(frame, count)) return &regions_[i];
    return nullptr;
}

FrameRegion* FrameAllocator::region_of(u64 frame, usize count) {
    return const_cast<FrameRegion*>(static_cast<const FrameAllocator*>(this)->region_of(frame, count));
}

Result<PhysAddr, FrameError> FrameAllocator::allocate_one() {
    for (usize i = 0; i < region_count_; ++i) {
        FrameRegion& r = regions_[i];
        if (r.free_count == 0) continue;
        usize index = r.take_one();
        --free_;
        return address_of(r.first + index);
    }
    KERNEL_ASSERT(free_ == 0);
    return fail(FrameError::NoMemory);
}

Result<PhysAddr, FrameError> FrameAllocator::allocate(usize count, u64 align) {
    if (count == 0) return fail(FrameError::ZeroCount);
    if (!isok::is_power_of_two(align) || align < frame_size) return fail(FrameError::BadAlignment);
    if (count == 1 && align == frame_size) return allocate_one();
    if (count > free_) return fail(FrameError::NoMemory);
    for (usize i = 0; i < region_count_; ++i) {
        FrameRegion& r = regions_[i];
        usize index = r.take_run(count, align / frame_size);
        if (index == none) continue;
        free_ -= count;
        return address_of(r.first + index);
    }
    return fail(FrameError::NoMemory);
}

Status<FrameError> FrameAllocator::free(PhysAddr base, usize count) {
    if (count == 0) return fail(FrameError::ZeroCount);
    if (!base.is_aligned(frame_size)) return fail(FrameError::Misaligned);
    u64 frame = base.raw() >> frame_shift;
    FrameRegion* r = region_of(frame, count);
    if (r == nullptr) return fail(FrameError::NotAllocated); // reserved, bookkeeping or not RAM
    usize index = usize(frame - r->first);
    if (r->find(index, index + count, false) != index + count) return fail(FrameError::NotAllocated);
    r->mark(index, index + count, false);
    free_ += count;
    KERNEL_ASSERT(free_ <= total_);
    return {};
}

bool FrameAllocator::is_allocated(PhysAddr frame) const {
    u64 number = frame.raw() >> frame_shift;
    const FrameRegion* r = region_of(number, 1);
    if (r == nullptr) return false;
    usize index = usize(number - r->first);
    return r->find(index, index + 1, true) == index;
}

bool FrameAllocator::consistent() const {
    usize frames = 0, free_count = 0;
    for (usize i = 0; i < region_count_; ++i) {
        const FrameRegion& r = regions_[i];
        if (r.frames == 0 || r.words != words_for(r.frames) || r.hint >= r.words) return false;
        if (i > 0 && regions_[i - 1].end() > r.first) return false; // sorted and disjoint
        PhysRange span{address_of(r.first), r.frames * frame_size};
        if (span.overlaps(bookkeeping_)) return false;
        if (usize tail = r.frames % word_bits; tail != 0 && (r.bits[r.words - 1] | bit_mask(0, tail)) != all_ones)
            return false;
        if (r.count_free() != r.free_count || r.free_count > r.frames) return false;
        frames += r.frames;
        free_count += r.free_count;
    }
    return frames == total_ && free_count == free_;
}

} // namespace kernel

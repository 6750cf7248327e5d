// Sv39 and Sv39x4 page-table construction and lookup (RISC-V privileged spec: "Sv39",
// and "Guest Physical Address Translation": Sv39x4 widens the root to 2048 entries).
#include <arch/page_table.hpp>
#include <kernel/assert.hpp>

namespace arch {
namespace {

constexpr u64 page_size = 4096;
constexpr u64 entries = 512;

constexpr u64 guest_root_entries = 2048;
constexpr u64 guest_space = 1ull << 41;

constexpr u64 level_size(unsigned level) { return page_size << (9 * level); }
constexpr PhysAddr pte_address(u64 e) { return PhysAddr((e >> 10) << 12); }
constexpr u64 make_pte(PhysAddr pa, u64 flags) { return (pa.raw() >> 12) << 10 | flags; }
constexpr bool is_leaf(u64 e) { return e & (pte::read | pte::write | pte::exec); }

// Sv39 requires bits 63..39 of a virtual address to equal bit 38.
constexpr bool canonical_sv39(u64 va) {
    u64 top = va >> 38;
    return top == 0 || top == (~u64{0} >> 38);
}

} // namespace

const char* describe(MapError e) {
    switch (e) {
    case MapError::NoMemory: return "no memory for a page table";
    case MapError::Misaligned: return "address or size not page aligned";
    case MapError::AlreadyMapped: return "range already mapped";
    case MapError::WriteAndExecute: return "writable and executable mapping refused (W^X)";
    case MapError::OutOfRange: return "address outside the translated range";
    case MapError::NotMapped: return "range not mapped by whole pages";
    }
    return "unknown mapping error";
}

isok::Result<PhysAddr, MapError> AllocatorTableFrames::take(isok::usize count, u64 align) {
    auto frame = frames_.allocate(count, align);
    if (!frame) return isok::fail(MapError::NoMemory);
    return *frame;
}

void AllocatorTableFrames::give(PhysAddr frame, isok::usize count) { (void)frames_.free(frame, count); }

u64 PageTable::root_entries() const { return kind_ == Kind::guest ? guest_root_entries : entries; }

u64 PageTable::vpn(VirtAddr va, unsigned level) const {
    u64 mask = level == levels - 1 ? root_entries() - 1 : entries - 1;
    return (va.raw() >> (12 + 9 * level)) & mask;
}

bool PageTable::in_range(u64 va) const { return kind_ == Kind::guest ? va < guest_space : canonical_sv39(va); }

isok::Status<MapError> PageTable::init(TableFrames& frames, kernel::PhysToPtr to_ptr, Kind kind) {
    to_ptr_ = to_ptr;
    kind_ = kind;
    // The Sv39x4 root is four pages, aligned to its size.
    isok::usize root_pages = root_entries() * sizeof(u64) / page_size;
    auto root = frames.take(root_pages, root_pages * page_size);
    if (!root) return isok::fail(root.error());
    root_ = *root;
    frames_ = &frames; // only now is there a root for release() to give back
    __builtin_memset(table(root_), 0, root_pages * page_size);
    return {};
}

void PageTable::share_kernel_half(const PageTable& kernel_space) {
    if (kind_ == Kind::guest) return;
    const u64* from = kernel_space.table(kernel_space.root_);
    u64* to = table(root_);
    for (u64 i = entries / 2; i < entries; ++i) to[i] = from[i];
}

isok::Status<MapError> PageTable::unmap(VirtAddr va, u64 size) {
    if (!va.is_aligned(page_size) || !isok::is_aligned(size, page_size)) return isok::fail(MapError::Misaligned);
    u64 last;
    if (size == 0 || isok::add_overflows(va.raw(), size - 1, last)) return isok::fail(MapError::OutOfRange);
    // Check first, then change: a refused unmap leaves the table as it was. The range
    // must consist of whole leaves: a large page is never split, so no frame of it
    // can stay reachable after the range is gone.
    for (u64 off = 0; off < size;) {
        unsigned level;
        if (!leaf(va + off, level) || !isok::is_aligned(va.raw() + off, level_size(level)) ||
            size - off < level_size(level))
            return isok::fail(MapError::NotMapped);
        off += level_size(level);
    }
    clear(va, size);
    return {};
}

void PageTable::clear(VirtAddr va, u64 size) {
    for (u64 off = 0; off < size;) {
        unsigned level;
        u64* e = const_cast<u64*>(leaf(va + off, level));
        KERNEL_ASSERT(e); // unmap checked the range; a rollback clears only what it made
        *e = 0;
        off += level_size(level);
    }
}

void PageTable::release_level(PhysAddr t, unsigned level, u64 first, u64 last) {
    u64* entries_of = table(t);
    for (u64 i = first; i < last; ++i) {
        u64 e = entries_of[i];
        if ((e & pte::valid) && !is_leaf(e) && level > 0) {
            release_level(pte_address(e), level - 1, 0, entries);
            entries_of[i] = 0;
        }
    }
    if (t != root_) frames_->give(t, 1);
}

void PageTable::release() {
    if (!frames_) return;
    // The upper half of an Sv39 table is the kernel's, shared by every address space.
    release_level(root_, levels - 1, 0, kind_ == Kind::guest ? guest_root_entries : entries / 2);
    frames_->give(root_, root_entries() * sizeof(u64) / page_size);
    frames_ = nullptr;
}

isok::Status<MapError> PageTable::map(VirtAddr va, PhysAddr pa, u64 size, u64 perms) {
    if (!va.is_aligned(page_size) || !pa.is_aligned(page_size) || !isok::is_aligned(size, page_size))
        return isok::fail(MapError::Misaligned);
    // A guest's own page tables decide what it may execute; G-stage only bounds it.
    if (kind_ != Kind::guest && (perms & pte::write) && (perms & pte::exec))
        return isok::fail(MapError::WriteAndExecute);
    u64 last;
    if (size == 0 || isok::add_overflows(va.raw(), size - 1, last) || !in_range(va.raw()) || !in_range(last))
        return isok::fail(MapError::OutOfRange);
    // An Sv39 range may not run from the lower half through the hole into the upper.
    if (kind_ == Kind::host && (va.raw() >> 38) != (last >> 38)) return isok::fail(MapError::OutOfRange);

    for (u64 done = 0; done < size;) {
        unsigned level = levels - 1;
        // The largest page that fits both alignment and what is left to map.
        while (level > 0 && !(isok::is_aligned(va.raw() + done, level_size(level)) &&
                              isok::is_aligned(pa.raw() + done, level_size(level)) && size - done >= level_size(level)))
            --level;
        if (auto s = map_one(va + done, pa + done, level, perms); !s) {
            // All or nothing: a half-made mapping would outlive the record of it.
            clear(va, done);
            return s;
        }
        done += level_size(level);
    }
    return {};
}

isok::Status<MapError> PageTable::map_one(VirtAddr va, PhysAddr pa, unsigned level, u64 perms) {
    u64* t = table(root_);
    for (unsigned l = levels - 1; l > level; --l) {
        u64& e = t[vpn(va, l)];
        if (!(e & pte::valid)) {
            auto next = frames_->take(1, page_size);
            if (!next) return isok::fail(next.error());
            __builtin_memset(table(*next), 0, page_size);
            e = make_pte(*next, pte::valid);
        } else if (is_leaf(e)) {
            return isok::fail(MapError::AlreadyMapped);
        }
        t = table(pte_address(e));
    }
    u64& e = t[vpn(va, level)];
    if (e & pte::valid) return isok::fail(MapError::AlreadyMapped);
    e = make_pte(pa, perms | pte::valid | pte::accessed | pte::dirty);
    return {};
}

const u64* PageTable::leaf(VirtAddr va, unsigned& level) const {
    if (!in_range(va.raw())) return nullptr;
    const u64* t = table(root_);
    for (level = levels - 1;; --level) {
        const u64& e = t[vpn(va, level)];
        if (!(e & pte::valid)) return nullptr;
        if (is_leaf(e)) return &e;
        if (level == 0) return nullptr;
        t = table(pte_address(e));
    }
}

isok::Result<PhysAddr, MapError> PageTable::translate(VirtAddr va) const {
    unsigned level;
    const u64* e = leaf(va, level);
    if (!e) return isok::fail(MapError::OutOfRange);
    return pte_address(*e) + (va.raw() & (level_size(level) - 1));
}

isok::Result<PhysAddr, MapError> PageTable::lookup(VirtAddr va, u64& perms) const {
    unsigned level;
    const u64* e = leaf(va, level);
    if (!e) return isok::fail(MapError::OutOfRange);
    perms = *e & (pte::read | pte::write | pte::exec | pte::user | pte::global | pte::device);
    return pte_address(*e) + (va.raw() & (level_size(level) - 1));
}

u64 PageTable::permissions(VirtAddr va) const {
    unsigned level;
    const u64* e = leaf(va, level);
    return e ? (*e & (pte::read | pte::write | pte::exec | pte::user | pte::global | pte::device)) : 0;
}

// satp for Sv39 and hgatp for Sv39x4 share the layout: mode 8, 16-bit ASID or 14-bit VMID, root PPN.
u64 PageTable::satp(u64 asid) const { return (8ull << 60) | (asid << 44) | (root_.raw() >> 12); }

} // namespace arch

// Sv39 tables (three levels of 512 entries, 4 KiB / 2 MiB / 1 GiB leaves) and the paging checks.
#include "paging.hpp"

#include "console.hpp"
#include "csr.hpp"
#include "trap.hpp"

namespace mini::paging {
namespace {

using isok::is_aligned;

constexpr u32 pool_pages = 16;
constexpr u64 satp_sv39 = u64(8) << 60;
constexpr u64 alias_va = 0x20'0000'0000;     // a second name for alias_page
constexpr u64 unmapped_va = 0x30'0000'0000;  // no root entry covers it
constexpr u64 leafless_va = alias_va + page_size; // its tables exist, its leaf does not

alignas(page_size) u64 pool[pool_pages][512];
u32 pool_used = 0;
alignas(page_size) u64 alias_page[512];
Space kernel;

constexpr u64 level_size(u32 level) { return page_size << (9 * level); }
constexpr u64 index(u64 va, u32 level) { return va >> (12 + 9 * level) & 511; }
constexpr u64 make_pte(u64 pa, u64 bits) { return pa >> 12 << 10 | bits | pte::valid; }
u64* table_of(u64 pte) { return reinterpret_cast<u64*>(pte >> 10 << 12); }

u64* allocate_table() { return pool_used < pool_pages ? pool[pool_used++] : nullptr; }

} // namespace

bool Space::create() { return (root_ = allocate_table()) != nullptr; }

u64 Space::satp() const { return satp_sv39 | u64(reinterpret_cast<isok::uptr>(root_)) >> 12; }

// The entry for va at level (2 = root); missing tables on the way are allocated.
u64* Space::entry(u64 va, u32 level) {
    u64* table = root_;
    for (u32 l = 2; l > level; --l) {
        u64& e = table[index(va, l)];
        if (!(e & pte::valid)) {
            u64* next = allocate_table();
            if (!next) return nullptr;
            e = make_pte(reinterpret_cast<isok::uptr>(next), 0);
        } else if (e & (pte::read | pte::write | pte::execute)) {
            return nullptr; // a leaf already covers va
        }
        table = table_of(e);
    }
    return &table[index(va, level)];
}

bool Space::map(u64 va, u64 pa, u64 size, u64 permissions) {
    if (!root_ || !is_aligned(va | pa | size, page_size)) return false;
    while (size) {
        u32 level = 2;
        while (level && !(is_aligned(va | pa, level_size(level)) && size >= level_size(level))) --level;
        u64* e = entry(va, level);
        if (!e || (*e & pte::valid)) return false;
        *e = make_pte(pa, permissions | pte::accessed | pte::dirty);
        va += level_size(level), pa += level_size(level), size -= level_size(level);
    }
    return true;
}

bool map_memory(Space& space, const Machine& m) {
    constexpr u64 rwx = pte::read | pte::write | pte::execute;
    bool dtb_inside = false;
    for (u32 i = 0; i < m.memory_count; ++i) {
        u64 base = isok::align_down(m.memory[i].base, page_size);
        u64 end = isok::align_up(m.memory[i].base + m.memory[i].size, page_size);
        if (!space.map(base, base, end - base, rwx)) return false;
        dtb_inside |= m.dtb.base >= base && m.dtb.base + m.dtb.size <= end;
    }
    u64 dtb = isok::align_down(m.dtb.base, page_size);
    return dtb_inside || space.map(dtb, dtb, isok::align_up(m.dtb.base + m.dtb.size, page_size) - dtb, pte::read);
}

void activate(u64 satp) {
    asm volatile("sfence.vma" ::: "memory");
    csr::write_satp(satp);
    asm volatile("sfence.vma" ::: "memory");
}

Space& kernel_space() { return kernel; }

bool check_enable(const Machine& m) {
    if (!kernel.create() || !map_memory(kernel, m)) return console::fail("paging", "cannot map memory");
    for (u32 i = 0; i < m.virtio_count; ++i) {
        u64 base = isok::align_down(m.virtio[i].base, page_size);
        u64 size = isok::align_up(m.virtio[i].base + m.virtio[i].size, page_size) - base;
        if (!kernel.map(base, base, size, pte::read | pte::write))
            return console::fail("paging", "cannot map virtio-mmio slot 0x%lx", m.virtio[i].base);
    }
    activate(kernel.satp());
    u64 satp = csr::read_satp();
    console::line("paging: Sv39 on, satp 0x%lx, %u of %u table pages used", satp, pool_used, pool_pages);
    if (satp != kernel.satp()) return console::fail("paging", "satp reads 0x%lx, wrote 0x%lx", satp, kernel.satp());
    return console::pass("paging");
}

bool check_alias() {
    u64 pa = reinterpret_cast<isok::uptr>(alias_page);
    if (!kernel.map(alias_va, pa, page_size, pte::read | pte::write)) return console::fail("page alias", "cannot map");
    asm volatile("sfence.vma" ::: "memory");
    auto* direct = reinterpret_cast<volatile u64*>(pa);
    auto* alias = reinterpret_cast<volatile u64*>(alias_va);
    for (u32 i = 0; i < 512; ++i) direct[i] = 0x0123456789abcdef ^ (u64(i) << 40 | i);
    for (u32 i = 0; i < 512; ++i)
        if (alias[i] != direct[i]) return console::fail("page alias", "word %u differs through 0x%lx", i, alias_va);
    alias[100] = 0xfeedfacecafebeef;
    console::line("page alias: 0x%lx and 0x%lx are one page", alias_va, pa);
    if (direct[100] != 0xfeedfacecafebeef) return console::fail("page alias", "a store through the alias is not seen");
    return console::pass("page alias");
}

bool check_fault() {
    trap::expect_fault();
    u64 loaded = *reinterpret_cast<volatile u64*>(unmapped_va);
    trap::Fault load = trap::take_fault();
    trap::expect_fault();
    *reinterpret_cast<volatile u64*>(leafless_va) = loaded;
    trap::Fault store = trap::take_fault();
    console::line("page fault: load 0x%lx -> scause %lu stval 0x%lx; store 0x%lx -> scause %lu stval 0x%lx",
                  unmapped_va, load.cause, load.tval, leafless_va, store.cause, store.tval);
    if (!load.taken || load.cause != cause::load_page_fault || load.tval != unmapped_va)
        return console::fail("page fault", "the load did not take a load page fault at 0x%lx", unmapped_va);
    if (!store.taken || store.cause != cause::store_page_fault || store.tval != leafless_va)
        return console::fail("page fault", "the store did not take a store page fault at 0x%lx", leafless_va);
    return console::pass("page fault");
}

} // namespace mini::paging

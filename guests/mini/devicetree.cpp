// Device tree reading: memory, cpus, timebase, this hart's riscv,isa, virtio-mmio slots.
#include "devicetree.hpp"

#include "console.hpp"

#include <isok/fdt.hpp>
#include <isok/string.hpp>

namespace mini::devicetree {
namespace {

using isok::fdt::Node;

constexpr u64 max_blob = 2 * isok::MiB;

// A multi-letter extension ("sstc") as one '_'-separated token of an ISA string.
bool isa_has(const char* isa, const char* ext) {
    auto n = isok::str_length(ext);
    for (const char* p = isa; *p;) {
        const char* end = p;
        while (*end && *end != '_') ++end;
        if (isok::usize(end - p) == n && isok::str_starts_with(p, ext)) return true;
        p = *end ? end + 1 : end;
    }
    return false;
}

void read_memory(const Node& node, Machine& m) {
    for (isok::usize i = 0; m.memory_count < Machine::max_memory; ++i) {
        auto reg = node.reg(i);
        if (!reg) return;
        if (reg->size) m.memory[m.memory_count++] = {reg->address, reg->size};
    }
}

bool read_cpus(const isok::fdt::Tree& tree, Machine& m) {
    auto cpus = tree.find("/cpus");
    if (!cpus) return false;
    if (auto tb = cpus->property("timebase-frequency"); tb && tb->number()) m.timebase_hz = *tb->number();
    cpus->for_each_child([&](const Node& cpu) {
        if (!cpu.has_base_name("cpu") || !cpu.is_enabled()) return;
        ++m.cpus;
        auto reg = cpu.reg(0);
        if (!reg || reg->address != m.hart) return;
        if (auto tb = cpu.property("timebase-frequency"); tb && tb->number()) m.timebase_hz = *tb->number();
        if (auto isa = cpu.property("riscv,isa"); isa && isa->string())
            isok::str_copy(m.isa, *isa->string(), sizeof m.isa);
    });
    return true;
}

} // namespace

bool check(u64 hart, u64 dtb, Machine& m) {
    m.hart = hart;
    u32 total = 0;
    if (!isok::Bytes(reinterpret_cast<const isok::u8*>(dtb), 8).be32(4, total) || total > max_blob)
        return console::fail("device tree", "blob at 0x%lx claims %u bytes", dtb, total);
    auto tree = isok::fdt::Tree::open(isok::Bytes(reinterpret_cast<const isok::u8*>(dtb), total));
    if (!tree) return console::fail("device tree", "blob at 0x%lx refused: %s", dtb, isok::fdt::describe(tree.error()));
    m.dtb = {dtb, total};

    tree->root().for_each_child([&](const Node& n) {
        auto type = n.property("device_type");
        if (n.has_base_name("memory") && type && type->has_string("memory")) read_memory(n, m);
    });
    bool have_cpus = read_cpus(*tree, m);
    tree->for_each_node([&](const Node& n) {
        if (!n.is_compatible("virtio,mmio") || !n.is_enabled() || m.virtio_count == Machine::max_virtio) return;
        if (auto reg = n.reg(0)) m.virtio[m.virtio_count++] = {reg->address, reg->size};
    });
    m.has_sstc = isa_has(m.isa, "sstc");

    u64 total_memory = 0;
    for (u32 i = 0; i < m.memory_count; ++i) total_memory += m.memory[i].size;
    console::line("device tree: %u bytes at 0x%lx; memory %lu MiB in %u region(s) from 0x%lx; %u cpu(s); "
                  "timebase %lu Hz; %u virtio-mmio slot(s)",
                  total, dtb, total_memory / isok::MiB, m.memory_count, m.memory_count ? m.memory[0].base : 0, m.cpus,
                  m.timebase_hz, m.virtio_count);
    console::line("device tree: hart %lu riscv,isa \"%s\" (sstc %s)", hart, m.isa, m.has_sstc ? "yes" : "no");

    if (m.memory_count == 0) return console::fail("device tree", "no memory node");
    if (!have_cpus || m.cpus == 0) return console::fail("device tree", "no enabled cpu under /cpus");
    if (m.timebase_hz == 0) return console::fail("device tree", "no timebase-frequency");
    if (!isok::str_starts_with(m.isa, "rv64"))
        return console::fail("device tree", "hart %lu has no rv64 riscv,isa", hart);
    return console::pass("device tree");
}

} // namespace mini::devicetree

// The device tree reader (lib/fdt) and the kernel's platform description built on it
// (kernel describe_platform) on arbitrary blobs: every view stays inside the blob, every
// navigation agrees with the walk, and an accepted platform is sorted and consistent.
#include "fuzz_util.hpp"

#include <isok/fdt.hpp>
#include <kernel/platform.hpp>

namespace fdt = isok::fdt;
using fuzz::check;
using fuzz::inside;
using fuzz::string_inside;

namespace {

void walk_node(const fdt::Tree& tree, const fdt::Node& n, isok::Bytes blob) {
    check(string_inside(n.name(), blob));
    auto again = tree.node_at(n.offset());
    check(again.ok() && again->offset() == n.offset());
    if (auto parent = n.parent(); parent) {
        bool found = false;
        parent->for_each_child([&](const fdt::Node& c) { return !(found = c.offset() == n.offset()); });
        check(found);
    }
    n.for_each_property([&](const fdt::Property& p) {
        check(string_inside(p.name(), blob) && inside(p.value(), blob));
        if (auto s = p.string(); s) check(string_inside(*s, blob));
        (void)p.has_string("virtio,mmio");
        (void)p.number();
    });
    for (isok::usize i = 0; i < 4; ++i)
        if (!n.reg(i)) break;
    (void)n.cells();
    (void)n.is_enabled();
    if (isok::u32 phandle = n.phandle(); phandle) {
        auto holder = tree.find_phandle(phandle);
        check(holder.ok() && holder->phandle() == phandle);
    }
}

void check_platform(const kernel::Platform& p) {
    check(p.memory_count >= 1 && p.memory_count <= p.max_memory && p.reserved_count <= p.max_reserved);
    for (isok::usize i = 0; i < p.memory_count; ++i) {
        check(!p.memory[i].empty());
        if (i) check(p.memory[i - 1].base.raw() <= p.memory[i].base.raw() && !p.memory[i - 1].overlaps(p.memory[i]));
    }
    check(p.hart_count >= 1 && p.hart_count <= p.max_harts && p.timebase_hz);
    for (isok::usize i = 0; i < p.hart_count; ++i)
        for (isok::usize j = i + 1; j < p.hart_count; ++j) check(p.hart_ids[i] != p.hart_ids[j]);
    check(p.virtio_count <= p.max_virtio);
    for (isok::usize i = 1; i < p.virtio_count; ++i) check(p.virtio[i - 1].mmio.base.raw() <= p.virtio[i].mmio.base.raw());
    check(std::memchr(p.isa, 0, sizeof p.isa) && std::memchr(p.bootargs, 0, sizeof p.bootargs));
    if (p.has_initrd) {
        bool in_memory = false;
        for (isok::usize i = 0; i < p.memory_count; ++i)
            in_memory |= p.memory[i].base.raw() <= p.initrd.base.raw() && p.initrd.end().raw() <= p.memory[i].end().raw();
        check(in_memory);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    isok::Bytes blob(data, size);
    auto tree = fdt::Tree::open(blob);
    if (tree) {
        check(tree->total_size() <= size);
        tree->for_each_reservation([](const fdt::Reservation&) {});
        check(!tree->reservation(tree->reservation_count()).ok());
        check(tree->root().is_root() && !tree->root().parent().ok());
        tree->for_each_node([&](const fdt::Node& n) { walk_node(*tree, n, blob); });
        for (const char* path : {"/", "/chosen", "/cpus", "/cpus/cpu@0", "/soc", "/memory", "/reserved-memory"})
            if (auto n = tree->find(path); n) check(string_inside(n->name(), blob));
    }
    auto platform = kernel::describe_platform(blob, 0);
    if (platform) {
        check(tree.ok());
        check_platform(*platform);
    } else {
        check(kernel::describe(platform.error()) != nullptr);
        if (!tree) check(kernel::is_bad_fdt(platform.error()));
    }
    return 0;
}

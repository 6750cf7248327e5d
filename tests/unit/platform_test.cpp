// The kernel's platform description: a QEMU-virt-like tree read exactly, and every
// reason to refuse a tree reported as its own error.
#include "fdt_builder.hpp"

#include <gtest/gtest.h>
#include <kernel/platform.hpp>

#include <cstring>
#include <memory>
#include <string>

using namespace fdt_test;
using kernel::describe_platform;
using kernel::Platform;
using kernel::PlatformError;

namespace {

isok::Result<Platform, PlatformError> describe(const Blob& b, uint32_t boot_hart = 0) {
    return describe_platform(isok::Bytes(b.data(), b.size()), boot_hart);
}

Platform must_describe(const Blob& b, uint32_t boot_hart = 0) {
    auto p = describe(b, boot_hart);
    EXPECT_TRUE(p.ok()) << kernel::describe(p.error());
    return p.ok() ? *p : Platform();
}

PlatformError error_of(const VirtSpec& spec, uint32_t boot_hart = 0) {
    auto p = describe(virt_blob(spec), boot_hart);
    EXPECT_FALSE(p.ok());
    return p.error();
}

// Opens the root of a tree built by hand, with (2, 2) cells and 4 KiB of memory.
void root_with_memory(Builder& b) {
    b.begin("").prop_u32("#address-cells", 2).prop_u32("#size-cells", 2);
    b.begin("memory@80000000").prop_str("device_type", "memory").reg64(0x80000000, 0x1000).end();
}

// The minimum the platform needs besides memory: one hart, a timebase.
void cpus_node(Builder& b) {
    b.begin("cpus").prop_u32("#address-cells", 1).prop_u32("#size-cells", 0).prop_u32("timebase-frequency", 1000);
    b.begin("cpu@0").prop_str("device_type", "cpu").prop_u32("reg", 0).end().end();
}

} // namespace

TEST(Platform, QemuVirtLikeTree) {
    Platform p = must_describe(virt_blob());
    ASSERT_EQ(p.memory_count, 1u);
    EXPECT_EQ(p.memory[0].base.raw(), 0x80000000u);
    EXPECT_EQ(p.memory[0].size, 0x10000000u);
    EXPECT_EQ(p.total_memory(), 256 * isok::MiB);

    ASSERT_EQ(p.reserved_count, 2u); // the /memreserve/ entry, then /reserved-memory's child
    EXPECT_EQ(p.reserved[0].base.raw(), 0x80000000u);
    EXPECT_EQ(p.reserved[0].size, 0x40000u);
    EXPECT_EQ(p.reserved[1].base.raw(), 0x80040000u);
    EXPECT_EQ(p.reserved[1].size, 0x20000u);

    ASSERT_EQ(p.hart_count, 2u);
    EXPECT_EQ(p.hart_ids[0], 0u);
    EXPECT_EQ(p.hart_ids[1], 1u);
    EXPECT_EQ(p.timebase_hz, 10000000u);
    EXPECT_STREQ(p.isa, "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
    EXPECT_TRUE(p.has_h);
    EXPECT_TRUE(p.has_sstc);

    ASSERT_TRUE(p.has_uart);
    EXPECT_EQ(p.uart.mmio.base.raw(), 0x10000000u);
    EXPECT_EQ(p.uart.mmio.size, 0x100u);
    EXPECT_EQ(p.uart.irq, 10u);

    ASSERT_TRUE(p.has_plic);
    EXPECT_EQ(p.plic.base.raw(), 0xc000000u);
    EXPECT_EQ(p.plic.size, 0x600000u);
    EXPECT_EQ(p.plic_ndev, 0x60u);
    EXPECT_EQ(p.plic_context, 1u); // hart 0: contexts (M, S) = (0, 1)

    ASSERT_EQ(p.virtio_count, 8u);
    for (size_t i = 0; i < 8; ++i) { // written in descending order, returned ascending
        EXPECT_EQ(p.virtio[i].mmio.base.raw(), 0x10001000u + 0x1000 * i);
        EXPECT_EQ(p.virtio[i].mmio.size, 0x1000u);
        EXPECT_EQ(p.virtio[i].irq, i + 1);
    }

    ASSERT_TRUE(p.has_initrd);
    EXPECT_EQ(p.initrd.base.raw(), 0x88200000u);
    EXPECT_EQ(p.initrd.size, 0x200000u);
    EXPECT_STREQ(p.bootargs, "console=ttyS0 root=/dev/vda");
}

TEST(Platform, SecondHartFindsItsOwnPlicContext) {
    VirtSpec spec;
    spec.harts = 4;
    EXPECT_EQ(must_describe(virt_blob(spec), 1).plic_context, 3u);
    EXPECT_EQ(must_describe(virt_blob(spec), 3).plic_context, 7u);
}

TEST(Platform, EveryHartHasItsOwnPlicContext) {
    VirtSpec spec;
    spec.harts = 4;
    Platform p = must_describe(virt_blob(spec), 2);
    ASSERT_EQ(p.hart_count, 4u);
    for (unsigned i = 0; i < 4; ++i) {
        EXPECT_EQ(p.plic_contexts[i], 2 * p.hart_ids[i] + 1) << "hart " << p.hart_ids[i];
        EXPECT_EQ(p.plic_context_of(p.hart_ids[i]), 2 * p.hart_ids[i] + 1);
    }
    EXPECT_EQ(p.plic_context_of(9), Platform::no_plic_context) << "a hart the tree does not list";
}

TEST(Platform, PlicContextAfterOpenSbiMasksMachineContexts) {
    VirtSpec spec; // OpenSBI rewrites the M-mode entries' irq to -1; the pairs stay
    spec.mask_machine_contexts = true;
    EXPECT_EQ(must_describe(virt_blob(spec), 1).plic_context, 3u);
}

TEST(Platform, MemoryRangesSortedFromSeveralNodesAndEntries) {
    VirtSpec spec;
    spec.memory = {{0x100000000, 0x40000000}, {0x80000000, 0x10000000}};
    spec.extra_root = [](Builder& b) {
        b.begin("memory@c0000000").prop_str("device_type", "memory");
        b.prop_cells("reg", {0, 0xc0000000, 0, 0x1000000, 0, 0xa0000000, 0, 0x1000000}).end();
        b.begin("memory@f0000000").prop_str("device_type", "memory").prop_str("status", "disabled").reg64(0xf0000000, 0x1000).end();
        b.begin("memory-like@0").reg64(0, 0x1000).end(); // no device_type: not memory
    };
    Platform p = must_describe(virt_blob(spec));
    ASSERT_EQ(p.memory_count, 4u);
    EXPECT_EQ(p.memory[0].base.raw(), 0x80000000u);
    EXPECT_EQ(p.memory[1].base.raw(), 0xa0000000u);
    EXPECT_EQ(p.memory[2].base.raw(), 0xc0000000u);
    EXPECT_EQ(p.memory[3].base.raw(), 0x100000000u);
    EXPECT_EQ(p.total_memory(), 0x10000000u + 0x2000000u + 0x40000000u);
}

TEST(Platform, MemoryErrors) {
    VirtSpec none;
    none.memory = {};
    none.initrd = false;
    EXPECT_EQ(error_of(none), PlatformError::no_memory);
    VirtSpec overlap;
    overlap.memory = {{0x80000000, 0x10000000}, {0x8ffff000, 0x2000}};
    EXPECT_EQ(error_of(overlap), PlatformError::memory_overlap);
    VirtSpec adjacent;
    adjacent.memory = {{0x90000000, 0x1000}, {0x80000000, 0x10000000}};
    EXPECT_EQ(must_describe(virt_blob(adjacent)).memory_count, 2u);
    VirtSpec empty;
    empty.memory = {{0x80000000, 0x10000000}, {0x90000000, 0}};
    EXPECT_EQ(error_of(empty), PlatformError::empty_memory_range);
    VirtSpec wraps;
    wraps.memory = {{0x80000000, 0x10000000}, {0xfffffffffffff000, 0x1000}};
    EXPECT_EQ(error_of(wraps), PlatformError::bad_reg);
    VirtSpec many;
    for (uint64_t i = 0; i <= Platform::max_memory; ++i) many.memory.push_back({0x100000000 + i * 0x100000, 0x1000});
    EXPECT_EQ(error_of(many), PlatformError::too_many_memory_ranges);
}

TEST(Platform, RegWithAbsurdCells) {
    auto tree = [](uint32_t address_cells, uint32_t size_cells, std::vector<uint32_t> reg) {
        Builder b;
        b.begin("").prop_u32("#address-cells", address_cells).prop_u32("#size-cells", size_cells);
        b.begin("memory@0").prop_str("device_type", "memory").prop_cells("reg", reg).end();
        cpus_node(b);
        b.end();
        return b.build();
    };
    EXPECT_EQ(describe(tree(3, 2, {0, 0, 0x80000000, 0, 0x1000})).error(), PlatformError::bad_reg_cells);
    EXPECT_EQ(describe(tree(2, 3, {0, 0x80000000, 0, 0, 0x1000})).error(), PlatformError::bad_reg_cells);
    EXPECT_EQ(describe(tree(0xffffffff, 1, {1, 2, 3})).error(), PlatformError::bad_reg_cells);
    EXPECT_EQ(describe(tree(2, 2, {0, 0x80000000, 0})).error(), PlatformError::bad_reg);
    EXPECT_EQ(describe(tree(1, 1, {0xfffff000, 0x2000})).ok(), true); // 32-bit cells: no 64-bit wrap
    Platform p = must_describe(tree(1, 1, {0x80000000, 0x1000, 0x90000000, 0x2000}));
    ASSERT_EQ(p.memory_count, 2u);
    EXPECT_EQ(p.memory[1].size, 0x2000u);
    EXPECT_EQ(describe(tree(2, 0, {0, 0x80000000})).error(), PlatformError::empty_memory_range);
}

TEST(Platform, CpuErrors) {
    VirtSpec no_cpus;
    no_cpus.harts = 0;
    EXPECT_EQ(error_of(no_cpus), PlatformError::no_cpus);
    EXPECT_EQ(error_of({}, 7), PlatformError::boot_hart_not_found);
    VirtSpec many;
    many.harts = int(Platform::max_harts) + 1;
    EXPECT_EQ(error_of(many), PlatformError::too_many_harts);
    VirtSpec no_timebase;
    no_timebase.timebase = 0;
    EXPECT_EQ(error_of(no_timebase), PlatformError::no_timebase);
    Builder b;
    root_with_memory(b);
    b.begin("cpus").prop_u32("#address-cells", 1).prop_u32("#size-cells", 0).prop_u32("timebase-frequency", 1);
    b.begin("cpu@0").prop_str("device_type", "cpu").prop_u32("reg", 0).end();
    b.begin("cpu@1").prop_str("device_type", "cpu").prop_u32("reg", 0).end().end().end();
    EXPECT_EQ(describe(b.build()).error(), PlatformError::duplicate_hart);
}

TEST(Platform, DisabledAndNonCpuNodesAreNotHarts) {
    Builder b;
    root_with_memory(b);
    b.begin("cpus").prop_u32("#address-cells", 1).prop_u32("#size-cells", 0);
    b.begin("cpu@0").prop_str("device_type", "cpu").prop_u32("reg", 0).prop_str("status", "disabled").end();
    b.begin("cpu@1").prop_str("device_type", "cpu").prop_u32("reg", 1).prop_u32("timebase-frequency", 5).end();
    b.begin("cpu@2").prop_str("device_type", "cpu").prop_u32("reg", 2).prop_str("status", "okay").end();
    b.begin("cpu-map").prop_u32("reg", 3).end().end().end();
    Blob blob = b.build();
    EXPECT_EQ(describe(blob, 0).error(), PlatformError::boot_hart_not_found);
    Platform p = must_describe(blob, 1);
    ASSERT_EQ(p.hart_count, 2u);
    EXPECT_EQ(p.hart_ids[0], 1u);
    EXPECT_EQ(p.hart_ids[1], 2u);
    EXPECT_EQ(p.timebase_hz, 5u); // from the boot cpu, since /cpus has none
    EXPECT_FALSE(p.has_h);
    EXPECT_FALSE(p.has_plic);
    EXPECT_FALSE(p.has_uart);
    EXPECT_EQ(p.virtio_count, 0u);
    EXPECT_EQ(describe(blob, 2).error(), PlatformError::no_timebase);
}

struct IsaCase {
    const char* isa;
    bool h, sstc;
};

TEST(Platform, IsaStringExtensions) {
    const IsaCase cases[] = {
        {"rv64imafdch_zicsr_sstc", true, true},
        {"rv64imafdc_zicsr_sstc", false, true},
        {"rv64imafdch", true, false},
        {"rv64imac_hfoo", false, false},       // a multi-letter 'h...' extension is not H
        {"rv64imafdc_ssstc_sstcx", false, false},
        {"rv32imafdch_sstc", false, false},    // not a 64-bit hart
        {"rv64i2p1m2p0a2p1h1p0_sstc", true, true},
        {"rv64imafdczicsr_sstc", false, true}, // multi-letter directly after the letters
        {"rv64imafdcsstc", false, true},
        {"rv64imaxfooh_sstc", false, true},    // the h belongs to "xfooh"
        {"RV64IMAFDCH_SSTC", true, true},
        {"rv64", false, false},
        {"rv6", false, false},
        {"", false, false},
    };
    for (const IsaCase& c : cases) {
        VirtSpec spec;
        spec.isa = c.isa;
        Platform p = must_describe(virt_blob(spec));
        EXPECT_EQ(p.has_h, c.h) << c.isa;
        EXPECT_EQ(p.has_sstc, c.sstc) << c.isa;
        EXPECT_STREQ(p.isa, c.isa);
    }
}

TEST(Platform, LongIsaIsTruncatedButFullyParsed) {
    VirtSpec spec;
    spec.isa = "rv64imafdch";
    while (spec.isa.size() < 200) spec.isa += "_zfoo";
    spec.isa += "_sstc";
    Platform p = must_describe(virt_blob(spec));
    EXPECT_EQ(strlen(p.isa), sizeof(p.isa) - 1);
    EXPECT_EQ(std::string(p.isa), spec.isa.substr(0, sizeof(p.isa) - 1));
    EXPECT_TRUE(p.has_sstc);
}

TEST(Platform, IsaExtensionsListBinding) {
    Builder b;
    root_with_memory(b);
    b.begin("cpus").prop_u32("#address-cells", 1).prop_u32("#size-cells", 0).prop_u32("timebase-frequency", 1);
    b.begin("cpu@0").prop_str("device_type", "cpu").prop_u32("reg", 0);
    b.prop_strs("riscv,isa-extensions", {"i", "m", "h", "zicsr", "sstc"}).end().end().end();
    Platform p = must_describe(b.build());
    EXPECT_TRUE(p.has_h);
    EXPECT_TRUE(p.has_sstc);
    EXPECT_STREQ(p.isa, "");
}

TEST(Platform, Bootargs) {
    VirtSpec spec;
    spec.bootargs = std::string(400, 'x');
    Platform p = must_describe(virt_blob(spec));
    EXPECT_EQ(strlen(p.bootargs), sizeof(p.bootargs) - 1);
    spec.bootargs = "";
    EXPECT_STREQ(must_describe(virt_blob(spec)).bootargs, "");
    Builder bad; // bootargs without a terminating NUL
    root_with_memory(bad);
    cpus_node(bad);
    bad.begin("chosen").prop("bootargs", {'a', 'b'}).end().end();
    EXPECT_EQ(describe(bad.build()).error(), PlatformError::bad_bootargs);
}

TEST(Platform, Initrd) {
    VirtSpec small;
    small.initrd_32bit = true;
    Platform p = must_describe(virt_blob(small));
    ASSERT_TRUE(p.has_initrd);
    EXPECT_EQ(p.initrd.base.raw(), 0x88200000u);
    EXPECT_EQ(p.initrd.end().raw(), 0x88400000u);
    VirtSpec none;
    none.initrd = false;
    EXPECT_FALSE(must_describe(virt_blob(none)).has_initrd);
    VirtSpec empty;
    empty.initrd_end = empty.initrd_start;
    EXPECT_FALSE(must_describe(virt_blob(empty)).has_initrd);
    VirtSpec whole; // exactly all of memory
    whole.initrd_start = 0x80000000;
    whole.initrd_end = 0x90000000;
    EXPECT_TRUE(must_describe(virt_blob(whole)).has_initrd);

    VirtSpec reversed;
    reversed.initrd_start = 0x88400000;
    reversed.initrd_end = 0x88200000;
    EXPECT_EQ(error_of(reversed), PlatformError::bad_initrd);
    VirtSpec outside;
    outside.initrd_start = 0x70000000;
    outside.initrd_end = 0x70001000;
    EXPECT_EQ(error_of(outside), PlatformError::bad_initrd);
    VirtSpec straddles;
    straddles.initrd_start = 0x8ffff000;
    straddles.initrd_end = 0x90001000;
    EXPECT_EQ(error_of(straddles), PlatformError::bad_initrd);
    VirtSpec gap; // across two memory ranges is not inside one
    gap.memory = {{0x80000000, 0x10000000}, {0x90000000, 0x10000000}};
    gap.initrd_start = 0x8ffff000;
    gap.initrd_end = 0x90001000;
    EXPECT_EQ(error_of(gap), PlatformError::bad_initrd);
}

TEST(Platform, InitrdHalfGiven) {
    Builder b;
    root_with_memory(b);
    cpus_node(b);
    b.begin("chosen").prop_u64("linux,initrd-start", 0x80000000).end().end();
    EXPECT_EQ(describe(b.build()).error(), PlatformError::bad_initrd);
    Builder odd;
    root_with_memory(odd);
    cpus_node(odd);
    odd.begin("chosen").prop_cells("linux,initrd-start", {0, 0, 0x80000000}).prop_u32("linux,initrd-end", 0x80000100);
    odd.end().end();
    EXPECT_EQ(describe(odd.build()).error(), PlatformError::bad_initrd);
}

TEST(Platform, PlicErrors) {
    VirtSpec spec;
    Builder b; // a PLIC with contexts for hart 1 only, booting on hart 0
    root_with_memory(b);
    virt_cpus(b, spec);
    b.begin("plic@c000000").prop_strs("compatible", {"riscv,plic0"}).reg64(0xc000000, 0x1000);
    b.prop_u32("riscv,ndev", 31).prop_cells("interrupts-extended", {intc_phandle(1), 11, intc_phandle(1), 9}).end().end();
    Blob blob = b.build();
    EXPECT_EQ(describe(blob, 0).error(), PlatformError::bad_plic);
    Platform p = must_describe(blob, 1);
    EXPECT_EQ(p.plic_ndev, 31u);
    EXPECT_EQ(p.plic_context, 1u);

    Builder no_ndev;
    root_with_memory(no_ndev);
    virt_cpus(no_ndev, spec);
    no_ndev.begin("plic").prop_str("compatible", "riscv,plic0").reg64(0xc000000, 0x1000);
    no_ndev.prop_cells("interrupts-extended", {intc_phandle(0), 9}).end().end();
    EXPECT_EQ(describe(no_ndev.build()).error(), PlatformError::bad_plic);
}

TEST(Platform, VirtioSlots) {
    VirtSpec none;
    none.virtio = 0;
    EXPECT_EQ(must_describe(virt_blob(none)).virtio_count, 0u);
    VirtSpec full;
    full.virtio = Platform::max_virtio;
    EXPECT_EQ(must_describe(virt_blob(full)).virtio_count, Platform::max_virtio);
    VirtSpec many;
    many.virtio = Platform::max_virtio + 1;
    EXPECT_EQ(error_of(many), PlatformError::too_many_virtio);
}

TEST(Platform, DevicesDisabledOrBehindTranslatingBusesAreSkipped) {
    VirtSpec spec;
    spec.extra_root = [](Builder& b) {
        b.begin("virtio_mmio@20000000").prop_str("compatible", "virtio,mmio").reg64(0x20000000, 0x1000);
        b.prop_str("status", "disabled").end();
        b.begin("isa").prop_u32("#address-cells", 1).prop_u32("#size-cells", 1).prop_cells("ranges", {0, 0, 0x3000000, 0x1000});
        b.begin("virtio_mmio@0").prop_str("compatible", "virtio,mmio").prop_cells("reg", {0, 0x1000}).end();
        b.begin("serial@0").prop_str("compatible", "ns16550a").prop_cells("reg", {0, 0x100}).end().end();
        b.begin("serial@30000000").prop_str("compatible", "ns16550a").reg64(0x30000000, 0x100).end();
    };
    Platform p = must_describe(virt_blob(spec));
    EXPECT_EQ(p.virtio_count, 8u);
    EXPECT_EQ(p.uart.mmio.base.raw(), 0x10000000u); // the first usable one, in document order
}

TEST(Platform, UartWithoutInterruptsAndBadReg) {
    Builder b;
    root_with_memory(b);
    cpus_node(b);
    b.begin("uart").prop_str("compatible", "ns16550a").reg64(0x10000000, 0x100).end().end();
    Platform p = must_describe(b.build());
    EXPECT_TRUE(p.has_uart);
    EXPECT_EQ(p.uart.irq, 0u);
    Builder bad;
    root_with_memory(bad);
    cpus_node(bad);
    bad.begin("uart").prop_str("compatible", "ns16550a").reg64(0xfffffffffffff000, 0x2000).end().end();
    EXPECT_EQ(describe(bad.build()).error(), PlatformError::bad_reg);
}

TEST(Platform, ReservedRanges) {
    Builder b;
    b.reserve(0x80000000, 0x1000).reserve(0x80001000, 0); // a zero-size entry reserves nothing
    root_with_memory(b);
    cpus_node(b);
    b.begin("reserved-memory").prop_u32("#address-cells", 1).prop_u32("#size-cells", 1).prop_empty("ranges");
    b.begin("a@80002000").prop_cells("reg", {0x80002000, 0x1000, 0x80004000, 0x2000}).end();
    b.begin("b@80008000").prop_cells("reg", {0x80008000, 0x1000}).prop_str("status", "disabled").end();
    b.begin("pool").prop_u32("size", 0x1000).end().end().end(); // dynamic: nothing to keep away from
    Platform p = must_describe(b.build());
    ASSERT_EQ(p.reserved_count, 3u);
    EXPECT_EQ(p.reserved[0].base.raw(), 0x80000000u);
    EXPECT_EQ(p.reserved[1].base.raw(), 0x80002000u);
    EXPECT_EQ(p.reserved[2].base.raw(), 0x80004000u);
    EXPECT_EQ(p.reserved[2].size, 0x2000u);

    Builder many;
    for (uint32_t i = 0; i <= Platform::max_reserved; ++i) many.reserve(0x80000000 + i * 0x100, 0x100);
    root_with_memory(many);
    cpus_node(many);
    many.end();
    EXPECT_EQ(describe(many.build()).error(), PlatformError::too_many_reserved_ranges);

    Builder wraps;
    wraps.reserve(0xfffffffffffff000, 0x2000);
    root_with_memory(wraps);
    cpus_node(wraps);
    wraps.end();
    EXPECT_EQ(describe(wraps.build()).error(), PlatformError::bad_reg);
}

TEST(Platform, BadFdtCarriesTheParserError) {
    Blob blob = virt_blob();
    put_be32(blob, f_magic, 0);
    auto p = describe(blob);
    ASSERT_FALSE(p.ok());
    EXPECT_TRUE(kernel::is_bad_fdt(p.error()));
    EXPECT_EQ(kernel::fdt_error(p.error()), isok::fdt::Error::bad_magic);
    EXPECT_STREQ(kernel::describe(p.error()), isok::fdt::describe(isok::fdt::Error::bad_magic));
    EXPECT_FALSE(kernel::is_bad_fdt(PlatformError::no_memory));
    for (int e = int(PlatformError::no_memory); e <= int(PlatformError::bad_bootargs); ++e)
        EXPECT_STRNE(kernel::describe(PlatformError(e)), "unknown platform error") << e;
}

TEST(PlatformHostile, EveryTruncationIsRefused) {
    Blob blob = virt_blob();
    for (size_t len = 0; len < blob.size(); ++len) {
        std::unique_ptr<uint8_t[]> copy(new uint8_t[len]);
        if (len) memcpy(copy.get(), blob.data(), len);
        auto p = describe_platform(isok::Bytes(copy.get(), len), 0);
        ASSERT_FALSE(p.ok()) << len;
        ASSERT_TRUE(kernel::is_bad_fdt(p.error())) << len;
    }
}

// Whatever the damage, the result is an error or a description that keeps its invariants.
TEST(PlatformHostile, RandomByteDamage) {
    const Blob blob = virt_blob();
    uint64_t seed = 42;
    auto next = [&] { return seed = seed * 6364136223846793005u + 1442695040888963407u, uint32_t(seed >> 33); };
    int described = 0;
    for (int round = 0; round < 4000; ++round) {
        std::unique_ptr<uint8_t[]> b(new uint8_t[blob.size()]);
        memcpy(b.get(), blob.data(), blob.size());
        for (uint32_t flips = 1 + next() % 3; flips; --flips) b[next() % blob.size()] ^= uint8_t(1 + next() % 255);
        auto p = describe_platform(isok::Bytes(b.get(), blob.size()), next() % 3);
        if (!p) continue;
        ++described;
        ASSERT_GE(p->memory_count, 1u);
        ASSERT_LE(p->memory_count, Platform::max_memory);
        for (size_t i = 1; i < p->memory_count; ++i) ASSERT_LE(p->memory[i - 1].end().raw(), p->memory[i].base.raw());
        ASSERT_LE(p->virtio_count, Platform::max_virtio);
        ASSERT_LE(p->reserved_count, Platform::max_reserved);
        ASSERT_GE(p->hart_count, 1u);
        ASSERT_NE(p->timebase_hz, 0u);
        ASSERT_LT(strlen(p->isa), sizeof(p->isa));
        ASSERT_LT(strlen(p->bootargs), sizeof(p->bootargs));
    }
    EXPECT_GT(described, 100);
}

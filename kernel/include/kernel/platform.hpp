// What the kernel knows about the machine: memory, harts, timer and devices, as read
// once at boot from the device tree the firmware passed (and trusted no further).
#pragma once
#include <isok/addr.hpp>
#include <isok/bytes.hpp>
#include <isok/fdt.hpp>
#include <isok/result.hpp>
#include <isok/types.hpp>

namespace kernel {

using isok::PhysAddr;
using isok::PhysRange;
using isok::u16;
using isok::u32;
using isok::u64;
using isok::usize;

struct PlatformDevice {
    PhysRange mmio;
    u32 irq = 0; // first cell of "interrupts"; 0 when the device has none
};

struct Platform {
    static constexpr usize max_memory = 8, max_reserved = 16, max_harts = 16, max_virtio = 16;

    PhysRange memory[max_memory]; // /memory nodes' reg, sorted by base, disjoint
    usize memory_count = 0;
    PhysRange reserved[max_reserved]; // /memreserve/ entries, then /reserved-memory children's reg
    usize reserved_count = 0;
    u32 hart_ids[max_harts] = {}; // enabled /cpus/cpu@N, in tree order
    usize hart_count = 0;
    u64 timebase_hz = 0;

    char isa[128] = {}; // boot hart's riscv,isa (truncated copy)
    bool has_h = false, has_sstc = false;

    bool has_uart = false;
    PlatformDevice uart; // first enabled ns16550a

    bool has_plic = false;
    PhysRange plic;
    u32 plic_ndev = 0;
    u32 plic_context = 0; // the boot hart's S-mode external interrupt context
    // Each hart's (hart_ids[i]'s) S-mode context; no_plic_context for a hart the PLIC
    // does not wire, whose lines then go to the boot hart.
    static constexpr u32 no_plic_context = ~u32{0};
    u32 plic_contexts[max_harts] = {};

    // A board's test/power controller ("sifive,test0"): the one way to end a run with a
    // failure status that a test harness can see (SBI system reset reports none).
    bool has_test_finisher = false;
    PhysRange test_finisher;

    PlatformDevice virtio[max_virtio]; // virtio,mmio slots, sorted by base
    usize virtio_count = 0;

    bool has_initrd = false;
    PhysRange initrd;
    char bootargs[256] = {};

    u64 total_memory() const;
    u32 plic_context_of(u32 hart_id) const; // no_plic_context for a hart without one
};

// Values from fdt_first on carry the isok::fdt::Error that made the blob unreadable.
enum class PlatformError : u16 {
    no_memory = 1,            // no enabled /memory node with a reg entry
    empty_memory_range,       // a memory reg entry of size 0
    memory_overlap,           // two memory ranges share bytes
    too_many_memory_ranges,   // more than Platform::max_memory
    too_many_reserved_ranges, // more than Platform::max_reserved
    bad_reg_cells,            // parent's #address-cells / #size-cells unusable (> 2, or no address)
    bad_reg,                  // reg not whole entries, missing, or base + size overflows
    no_cpus,                  // no /cpus, or no enabled cpu in it
    too_many_harts,           // more than Platform::max_harts enabled cpus
    duplicate_hart,           // two cpu nodes with the same hart id
    boot_hart_not_found,      // the hart the firmware named is not an enabled cpu
    no_timebase,              // no usable timebase-frequency on /cpus or the boot cpu
    bad_plic,                 // PLIC without riscv,ndev or without a context for the boot hart
    too_many_virtio,          // more than Platform::max_virtio virtio,mmio devices
    bad_initrd,               // half given, end < start, or not inside one memory range
    bad_bootargs,             // /chosen bootargs is not a string
    fdt_first = 0x100,
};

constexpr PlatformError bad_fdt(isok::fdt::Error e) {
    return PlatformError(u16(PlatformError::fdt_first) + u16(e));
}
constexpr bool is_bad_fdt(PlatformError e) { return u16(e) > u16(PlatformError::fdt_first); }
constexpr isok::fdt::Error fdt_error(PlatformError e) {
    return isok::fdt::Error(u16(e) - u16(PlatformError::fdt_first));
}

const char* describe(PlatformError e);

// Build the platform description from an untrusted DTB. boot_hart: the hart id the firmware passed.
isok::Result<Platform, PlatformError> describe_platform(isok::Bytes dtb, u32 boot_hart);

} // namespace kernel

// What a test guest learns from the device tree it is handed (through lib/fdt, which
// validates the whole blob first) and from the command line in /chosen/bootargs.
#pragma once
#include <isok/types.hpp>

namespace isok::guest {

struct Region {
    u64 base = 0;
    u64 size = 0;
    u64 end() const { return base + size; }
};

// A node with "compatible" and "reg" that is neither memory nor a cpu: its first reg
// entry and the first (most specific) string of its compatible list.
struct Device {
    Region reg;
    char compatible[32] = {};
};

struct Machine {
    static constexpr u32 max_devices = 32;
    static constexpr u32 max_cpus = 16;

    u64 hart = 0;
    Region ram; // the first memory region
    u32 cpus = 0;
    // The hart ids (reg) of the first max_cpus enabled cpu nodes, in tree order.
    u64 hart_ids[max_cpus] = {};
    u64 timebase_hz = 0;
    char bootargs[256] = {};
    Device devices[max_devices];
    u32 device_count = 0;

    // The first device whose most specific compatible string is name, or nullptr.
    const Device* find(const char* name) const;
    // Whether some device's reg covers address.
    bool lists(u64 address) const;
};

// Fills machine from the blob at dtb (MMU off); nullptr, or why the tree is unusable.
const char* read_device_tree(u64 hart, u64 dtb, Machine& machine);

// The value of "key=value" among the space-separated words of bootargs, copied to out
// (NUL-terminated, cut to size); false when no word has that key.
bool arg(const char* bootargs, const char* key, char* out, usize size);
// The same value read as a decimal or 0x-prefixed hexadecimal number; false when the
// key is absent or the value is not a number that fits 64 bits.
bool arg_number(const char* bootargs, const char* key, u64& out);

} // namespace isok::guest

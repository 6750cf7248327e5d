// Test-only device tree writer: builds valid blobs for the parser and the platform code,
// and exposes the layout so that tests can corrupt exactly one field.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace fdt_test {

using Blob = std::vector<uint8_t>;

inline void put_be32(Blob& b, size_t off, uint32_t v) {
    for (int i = 0; i < 4; ++i) b.at(off + i) = uint8_t(v >> (24 - 8 * i));
}
inline uint32_t get_be32(const Blob& b, size_t off) {
    return uint32_t(b.at(off)) << 24 | uint32_t(b.at(off + 1)) << 16 | uint32_t(b.at(off + 2)) << 8 | b.at(off + 3);
}
inline void append_be32(Blob& b, uint32_t v) {
    b.resize(b.size() + 4);
    put_be32(b, b.size() - 4, v);
}
inline void append_be64(Blob& b, uint64_t v) {
    append_be32(b, uint32_t(v >> 32));
    append_be32(b, uint32_t(v));
}

// Header field offsets (devicetree specification, "Header").
enum Field : size_t {
    f_magic = 0, f_totalsize = 4, f_off_struct = 8, f_off_strings = 12, f_off_rsvmap = 16,
    f_version = 20, f_last_comp = 24, f_boot_cpuid = 28, f_size_strings = 32, f_size_struct = 36,
};

constexpr uint32_t tok_begin = 1, tok_end_node = 2, tok_prop = 3, tok_nop = 4, tok_end = 9;

class Builder {
public:
    uint32_t boot_cpuid = 0;

    Builder& begin(const std::string& name) {
        append_be32(structure_, tok_begin);
        raw(name.data(), name.size() + 1);
        return pad();
    }
    Builder& end() { return token(tok_end_node); }
    Builder& nop() { return token(tok_nop); }
    Builder& token(uint32_t t) {
        append_be32(structure_, t);
        return *this;
    }
    // Bytes copied into the structure block as they are (for malformed blobs).
    Builder& raw(const void* data, size_t n) {
        auto p = static_cast<const uint8_t*>(data);
        structure_.insert(structure_.end(), p, p + n);
        return *this;
    }
    Builder& prop(const std::string& name, const Blob& value) {
        append_be32(structure_, tok_prop);
        append_be32(structure_, uint32_t(value.size()));
        append_be32(structure_, string_offset(name));
        structure_.insert(structure_.end(), value.begin(), value.end());
        return pad();
    }
    Builder& prop_empty(const std::string& name) { return prop(name, {}); }
    Builder& prop_cells(const std::string& name, std::initializer_list<uint32_t> cells) {
        return prop(name, cells_blob(cells));
    }
    Builder& prop_cells(const std::string& name, const std::vector<uint32_t>& cells) {
        return prop(name, cells_blob(cells));
    }
    Builder& prop_u32(const std::string& name, uint32_t v) { return prop_cells(name, {v}); }
    Builder& prop_u64(const std::string& name, uint64_t v) { return prop_cells(name, {uint32_t(v >> 32), uint32_t(v)}); }
    // reg of one (2, 2)-cell entry.
    Builder& reg64(uint64_t address, uint64_t size) {
        return prop_cells("reg", {uint32_t(address >> 32), uint32_t(address), uint32_t(size >> 32), uint32_t(size)});
    }
    Builder& prop_str(const std::string& name, const std::string& s) { return prop_strs(name, {s}); }
    Builder& prop_strs(const std::string& name, std::initializer_list<std::string> list) {
        Blob v;
        for (const auto& s : list) v.insert(v.end(), s.c_str(), s.c_str() + s.size() + 1);
        return prop(name, v);
    }
    Builder& reserve(uint64_t address, uint64_t size) {
        reservations_.emplace_back(address, size);
        return *this;
    }

    size_t reservations_offset() const { return 40; }
    size_t struct_offset() const { return 40 + 16 * (reservations_.size() + 1); }
    size_t strings_offset() const { return struct_offset() + structure_.size() + (with_end_ ? 4 : 0); }
    size_t struct_size() const { return structure_.size() + (with_end_ ? 4 : 0); }

    // Header, reservation block (terminated), structure block (+ END), strings block.
    Blob build(bool with_end = true) {
        with_end_ = with_end;
        Blob b(40, 0);
        for (auto [address, size] : reservations_) {
            append_be64(b, address);
            append_be64(b, size);
        }
        append_be64(b, 0);
        append_be64(b, 0);
        b.insert(b.end(), structure_.begin(), structure_.end());
        if (with_end) append_be32(b, tok_end);
        b.insert(b.end(), strings_.begin(), strings_.end());
        uint32_t header[] = {0xd00dfeed, uint32_t(b.size()), uint32_t(struct_offset()), uint32_t(strings_offset()),
                             40, 17, 16, boot_cpuid, uint32_t(strings_.size()), uint32_t(struct_size())};
        for (size_t i = 0; i < 10; ++i) put_be32(b, 4 * i, header[i]);
        return b;
    }

private:
    template <class C> static Blob cells_blob(const C& cells) {
        Blob v;
        for (uint32_t c : cells) append_be32(v, c);
        return v;
    }
    Builder& pad() {
        while (structure_.size() % 4) structure_.push_back(0);
        return *this;
    }
    uint32_t string_offset(const std::string& name) {
        for (size_t off = 0; off < strings_.size(); off += std::string(reinterpret_cast<char*>(&strings_[off])).size() + 1)
            if (name == reinterpret_cast<char*>(&strings_[off])) return uint32_t(off);
        uint32_t off = uint32_t(strings_.size());
        strings_.insert(strings_.end(), name.c_str(), name.c_str() + name.size() + 1);
        return off;
    }

    Blob structure_, strings_;
    std::vector<std::pair<uint64_t, uint64_t>> reservations_;
    bool with_end_ = true;
};

// Knobs for a tree shaped like the one QEMU's virt machine hands OpenSBI and the kernel.
struct VirtSpec {
    std::vector<std::pair<uint64_t, uint64_t>> memory = {{0x80000000, 0x10000000}};
    int harts = 2;
    std::string isa = "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc";
    uint64_t timebase = 10000000;
    size_t virtio = 8;
    bool mask_machine_contexts = false; // as OpenSBI leaves the PLIC's interrupts-extended
    bool initrd = true;
    bool initrd_32bit = false;
    uint64_t initrd_start = 0x88200000, initrd_end = 0x88400000;
    std::string bootargs = "console=ttyS0 root=/dev/vda";
    void (*extra_root)(Builder&) = nullptr; // more nodes under /
    void (*extra_soc)(Builder&) = nullptr;  // more nodes under /soc
};

// Phandles of hart N's interrupt controller (2N + 2) and of the PLIC (64).
constexpr uint32_t intc_phandle(int hart) { return uint32_t(2 * hart + 2); }
constexpr uint32_t plic_phandle = 64;

inline void virt_cpus(Builder& b, const VirtSpec& spec) {
    b.begin("cpus").prop_u32("#address-cells", 1).prop_u32("#size-cells", 0);
    if (spec.timebase) b.prop_u32("timebase-frequency", uint32_t(spec.timebase));
    for (int h = 0; h < spec.harts; ++h) {
        b.begin("cpu@" + std::to_string(h)).prop_u32("phandle", uint32_t(100 + h)).prop_str("device_type", "cpu");
        b.prop_u32("reg", uint32_t(h)).prop_str("status", "okay").prop_str("compatible", "riscv");
        b.prop_str("riscv,isa", spec.isa).prop_str("mmu-type", "riscv,sv48");
        b.begin("interrupt-controller").prop_u32("#interrupt-cells", 1).prop_empty("interrupt-controller");
        b.prop_str("compatible", "riscv,cpu-intc").prop_u32("phandle", intc_phandle(h)).end();
        b.end();
    }
    b.end();
}

inline void virt_soc(Builder& b, const VirtSpec& spec) {
    b.begin("soc").prop_u32("#address-cells", 2).prop_u32("#size-cells", 2);
    b.prop_str("compatible", "simple-bus").prop_empty("ranges");
    b.begin("serial@10000000").prop_u32("interrupts", 10).prop_u32("interrupt-parent", plic_phandle);
    b.reg64(0x10000000, 0x100).prop_str("compatible", "ns16550a").end();
    // Descending, as QEMU writes them, so that the platform's sorting is visible.
    for (size_t i = spec.virtio; i > 0; --i) {
        uint64_t base = 0x10000000 + 0x1000 * i;
        char name[32];
        snprintf(name, sizeof(name), "virtio_mmio@%llx", static_cast<unsigned long long>(base));
        b.begin(name).prop_u32("interrupts", uint32_t(i)).prop_u32("interrupt-parent", plic_phandle);
        b.reg64(base, 0x1000).prop_str("compatible", "virtio,mmio").end();
    }
    b.begin("plic@c000000").prop_u32("phandle", plic_phandle).prop_u32("riscv,ndev", 0x60).reg64(0xc000000, 0x600000);
    std::vector<uint32_t> contexts;
    for (int h = 0; h < spec.harts; ++h)
        contexts.insert(contexts.end(), {intc_phandle(h), spec.mask_machine_contexts ? ~0u : 11, intc_phandle(h), 9});
    b.prop_cells("interrupts-extended", contexts).prop_empty("interrupt-controller");
    b.prop_strs("compatible", {"sifive,plic-1.0.0", "riscv,plic0"}).prop_u32("#address-cells", 0).end();
    if (spec.extra_soc) spec.extra_soc(b);
    b.end();
}

inline Blob virt_blob(const VirtSpec& spec = {}) {
    Builder b;
    b.reserve(0x80000000, 0x40000);
    b.begin("").prop_u32("#address-cells", 2).prop_u32("#size-cells", 2);
    b.prop_str("compatible", "riscv-virtio").prop_str("model", "riscv-virtio,qemu");
    b.begin("chosen");
    if (!spec.bootargs.empty()) b.prop_str("bootargs", spec.bootargs);
    if (spec.initrd && spec.initrd_32bit) {
        b.prop_u32("linux,initrd-start", uint32_t(spec.initrd_start)).prop_u32("linux,initrd-end", uint32_t(spec.initrd_end));
    } else if (spec.initrd) {
        b.prop_u64("linux,initrd-start", spec.initrd_start).prop_u64("linux,initrd-end", spec.initrd_end);
    }
    b.prop_str("stdout-path", "/soc/serial@10000000").end();
    for (auto [base, size] : spec.memory) {
        char name[32];
        snprintf(name, sizeof(name), "memory@%llx", static_cast<unsigned long long>(base));
        b.begin(name).prop_str("device_type", "memory").reg64(base, size).end();
    }
    b.begin("reserved-memory").prop_u32("#address-cells", 2).prop_u32("#size-cells", 2).prop_empty("ranges");
    b.begin("mmode_resv0@80040000").reg64(0x80040000, 0x20000).prop_empty("no-map").end().end();
    virt_cpus(b, spec);
    virt_soc(b, spec);
    if (spec.extra_root) spec.extra_root(b);
    b.end();
    return b.build();
}

} // namespace fdt_test

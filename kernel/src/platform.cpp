// Builds the kernel's Platform from the firmware's device tree, refusing anything it
// cannot describe exactly: the kernel sizes memory and maps devices from this alone.
#include <isok/string.hpp>
#include <kernel/platform.hpp>

namespace kernel {

namespace {

using isok::fail;
using isok::Result;
using isok::fdt::Node;
using isok::fdt::Tree;
using FdtError = isok::fdt::Error;
using Status = isok::Status<PlatformError>;

constexpr u32 irq_supervisor_external = 9; // the hart-local interrupt a PLIC S-mode context raises

PlatformError reg_error(FdtError e) {
    return e == FdtError::bad_cells ? PlatformError::bad_reg_cells : PlatformError::bad_reg;
}

// A range whose end would wrap past 2^64 describes no memory at all.
Result<PhysRange, PlatformError> to_range(u64 address, u64 size) {
    u64 end;
    if (isok::add_overflows(address, size, end)) return fail(PlatformError::bad_reg);
    return PhysRange{PhysAddr(address), size};
}

Result<PhysRange, PlatformError> reg_range(const Node& n, usize index) {
    auto r = n.reg(index);
    if (!r) return fail(reg_error(r.error()));
    return to_range(r->address, r->size);
}

// Calls f(range) for every entry of n's reg; none when n has no reg.
template <class F> Status for_each_reg(const Node& n, F f) {
    for (usize i = 0;; ++i) {
        auto r = n.reg(i);
        if (!r) return r.error() == FdtError::not_found ? Status() : fail(reg_error(r.error()));
        auto range = to_range(r->address, r->size);
        if (!range) return fail(range.error());
        if (Status s = f(*range); !s) return s;
    }
}

// Keeps items[0..count) sorted by base; the caller has checked the capacity.
template <class T, class Key> void insert_sorted(T* items, usize& count, const T& item, Key base) {
    usize i = count++;
    for (; i > 0 && base(item) < base(items[i - 1]); --i) items[i] = items[i - 1];
    items[i] = item;
}

bool has_string_property(const Node& n, const char* name, const char* value) {
    auto p = n.property(name);
    if (!p) return false;
    auto s = p->string();
    return s && isok::str_equal(*s, value);
}

// ---- memory ----

Status read_memory(const Tree& tree, Platform& p) {
    Status status;
    tree.root().for_each_child([&](const Node& n) {
        if (!has_string_property(n, "device_type", "memory") || !n.is_enabled()) return true;
        status = for_each_reg(n, [&](const PhysRange& r) -> Status {
            if (r.empty()) return fail(PlatformError::empty_memory_range);
            if (p.memory_count == Platform::max_memory) return fail(PlatformError::too_many_memory_ranges);
            insert_sorted(p.memory, p.memory_count, r, [](const PhysRange& x) { return x.base.raw(); });
            return {};
        });
        return status.ok();
    });
    if (!status) return status;
    if (p.memory_count == 0) return fail(PlatformError::no_memory);
    for (usize i = 1; i < p.memory_count; ++i)
        if (p.memory[i - 1].overlaps(p.memory[i])) return fail(PlatformError::memory_overlap);
    return {};
}

Status add_reserved(Platform& p, const PhysRange& r) {
    if (r.empty()) return {}; // reserves nothing
    if (p.reserved_count == Platform::max_reserved) return fail(PlatformError::too_many_reserved_ranges);
    p.reserved[p.reserved_count++] = r;
    return {};
}

Status read_reserved(const Tree& tree, Platform& p) {
    Status status;
    tree.for_each_reservation([&](const isok::fdt::Reservation& r) {
        auto range = to_range(r.address, r.size);
        status = range ? add_reserved(p, *range) : fail(range.error());
        return status.ok();
    });
    auto region = tree.find("/reserved-memory");
    if (!status || !region) return status;
    region->for_each_child([&](const Node& n) {
        if (n.is_enabled()) status = for_each_reg(n, [&](const PhysRange& r) { return add_reserved(p, r); });
        return status.ok();
    });
    return status;
}

// ---- harts ----

struct Cpus {
    Node cpus;     // /cpus
    Node boot_cpu; // the boot hart's cpu node, when boot_found
    bool boot_found = false;
};

u32 interrupt_controller_of(const Node& cpu);

Status add_hart(Platform& p, const Node& cpu, u32 boot_hart, Cpus& c) {
    auto r = cpu.reg(0);
    if (!r) return fail(reg_error(r.error()));
    if (r->address > ~u32{0}) return fail(PlatformError::bad_reg);
    u32 id = u32(r->address);
    for (usize i = 0; i < p.hart_count; ++i)
        if (p.hart_ids[i] == id) return fail(PlatformError::duplicate_hart);
    if (p.hart_count == Platform::max_harts) return fail(PlatformError::too_many_harts);
    p.hart_ids[p.hart_count++] = id;
    if (id == boot_hart) {
        c.boot_cpu = cpu;
        c.boot_found = true;
    }
    return {};
}

Result<Cpus, PlatformError> read_harts(const Tree& tree, Platform& p, u32 boot_hart) {
    auto cpus = tree.find("/cpus");
    if (!cpus) return fail(PlatformError::no_cpus);
    Cpus c;
    c.cpus = *cpus;
    Status status;
    cpus->for_each_child([&](const Node& n) {
        if (has_string_property(n, "device_type", "cpu") && n.is_enabled()) status = add_hart(p, n, boot_hart, c);
        return status.ok();
    });
    if (!status) return fail(status.error());
    if (p.hart_count == 0) return fail(PlatformError::no_cpus);
    if (!c.boot_found) return fail(PlatformError::boot_hart_not_found);
    return c;
}

Status read_timebase(const Cpus& c, Platform& p) {
    auto f = c.cpus.property("timebase-frequency");
    if (!f) f = c.boot_cpu.property("timebase-frequency");
    if (!f) return fail(PlatformError::no_timebase);
    auto hz = f->number();
    if (!hz || *hz == 0) return fail(PlatformError::no_timebase);
    p.timebase_hz = *hz;
    return {};
}

// ---- ISA string ----

constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }
constexpr bool starts_multi_letter(char c) { return c == 's' || c == 'x' || c == 'z'; }

// Multi-letter extension [s, s+len) equals name (lower case).
bool extension_is(const char* s, usize len, const char* name) {
    for (usize i = 0; i < len; ++i)
        if (!name[i] || lower(s[i]) != name[i]) return false;
    return name[len] == 0;
}

// "rv64imafdch_zicsr_sstc": single-letter extensions run to the first '_' or the first
// s/x/z extension, the rest are '_'-separated. Version suffixes ("h1p0") hold only digits
// and 'p', so they cannot be mistaken for an 'h'.
void parse_isa(const char* isa, Platform& p) {
    if (!extension_is(isa, 4, "rv64")) return;
    const char* s = isa + 4;
    for (; *s && *s != '_' && !starts_multi_letter(lower(*s)); ++s)
        if (lower(*s) == 'h') p.has_h = true;
    while (*s) {
        while (*s == '_') ++s;
        usize len = 0;
        while (s[len] && s[len] != '_') ++len;
        if (extension_is(s, len, "sstc")) p.has_sstc = true;
        s += len;
    }
}

void read_isa(const Node& boot_cpu, Platform& p) {
    if (auto prop = boot_cpu.property("riscv,isa"); prop && prop->string()) {
        isok::str_copy(p.isa, *prop->string(), sizeof(p.isa));
        parse_isa(*prop->string(), p);
    }
    // The newer binding lists extensions one string each.
    if (auto list = boot_cpu.property("riscv,isa-extensions"); list) {
        p.has_h |= list->has_string("h");
        p.has_sstc |= list->has_string("sstc");
    }
}

// ---- devices ----

struct DeviceScan {
    Platform& p;
    const Cpus& cpus;
    Status status;
};

Result<PlatformDevice, PlatformError> read_device(const Node& n) {
    auto mmio = reg_range(n, 0);
    if (!mmio) return fail(mmio.error());
    PlatformDevice d;
    d.mmio = *mmio;
    if (auto irq = n.property("interrupts"); irq && irq->cell(0)) d.irq = *irq->cell(0);
    return d;
}

// The index of the (phandle, irq) pair routed to a hart's S-mode external interrupt
// (its context), or no_plic_context. Pairs, because the cpu-intc binding fixes
// #interrupt-cells at 1.
u32 context_of(const isok::fdt::Property& contexts, u32 intc) {
    if (intc == 0) return Platform::no_plic_context;
    for (usize i = 0; i < contexts.cell_count() / 2; ++i)
        if (*contexts.cell(2 * i) == intc && *contexts.cell(2 * i + 1) == irq_supervisor_external) return u32(i);
    return Platform::no_plic_context;
}

// The boot hart must have a context; another hart without one leaves its lines to the boot hart.
Status read_plic(DeviceScan& s, const Node& n) {
    auto dev = read_device(n);
    if (!dev) return fail(dev.error());
    auto ndev = n.property("riscv,ndev");
    auto contexts = n.property("interrupts-extended");
    if (!ndev || ndev->size() != 4 || !contexts || contexts->cell_count() % 2) return fail(PlatformError::bad_plic);
    const u32 boot = context_of(*contexts, interrupt_controller_of(s.cpus.boot_cpu));
    if (boot == Platform::no_plic_context) return fail(PlatformError::bad_plic);
    s.p.has_plic = true;
    s.p.plic = dev->mmio;
    s.p.plic_ndev = *ndev->cell(0);
    s.p.plic_context = boot;
    // The cpu nodes again, in the order read_harts listed them in hart_ids.
    usize h = 0;
    s.cpus.cpus.for_each_child([&](const Node& cpu) {
        if (has_string_property(cpu, "device_type", "cpu") && cpu.is_enabled() && h < s.p.hart_count)
            s.p.plic_contexts[h++] = context_of(*contexts, interrupt_controller_of(cpu));
        return true;
    });
    return {};
}

Status read_virtio(DeviceScan& s, const Node& n) {
    auto dev = read_device(n);
    if (!dev) return fail(dev.error());
    if (s.p.virtio_count == Platform::max_virtio) return fail(PlatformError::too_many_virtio);
    insert_sorted(s.p.virtio, s.p.virtio_count, *dev, [](const PlatformDevice& d) { return d.mmio.base.raw(); });
    return {};
}

Status read_device_node(DeviceScan& s, const Node& n) {
    if (!n.is_enabled()) return {};
    if (!s.p.has_uart && n.is_compatible("ns16550a")) {
        auto dev = read_device(n);
        if (!dev) return fail(dev.error());
        s.p.uart = *dev;
        s.p.has_uart = true;
    }
    if (!s.p.has_plic && (n.is_compatible("riscv,plic0") || n.is_compatible("sifive,plic-1.0.0")))
        return read_plic(s, n);
    if (n.is_compatible("virtio,mmio")) return read_virtio(s, n);
    if (!s.p.has_test_finisher && n.is_compatible("sifive,test0")) {
        auto dev = read_device(n);
        if (!dev) return fail(dev.error());
        s.p.test_finisher = dev->mmio;
        s.p.has_test_finisher = true;
    }
    return {};
}

// Depth-first over the buses whose addresses are CPU physical addresses: the root and,
// below it, nodes with an empty "ranges". A device behind a translating bus is skipped,
// since its reg is not a physical address. Recursion is bounded by Tree::max_depth.
void scan_bus(DeviceScan& s, const Node& bus) {
    bus.for_each_child([&](const Node& n) {
        s.status = read_device_node(s, n);
        auto ranges = n.property("ranges");
        if (s.status && ranges && ranges->size() == 0) scan_bus(s, n);
        return s.status.ok();
    });
}

u32 interrupt_controller_of(const Node& cpu) {
    u32 phandle = 0;
    cpu.for_each_child([&](const Node& n) {
        if (n.has_property("interrupt-controller")) phandle = n.phandle();
        return phandle == 0;
    });
    return phandle;
}

// ---- /chosen ----

Status read_initrd(const Node& chosen, Platform& p) {
    auto start = chosen.property("linux,initrd-start");
    auto end = chosen.property("linux,initrd-end");
    if (!start && !end) return {};
    if (!start || !end || !start->number() || !end->number()) return fail(PlatformError::bad_initrd);
    u64 base = *start->number(), limit = *end->number();
    if (limit < base) return fail(PlatformError::bad_initrd);
    if (limit == base) return {}; // an empty initrd is no initrd
    for (usize i = 0; i < p.memory_count; ++i) {
        const PhysRange& m = p.memory[i];
        if (m.base.raw() <= base && limit <= m.end().raw()) {
            p.initrd = PhysRange{PhysAddr(base), limit - base};
            p.has_initrd = true;
            return {};
        }
    }
    return fail(PlatformError::bad_initrd);
}

Status read_chosen(const Tree& tree, Platform& p) {
    auto chosen = tree.find("/chosen");
    if (!chosen) return {};
    if (auto args = chosen->property("bootargs"); args) {
        if (!args->string()) return fail(PlatformError::bad_bootargs);
        isok::str_copy(p.bootargs, *args->string(), sizeof(p.bootargs));
    }
    return read_initrd(*chosen, p);
}

} // namespace

u64 Platform::total_memory() const {
    u64 total = 0;
    for (usize i = 0; i < memory_count; ++i) total += memory[i].size;
    return total;
}

u32 Platform::plic_context_of(u32 hart_id) const {
    for (usize i = 0; i < hart_count; ++i)
        if (hart_ids[i] == hart_id) return has_plic ? plic_contexts[i] : no_plic_context;
    return no_plic_context;
}

Result<Platform, PlatformError> describe_platform(isok::Bytes dtb, u32 boot_hart) {
    auto tree = Tree::open(dtb);
    if (!tree) return fail(bad_fdt(tree.error()));
    Platform p;
    if (Status s = read_memory(*tree, p); !s) return fail(s.error());
    if (Status s = read_reserved(*tree, p); !s) return fail(s.error());
    auto cpus = read_harts(*tree, p, boot_hart);
    if (!cpus) return fail(cpus.error());
    if (Status s = read_timebase(*cpus, p); !s) return fail(s.error());
    read_isa(cpus->boot_cpu, p);
    DeviceScan scan{p, *cpus, {}};
    scan_bus(scan, tree->root());
    if (!scan.status) return fail(scan.status.error());
    if (Status s = read_chosen(*tree, p); !s) return fail(s.error());
    return p;
}

const char* describe(PlatformError e) {
    if (is_bad_fdt(e)) return isok::fdt::describe(fdt_error(e));
    switch (e) {
    case PlatformError::no_memory: return "no memory node";
    case PlatformError::empty_memory_range: return "memory range of size 0";
    case PlatformError::memory_overlap: return "memory ranges overlap";
    case PlatformError::too_many_memory_ranges: return "too many memory ranges";
    case PlatformError::too_many_reserved_ranges: return "too many reserved memory ranges";
    case PlatformError::bad_reg_cells: return "unusable #address-cells or #size-cells for reg";
    case PlatformError::bad_reg: return "malformed or overflowing reg";
    case PlatformError::no_cpus: return "no usable cpu node";
    case PlatformError::too_many_harts: return "too many harts";
    case PlatformError::duplicate_hart: return "two cpu nodes with the same hart id";
    case PlatformError::boot_hart_not_found: return "boot hart not among the cpus";
    case PlatformError::no_timebase: return "no timebase-frequency";
    case PlatformError::bad_plic: return "PLIC without ndev or a context for the boot hart";
    case PlatformError::too_many_virtio: return "too many virtio devices";
    case PlatformError::bad_initrd: return "initrd missing an end, reversed or outside memory";
    case PlatformError::bad_bootargs: return "bootargs is not a string";
    case PlatformError::fdt_first: break;
    }
    return "unknown platform error";
}

} // namespace kernel

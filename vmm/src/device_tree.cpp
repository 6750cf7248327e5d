// The guest's device tree. Bindings: Devicetree Specification v0.4 (memory, cpus,
// chosen), Linux's riscv/cpus.yaml, sifive,plic-1.0.0.yaml, 8250.yaml and virtio/mmio.yaml.
#include <isok/format.hpp>
#include <isok/string.hpp>
#include <isok/vm_config.hpp>
#include <vmm/device_tree.hpp>
#include <vmm/fdt_writer.hpp>
#include <vmm/guest_isa.hpp>
#include <vmm/layout.hpp>

namespace isok::vmm {
namespace {

constexpr u32 plic_phandle = 1;
constexpr u32 intc_phandle(u32 hart) { return 2 + hart; }
constexpr u32 irq_supervisor_external = 9; // the S-level external interrupt of each hart

struct Writer {
    FdtWriter& fdt;
    const GuestDescription& guest;
    char name[48];

    void begin(const char* fmt, u64 address) {
        format_to(name, sizeof name, fmt, address);
        fdt.begin_node(name);
    }
};

void write_chosen(Writer& w) {
    FdtWriter& f = w.fdt;
    f.begin_node("chosen");
    char bootargs[sizeof(vm::Config::bootargs) + 1];
    usize n = str_length_bounded(w.guest.bootargs, min(w.guest.bootargs_max, sizeof(bootargs) - 1));
    __builtin_memcpy(bootargs, w.guest.bootargs, n);
    bootargs[n] = 0;
    if (n) f.property_string("bootargs", bootargs);
    if (w.guest.devices & vm::device::uart) {
        format_to(w.name, sizeof w.name, "/soc/serial@%lx", layout::uart_base);
        f.property_string("stdout-path", w.name);
    }
    if (w.guest.initrd_end > w.guest.initrd_start) {
        f.property_u64("linux,initrd-start", w.guest.initrd_start);
        f.property_u64("linux,initrd-end", w.guest.initrd_end);
    }
    f.end_node();
}

void write_memory(Writer& w) {
    w.begin("memory@%lx", w.guest.ram_base);
    w.fdt.property_string("device_type", "memory");
    w.fdt.property_reg("reg", w.guest.ram_base, w.guest.ram_size);
    w.fdt.end_node();
}

void write_cpu(Writer& w, u32 hart, const char* isa) {
    FdtWriter& f = w.fdt;
    w.begin("cpu@%lx", hart);
    f.property_string("device_type", "cpu");
    f.property_u32("reg", hart);
    f.property_string("status", "okay");
    f.property_string("compatible", "riscv");
    f.property_string("riscv,isa", isa);
    // Every hart that has Sv48 or Sv57 has Sv39 too; the guest may probe for more.
    f.property_string("mmu-type", "riscv,sv39");
    f.begin_node("interrupt-controller");
    f.property_u32("#interrupt-cells", 1);
    f.property_empty("interrupt-controller");
    f.property_string("compatible", "riscv,cpu-intc");
    f.property_u32("phandle", intc_phandle(hart));
    f.end_node();
    f.end_node();
}

void write_cpus(Writer& w, const char* isa) {
    FdtWriter& f = w.fdt;
    f.begin_node("cpus");
    f.property_u32("#address-cells", 1);
    f.property_u32("#size-cells", 0);
    f.property_u32("timebase-frequency", u32(w.guest.timebase_hz));
    for (u32 hart = 0; hart < w.guest.vcpus; ++hart) write_cpu(w, hart, isa);
    f.end_node();
}

void write_plic(Writer& w) {
    FdtWriter& f = w.fdt;
    w.begin("plic@%lx", layout::plic_base);
    static const char compatible[] = "sifive,plic-1.0.0\0riscv,plic0";
    f.property("compatible", compatible, sizeof compatible);
    f.property_reg("reg", layout::plic_base, layout::plic_size);
    f.property_u32("#address-cells", 0);
    f.property_u32("#interrupt-cells", 1);
    f.property_empty("interrupt-controller");
    f.property_u32("riscv,ndev", layout::plic_sources - 1);
    // Context i is hart i's S-level external interrupt: the only context a guest gets.
    u32 cells[2 * vm::max_vcpus];
    for (u32 hart = 0; hart < w.guest.vcpus; ++hart) {
        cells[2 * hart] = intc_phandle(hart);
        cells[2 * hart + 1] = irq_supervisor_external;
    }
    f.property_cells("interrupts-extended", cells, 2 * w.guest.vcpus);
    f.property_u32("phandle", plic_phandle);
    f.end_node();
}

void write_uart(Writer& w) {
    FdtWriter& f = w.fdt;
    w.begin("serial@%lx", layout::uart_base);
    f.property_string("compatible", "ns16550a");
    f.property_reg("reg", layout::uart_base, layout::uart_size);
    f.property_u32("clock-frequency", layout::uart_clock_hz);
    f.property_u32("interrupt-parent", plic_phandle);
    f.property_u32("interrupts", layout::uart_irq);
    f.end_node();
}

void write_virtio(Writer& w, layout::VirtioSlot slot) {
    FdtWriter& f = w.fdt;
    w.begin("virtio_mmio@%lx", layout::virtio_slot_base(slot));
    f.property_string("compatible", "virtio,mmio");
    f.property_reg("reg", layout::virtio_slot_base(slot), layout::virtio_size);
    f.property_u32("interrupt-parent", plic_phandle);
    f.property_u32("interrupts", layout::virtio_slot_irq(slot));
    f.end_node();
}

void write_soc(Writer& w) {
    FdtWriter& f = w.fdt;
    f.begin_node("soc");
    f.property_u32("#address-cells", 2);
    f.property_u32("#size-cells", 2);
    f.property_string("compatible", "simple-bus");
    f.property_empty("ranges");
    write_plic(w);
    if (w.guest.devices & vm::device::uart) write_uart(w);
    if (w.guest.devices & vm::device::virtio_console) write_virtio(w, layout::VirtioSlot::console);
    if (w.guest.devices & vm::device::virtio_net) write_virtio(w, layout::VirtioSlot::net);
    if (w.guest.devices & vm::device::virtio_block) write_virtio(w, layout::VirtioSlot::block);
    f.end_node();
}

} // namespace

const char* describe(DeviceTreeError e) {
    switch (e) {
    case DeviceTreeError::bad_isa: return "host ISA string unusable";
    case DeviceTreeError::bad_vcpus: return "vCPU count outside 1..8";
    case DeviceTreeError::bad_timebase: return "timebase frequency zero or above 2^32";
    case DeviceTreeError::no_space: return "device tree does not fit";
    case DeviceTreeError::writer: return "device tree writer error";
    }
    return "device tree error";
}

Result<usize, DeviceTreeError> write_device_tree(const GuestDescription& guest, u8* buffer, usize capacity) {
    if (guest.vcpus == 0 || guest.vcpus > vm::max_vcpus) return fail(DeviceTreeError::bad_vcpus);
    if (guest.timebase_hz == 0 || guest.timebase_hz > 0xffffffffu) return fail(DeviceTreeError::bad_timebase);
    char isa[sizeof(vm::Config::isa) + 1];
    if (!guest_isa(guest.host_isa, guest.host_isa_max, isa, sizeof isa)) return fail(DeviceTreeError::bad_isa);

    FdtWriter fdt(buffer, capacity);
    Writer w{fdt, guest, {}};
    fdt.begin_node("");
    fdt.property_u32("#address-cells", 2);
    fdt.property_u32("#size-cells", 2);
    fdt.property_string("compatible", "isokernel,vm");
    fdt.property_string("model", "Isokernel virtual machine");
    write_chosen(w);
    write_memory(w);
    write_cpus(w, isa);
    write_soc(w);
    fdt.end_node();
    auto size = fdt.finish();
    if (!size)
        return fail(size.error() == FdtWriteError::no_space ? DeviceTreeError::no_space : DeviceTreeError::writer);
    return *size;
}

} // namespace isok::vmm

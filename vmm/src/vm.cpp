// A VM's devices and harts: construction and boot.
#include <vmm/layout.hpp>
#include <vmm/vm.hpp>

namespace isok::vmm {

Vm::Vm(const VmSetup& s, VcpuControl& vcpus)
    : ram_(s.ram), console_(s.name, s.name_max, s.output, s.output_context), vcpus_(vcpus),
      devices_(s.devices & layout::implemented_devices), plic_(vcpus, s.vcpus),
      uart_(console_, IrqLine(plic_, layout::uart_irq)), virtio_console_(console_),
      virtio_console_mmio_(virtio_console_, ram_,
                           IrqLine(plic_, layout::virtio_slot_irq(layout::VirtioSlot::console))) {
    harts_.count = min(s.vcpus, u32(vm::max_vcpus));
    // The bus is empty and the ranges are disjoint constants: these cannot fail.
    (void)bus_.add(layout::plic_base, layout::plic_size, plic_);
    if (devices_ & vm::device::uart) (void)bus_.add(layout::uart_base, layout::uart_size, uart_);
    if (devices_ & vm::device::virtio_console) {
        u64 base = layout::virtio_slot_base(layout::VirtioSlot::console);
        (void)bus_.add(base, layout::virtio_size, virtio_console_mmio_);
    }
    // Saying so beats a guest that silently lacks a device its manifest gave it.
    if (s.devices & vm::device::virtio_net) console_.message("vmm: virtio-net is not emulated yet; left out");
    if (s.devices & vm::device::virtio_block) console_.message("vmm: virtio-block is not emulated yet; left out");
}

bool Vm::boot(const BootPlan& plan) {
    if (harts_.count == 0) return false;
    harts_.hart[0].state = HartState::started;
    if (vcpus_.start(0, plan.entry, 0, plan.dtb)) return true;
    harts_.hart[0].state = HartState::stopped;
    return false;
}

void Vm::report_device_errors() {
    QueueError e;
    if (virtio_console_mmio_.take_error(e))
        console_.message("vmm: virtio-console: %s; the device waits for a reset", describe(e));
}

} // namespace isok::vmm

// A VM's devices and harts: construction and boot.
#include <vmm/layout.hpp>
#include <vmm/vm.hpp>

namespace isok::vmm {
namespace {

// Stand-ins behind a backed device the VM does not get: the device is then on no bus,
// so these are never asked anything; they only spare the devices a null reference.
class NoPort final : public NetBackend {
public:
    MacAddress mac() const override { return {}; }
    bool transmit(const u8*, u32) override { return false; }
    bool has_receive() override { return false; }
    u32 receive(u8*) override { return 0; }
};

class NoPartition final : public BlockBackend {
public:
    u64 sectors() const override { return 0; }
    const char* name() const override { return ""; }
    u8* buffer() override { return nullptr; }
    u64 buffer_bytes() const override { return 0; }
    block::Status read(u64, u64) override { return block::Status::io_error; }
    block::Status write(u64, u64) override { return block::Status::io_error; }
    block::Status flush() override { return block::Status::io_error; }
};

NoPort no_port;
NoPartition no_partition;

u64 backed(const VmSetup& s) {
    return (s.net ? vm::device::virtio_net : 0) | (s.block ? vm::device::virtio_block : 0);
}

IrqLine virtio_irq(VPlic& plic, layout::VirtioSlot slot) { return IrqLine(plic, layout::virtio_slot_irq(slot)); }

} // namespace

Vm::Vm(const VmSetup& s, VcpuControl& vcpus)
    : ram_(s.ram), console_(s.name, s.name_max, s.output, s.output_context), vcpus_(vcpus),
      devices_(layout::emulated_devices(s.devices, backed(s))), plic_(vcpus, s.vcpus),
      uart_(console_, IrqLine(plic_, layout::uart_irq)), virtio_console_(console_, input_),
      virtio_console_mmio_(virtio_console_, ram_, virtio_irq(plic_, layout::VirtioSlot::console)),
      virtio_net_(s.net ? *s.net : no_port),
      virtio_net_mmio_(virtio_net_, ram_, virtio_irq(plic_, layout::VirtioSlot::net)),
      virtio_block_(s.block ? *s.block : no_partition),
      virtio_block_mmio_(virtio_block_, ram_, virtio_irq(plic_, layout::VirtioSlot::block)) {
    harts_.count = min(s.vcpus, u32(vm::max_vcpus));
    // The bus is empty and the ranges are disjoint constants: these cannot fail.
    (void)bus_.add(layout::plic_base, layout::plic_size, plic_);
    if (devices_ & vm::device::uart) {
        (void)bus_.add(layout::uart_base, layout::uart_size, uart_);
        if (s.console_assist) uart_.attach(*s.console_assist);
        uart_.take_input_from(input_);
    }
    if (devices_ & vm::device::virtio_console) {
        u64 base = layout::virtio_slot_base(layout::VirtioSlot::console);
        (void)bus_.add(base, layout::virtio_size, virtio_console_mmio_);
    }
    // What the kernel keeps of the guest's output comes before anything written here.
    if (s.console_assist) console_.take_kept_from(*s.console_assist);
    add_backed_devices(s);
}

void Vm::add_backed_devices(const VmSetup& s) {
    if (devices_ & vm::device::virtio_net)
        (void)bus_.add(layout::virtio_slot_base(layout::VirtioSlot::net), layout::virtio_size, virtio_net_mmio_);
    if (devices_ & vm::device::virtio_block)
        (void)bus_.add(layout::virtio_slot_base(layout::VirtioSlot::block), layout::virtio_size, virtio_block_mmio_);
    // Saying so beats a guest that silently lacks a device its manifest gave it.
    if ((s.devices & vm::device::virtio_net) && !(devices_ & vm::device::virtio_net))
        console_.message("vmm: virtio-net: %s; left out", s.net_missing ? s.net_missing : "no backend");
    if ((s.devices & vm::device::virtio_block) && !(devices_ & vm::device::virtio_block))
        console_.message("vmm: virtio-block: %s; left out", s.block_missing ? s.block_missing : "no backend");
}

bool Vm::boot(const BootPlan& plan) {
    if (harts_.count == 0) return false;
    harts_.hart[0].state = HartState::started;
    if (vcpus_.start(0, plan.entry, 0, plan.dtb)) return true;
    harts_.hart[0].state = HartState::stopped;
    return false;
}

void Vm::frames_arrived() {
    if (!(devices_ & vm::device::virtio_net)) return;
    virtio_net_.frames_arrived(virtio_net_mmio_);
    report_device_errors();
}

usize Vm::console_input(const u8* bytes, usize n) {
    usize taken = input_.push(bytes, n);
    hand_out_input();
    return taken;
}

// virtio-console first, which leaves the input alone while an interrupt-driven UART
// claims it; then the UART, which fills its FIFO or shows what is left in LSR. Consoles
// the VM does not have take nothing (SBI calls take bytes only when the guest asks).
void Vm::hand_out_input() {
    if (devices_ & vm::device::virtio_console) virtio_console_.input_arrived(virtio_console_mmio_);
    if (devices_ & vm::device::uart) uart_.input_changed();
    (void)input_.changed(); // both have looked at what is there now
    report_device_errors();
}

void Vm::report_device_errors() {
    QueueError e;
    if (virtio_console_mmio_.take_error(e))
        console_.message("vmm: virtio-console: %s; the device waits for a reset", describe(e));
    if (virtio_net_mmio_.take_error(e))
        console_.message("vmm: virtio-net: %s; the device waits for a reset", describe(e));
    if (virtio_block_mmio_.take_error(e))
        console_.message("vmm: virtio-block: %s; the device waits for a reset", describe(e));
}

} // namespace isok::vmm

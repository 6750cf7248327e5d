// Kernel start: from the firmware's hand-off to a running system, one step per function.
#include <arch/cpu.hpp>
#include <arch/interrupt.hpp>
#include <arch/layout.hpp>
#include <arch/kernel_space.hpp>
#include <arch/sbi.hpp>
#include <arch/smp.hpp>
#include <arch/timer.hpp>
#include <arch/vcpu.hpp>
#include <isok/bytes.hpp>
#include <kernel/boot_image.hpp>
#include <kernel/console.hpp>
#include <kernel/memory.hpp>
#include <kernel/panic.hpp>
#include <kernel/hart.hpp>
#include <kernel/kernel_lock.hpp>
#include <kernel/kmem.hpp>
#include <kernel/platform.hpp>
#include <kernel/power.hpp>
#include <kernel/root.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/selftest.hpp>
#include <kernel/timer.hpp>

namespace kernel {
namespace {

constexpr isok::u64 tick_hz = 100;
// A device tree larger than this is not a device tree the kernel will read.
constexpr isok::u64 max_dtb_size = 4 * isok::MiB;

Platform platform;

void require_hypervisor_extension() {
    if (!arch::hart_has_hypervisor())
        refuse_boot("this hart lacks the RISC-V H (hypervisor) extension; Isokernel needs it "
                    "(on QEMU use a CPU with h=true, the default of 'virt' rv64)");
}

// The blob's extent from its header; the parser checks everything inside it.
isok::PhysRange device_tree_extent(isok::PhysAddr dtb) {
    if (!dtb.is_aligned(8) || dtb.raw() >= arch::physmap_boot_size - max_dtb_size)
        refuse_boot("device tree pointer %lx is not in RAM", dtb.raw());
    isok::Bytes header(static_cast<const isok::u8*>(arch::phys_to_virt(dtb)), 8);
    isok::u32 size = 0;
    if (!header.be32(4, size) || size > max_dtb_size) refuse_boot("device tree: bad header");
    return {dtb, size};
}

void discover_platform(isok::u64 hart_id, isok::PhysRange dtb) {
    isok::Bytes blob(static_cast<const isok::u8*>(arch::phys_to_virt(dtb.base)), dtb.size);
    auto described = describe_platform(blob, isok::u32(hart_id));
    if (!described) refuse_boot("device tree: %s", describe(described.error()));
    platform = *described;
    power::init(platform, static_cast<volatile isok::u32*>(arch::phys_to_virt(platform.test_finisher.base)));
    if (platform.has_uart) console::use_uart(static_cast<volatile isok::u8*>(arch::phys_to_virt(platform.uart.mmio.base)),
                                               isok::PhysAddr(isok::align_down(platform.uart.mmio.base.raw(), frame_size)));
}

void print_banner(isok::u64 hart_id) {
    using console::print;
    print("\nIsokernel (riscv64) booting on hart %lu\n", hart_id);
    print("  memory: %lu MiB in %lu range(s)\n", platform.total_memory() / isok::MiB, platform.memory_count);
    for (usize i = 0; i < platform.memory_count; ++i)
        print("    %016lx-%016lx\n", platform.memory[i].base.raw(), platform.memory[i].end().raw());
    print("  harts: %lu\n", platform.hart_count);
    print("  timebase: %lu Hz\n", platform.timebase_hz);
    print("  isa: %s\n", platform.isa);
    print("  relying on: H (hypervisor), %s, Sv39\n", arch::timer::uses_sstc() ? "Sstc (stimecmp)" : "SBI TIME");
    print("  vmid: %u bits%s\n", arch::vmid_bits(), arch::vmid_bits() ? "" : " (G-stage TLB flushed on every VM switch)");
    if (platform.has_uart) print("  uart: ns16550a at %lx irq %u\n", platform.uart.mmio.base.raw(), platform.uart.irq);
    if (platform.has_plic)
        print("  plic: at %lx, %u lines, context %u\n", platform.plic.base.raw(), platform.plic_ndev, platform.plic_context);
    print("  virtio-mmio: %lu slots\n", platform.virtio_count);
    FrameAllocator& frames = memory::frames();
    print("  frames: %lu free of %lu (%lu KiB bookkeeping)\n", frames.free_frames(), frames.total_frames(),
          frames.bookkeeping_bytes() / isok::KiB);
}

void start_interrupts() {
    arch::interrupt::init(platform, static_cast<volatile isok::u8*>(arch::phys_to_virt(platform.plic.base)));
    console::listen(platform);
    if (!timer::start(platform.timebase_hz, tick_hz)) refuse_boot("timebase %lu Hz is too slow", platform.timebase_hz);
}

// The other harts join once the kernel's page table, timer and interrupts are set up.
void start_other_harts() {
    usize running = harts::start_others(platform.hart_ids, platform.hart_count, platform.timebase_hz);
    console::print("  harts running: %lu of %lu\n", running, platform.hart_count);
}

// Hands the machine to the root process; with none, the kernel only ticks and echoes.
[[noreturn]] void run_system() {
    const isok::bootimage::Image* image = boot_image::get();
    if (!image || !root::start(platform, *image))
        console::print("idle: ticking at %lu Hz, echoing console input\n", tick_hz);
    scheduler::exit_to_user();
}

} // namespace
} // namespace kernel

extern "C" void (*__init_array_start[])(), (*__init_array_end[])();

extern "C" [[noreturn]] void kernel_entry(isok::u64 hart_id, isok::u64 dtb_phys) {
    using namespace kernel;
    for (auto* ctor = __init_array_start; ctor != __init_array_end; ++ctor) (*ctor)();
    harts::init_boot_hart(isok::u32(hart_id));
    kernel_lock::acquire(); // the other harts wait here until the system is built
    arch::install_trap_vector();
    isok::PhysRange dtb = device_tree_extent(isok::PhysAddr(dtb_phys));
    discover_platform(hart_id, dtb);
    require_hypervisor_extension();
    arch::timer::init(platform.has_sstc && arch::hart_has_sstc());
    arch::hypervisor_init(arch::timer::uses_sstc());
    memory::init(platform, dtb);
    kmem::init(memory::frames());
    arch::allow_user_counters();
    print_banner(hart_id);
    boot_image::open(platform);
    arch::smp::enable_ipi();
    start_other_harts();
    start_interrupts();
    selftest::run_if_requested(platform);
    run_system();
}

// Every other hart, from secondary_start (boot.S): the hart-local state the boot hart
// set up for itself, then the scheduler, which has nothing for it until threads are
// given this hart.
extern "C" [[noreturn]] void secondary_entry(kernel::Hart* self) {
    using namespace kernel;
    arch::install_trap_vector();
    arch::activate(arch::kernel_page_table());
    arch::hypervisor_init_hart();
    arch::timer::program(~isok::u64{0});
    arch::allow_user_counters();
    arch::smp::enable_ipi();
    __atomic_store_n(&self->online, true, __ATOMIC_SEQ_CST);
    arch::smp::send_ipi(hart(0).hart_id); // the boot hart waits for this one
    kernel_lock::acquire(); // once the boot hart has built the system
    arch::interrupt::init_hart(platform, self->hart_id);
    timer::start_hart();
    scheduler::exit_to_user();
}

// Scenarios that reach guest-physical addresses: stores where there is neither RAM
// nor a device (outside), reads of devices the device tree does not list (device),
// and reads of an emulated register in a tight loop (mmio-storm). Under a hypervisor
// every access below exits to it; only mmio-storm's may be emulated and resumed.
#include "../mini/csr.hpp"
#include "hostile.hpp"

#include <isok/guest/sbi.hpp>
#include <isok/vm_config.hpp>

namespace hostile {
namespace {

using isok::u32;
using isok::guest::arg_number;

constexpr u64 pattern = 0x21656c6974736f68; // "hostile!" in memory order
constexpr u64 default_storm_reads = 200000;
// Where QEMU's virt board and the Isokernel VMM (vmm/include/vmm/layout.hpp) put the
// UART and the eight virtio-mmio slots.
constexpr u64 uart_base = 0x10000000, uart_lsr = 5, uart_scr = 7;
constexpr u64 virtio_base = 0x10001000, virtio_stride = 0x1000, virtio_slots = 8;

struct Target {
    u64 address;
    u32 width; // of a load; stores are 8 bytes
    const char* what;
};

u64 load(u64 address, u32 width) {
    if (width == 1) return *reinterpret_cast<volatile isok::u8*>(address);
    return *reinterpret_cast<volatile isok::u32*>(address);
}

// What the access just made did on this machine; a hypervisor stops the guest before.
void report(const char* access, u64 address, bool is_load, u64 value) {
    Trap t = traps();
    if (t.count) say("the %s at 0x%lx raised %s (stval 0x%lx); going on", access, address, cause_name(t.cause), t.tval);
    else if (is_load) say("the load from 0x%lx read 0x%lx", address, value);
    else say("the store to 0x%lx went through", address);
}

// hostile.addr=<number> on the command line replaces a scenario's list of targets.
bool chosen_target(const Machine& m, Target& t) {
    if (!arg_number(m.bootargs, "hostile.addr", t.address)) return false;
    t.width = t.address % 4 ? 1 : 4;
    t.what = m.lists(t.address) ? "given by hostile.addr, listed in my device tree"
                                : "given by hostile.addr, not in my device tree";
    return true;
}

} // namespace

void outside(const Machine& m) {
    const Target defaults[] = {
        {0x200000000, 8, "8 GiB, far above RAM, no device"},
        {m.ram.base - 64 * isok::KiB, 8, "64 KiB below RAM, no device"},
        {m.ram.base - 4 * isok::KiB, 8, "the last page below RAM"},
        {m.ram.end(), 8, "the first byte past RAM"},
        {m.ram.end() + isok::GiB, 8, "1 GiB past RAM, where another VM's or the host's memory would be"},
        {isok::vm::vmm_guest_ram_address, 8, "where the VMM maps guest RAM in its own address space"},
    };
    Target chosen;
    bool one = chosen_target(m, chosen);
    const Target* list = one ? &chosen : defaults;
    u64 count = one ? 1 : sizeof defaults / sizeof defaults[0];
    for (u64 i = 0; i < count; ++i) {
        u64 a = list[i].address;
        if (a >= m.ram.base && a < m.ram.end()) {
            say("0x%lx is inside my RAM: not storing there", a);
            continue;
        }
        say("storing 0x%016lx to 0x%lx (%s)", pattern, a, list[i].what);
        clear_traps();
        *reinterpret_cast<volatile u64*>(a) = pattern;
        report("store", a, false, 0);
    }
    survived();
}

void device(const Machine& m) {
    Target list[1 + virtio_slots];
    u64 count = 0;
    if (chosen_target(m, list[0])) {
        count = 1;
    } else {
        // Only what the device tree leaves out: a listed device is the guest's to use.
        if (!m.lists(uart_base))
            list[count++] = {uart_base + uart_lsr, 1, "ns16550a line status, not in my device tree"};
        for (u64 i = 0; i < virtio_slots; ++i)
            if (u64 a = virtio_base + i * virtio_stride; !m.lists(a))
                list[count++] = {a, 4, "virtio-mmio magic, not in my device tree"};
    }
    if (count == 0) say("my device tree lists the UART and every virtio-mmio slot: nothing to read");
    for (u64 i = 0; i < count; ++i) {
        say("reading %u byte(s) at 0x%lx (%s)", list[i].width, list[i].address, list[i].what);
        clear_traps();
        u64 value = load(list[i].address, list[i].width);
        report("load", list[i].address, true, value);
    }
    survived();
}

void mmio_storm(const Machine& m) {
    u64 reads = default_storm_reads;
    arg_number(m.bootargs, "hostile.count", reads);
    Target t;
    if (const isok::guest::Device* uart = m.find("ns16550a")) {
        // Not the line status: the kernel may answer that one itself, without the VMM.
        t = {uart->reg.base + uart_scr, 1, "the ns16550a scratch register"};
    } else if (const isok::guest::Device* plic = m.find("sifive,plic-1.0.0")) {
        t = {plic->reg.base + 4, 4, "the PLIC priority of source 1"}; // without a UART, the one device every VM has
    } else {
        say("no ns16550a and no PLIC in my device tree: nothing to storm");
        isok::guest::sbi::shutdown(true);
    }
    say("storm: %lu reads of 0x%lx (%s)", reads, t.address, t.what);
    u64 start = mini::csr::read_instret();
    for (u64 i = 0; i < reads; ++i) (void)load(t.address, t.width);
    u64 spent = mini::csr::read_instret() - start;
    say("storm done: %lu reads in %lu instructions", reads, spent);
    say("storming on forever");
    for (;;) (void)load(t.address, t.width);
}

} // namespace hostile

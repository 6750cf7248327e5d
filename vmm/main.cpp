// vmm: the user-level monitor of one VM. It loads the guest (kernel at RAM + 2 MiB,
// initrd at the end of RAM, device tree below it), starts vCPU 0, then answers the VM's
// exits for as long as the VM runs:
//   receive exit (label exception_label, badge = vCPU index + 1) -> Vm::handle_exit ->
//   reply_receive with (ExceptionReply, pc, value0, value1), or receive without a reply
//   when the vCPU was stopped (HSM hart_stop), or a last reply (kill) when the VM ended.
// The VM's switch port and disk partition (its Links page) back virtio-net and
// virtio-block; the port's notification is bound to this thread, so "frames arrived"
// comes in on the same receive as the exits (label notification_label, badge 0).
// Typed input comes the same way: when the VM is one of the console service's inputs,
// "console.wait" (the port's notification, when there is a port) is bound too, the
// service signals it with console::input_signal, and the VMM calls "console" for the
// bytes, which go to the guest's consoles through Vm::console_input.
// Everything but the system calls is in isok_vmm (vm.hpp) and unit-tested on the host.
#include <isok/console.hpp>
#include <isok/format.hpp>
#include <isok/links.hpp>
#include <isok/string.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/counters.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include "console_service.hpp"

#include <vmm/block_client.hpp>
#include <vmm/layout.hpp>
#include <vmm/switch_port.hpp>
#include <vmm/vm.hpp>
#include <vmm/vm_links.hpp>

using namespace isok;
using rt::Error;

namespace {

// The vCPU threads, reached through their "vcpu<i>" capabilities.
class KernelVcpus final : public vmm::VcpuControl {
public:
    u64 slot[vm::max_vcpus] = {};
    u32 count = 0;

    bool start(u32 v, u64 pc, u64 a0, u64 a1) override {
        if (v >= count) return false;
        // For a vCPU the kernel takes set_registers' 2nd and 3rd arguments as a0 and a1.
        Error e = rt::sys::set_registers(slot[v], pc, a0, a1);
        // Under -icount the count is exact: a guest's boot time is its init's count minus this.
        if (e == Error::ok) rt::print("vmm: vcpu%u starts at pc %lx, instruction %lu\n", v, pc, rt::instret());
        if (e == Error::ok) e = rt::sys::start(slot[v]);
        if (e != Error::ok) rt::print("vmm: starting vcpu%u failed: %s\n", v, rt::error_name(e));
        return e == Error::ok;
    }
    void stop(u32 v) override {
        if (v < count) (void)rt::sys::stop(slot[v]);
    }
    void raise(u32 v, u64 bits) override {
        if (v < count) (void)rt::sys::thread_control(slot[v], abi::ThreadOp::raise_interrupts, bits);
    }
    void fence(u32 v) override {
        if (v < count) (void)rt::sys::thread_control(slot[v], abi::ThreadOp::fence_guest);
    }
    void lower(u32 v, u64 bits) override {
        if (v < count) (void)rt::sys::thread_control(slot[v], abi::ThreadOp::lower_interrupts, bits);
    }
    u64 now() override { return rt::time(); }
};

void console_output(void*, const char* text, usize length) { (void)rt::sys::debug_write(text, length); }

const vm::Config& config() { return *reinterpret_cast<const vm::Config*>(vm::vm_config_address); }

u64 required_cap(const char* name) {
    u64 slot = rt::cap_slot(name);
    if (slot == ~u64{0}) rt::fatal("vmm: no capability \"%s\"\n", name);
    return slot;
}

// The VM's console output, kept by the kernel while the VMM's model allows it: UART
// writes and status reads as VUart says, the legacy SBI putchar always (it only prints).
class KernelConsole final : public vmm::ConsoleAssist {
public:
    explicit KernelConsole(u64 vm) : vm_(vm) {}
    Error place(u64 uart_address) { return rt::sys::guest_console_place(vm_, uart_address); }
    void allow(u64 bits, u8 lsr) override {
        Error e = rt::sys::guest_console_allow(vm_, bits | abi::guest_console::keep_sbi_putchar, lsr);
        if (e != Error::ok) rt::print("vmm: guest_console allow failed: %s\n", rt::error_name(e));
    }
    usize take(char* out, usize max) override {
        rt::sys::Taken t = rt::sys::guest_console_take(vm_, out, max);
        return t.error == Error::ok ? usize(t.bytes) : 0;
    }

private:
    u64 vm_;
};

// Without the kernel's help the console still works, one VM exit per access.
vmm::ConsoleAssist* open_console_assist(const vm::Config& c) {
    static KernelConsole console(required_cap("vm"));
    bool uart = c.devices & vm::device::uart;
    if (Error e = console.place(uart ? vmm::layout::uart_base : 0); e != Error::ok) {
        rt::print("vmm: the kernel cannot keep the console's output (%s); every access exits\n", rt::error_name(e));
        return nullptr;
    }
    console.allow(0, 0); // the SBI putchar; VUart allows the UART's part itself
    return &console;
}

// The exit in a message, or nothing to answer when the message is not one of this VM's
// exits (only the kernel sends on "exits", badged with vCPU index + 1).
vmm::ExitReply answer(vmm::Vm& vm, const rt::Message& m) {
    if (m.label() != abi::exception_label || m.badge() == 0 || m.badge() > vm.harts().count) return {false};
    if (m.length() < abi::exception_message::length) {
        vm.console().message("vmm: exit of %lu words (is the IPC buffer set?); ignored", m.length());
        return {false};
    }
    vmm::Exit exit;
    for (usize i = 0; i < abi::exception_message::length; ++i) exit.word[i] = m.word(i);
    return vm.handle_exit(u32(m.badge() - 1), exit);
}

rt::Message reply_message(const vmm::ExitReply& r) {
    rt::Message m(0, 4);
    m.regs[0] = u64(r.action);
    m.regs[1] = r.pc;
    m.regs[2] = r.value0;
    m.regs[3] = r.value1;
    return m;
}

// The kernel's message for the bound notification: no caller waits for an answer.
bool is_notification(const rt::Message& m) { return m.label() == abi::notification_label && m.badge() == 0; }

constexpr u64 no_slot = ~u64{0};

vmm::ConsoleService console_service;

vmm::Vm* restart(vmm::Vm* old);

int serve(vmm::Vm* vm, u64 exits) {
    rt::Message m;
    Error e = rt::receive(exits, m);
    for (;;) {
        if (e != Error::ok) {
            vm->console().message("vmm: receive on \"exits\" failed: %s", rt::error_name(e));
            return 1;
        }
        if (is_notification(m)) {
            // Any exit answered before this one was answered by the reply_receive that
            // brought it; exits that came meanwhile wait in the endpoint. One message may
            // carry both bits; without a console service every bit is the switch's.
            u64 bits = m.word(0);
            if (console_service.connected() && (bits & console::input_signal)) console_service.signalled(*vm);
            if (!console_service.connected() || (bits & ~console::input_signal)) vm->frames_arrived();
            e = rt::receive(exits, m);
            continue;
        }
        vmm::ExitReply r = answer(*vm, m);
        if (!r.send) [[unlikely]] {
            // Nobody waits for an answer: a vCPU stopped (HSM), or every one of them (a reboot).
            if (vm->reboot_requested() && !(vm = restart(vm))) return 1;
            console_service.exit_answered(*vm);
            e = rt::receive(exits, m);
            continue;
        }
        console_service.exit_answered(*vm);
        rt::Message reply = reply_message(r);
        if (vm->halted()) {
            (void)rt::reply(reply);
            return 0;
        }
        e = rt::reply_receive(exits, reply);
        m = reply;
    }
}

Bytes image(u64 address, u64 size) {
    return address && size ? Bytes(reinterpret_cast<const u8*>(address), size) : Bytes();
}

// The root maps a Links page only into processes with ports or partitions, so it is
// read only when the VM was given a device that needs one.
const links::Links* links_page(const vm::Config& c) {
    if (!(c.devices & vmm::layout::backed_devices)) return nullptr;
    return reinterpret_cast<const links::Links*>(links::address);
}

// What the backed devices were attached to, for the boot message.
const links::Port* attached_port = nullptr;
const links::Partition* attached_partition = nullptr;

// A name from the Links page, which need not be terminated.
struct LinkName {
    char text[links::name_bytes + 1] = {};
    explicit LinkName(const char (&name)[links::name_bytes]) {
        usize n = str_length_bounded(name, links::name_bytes);
        __builtin_memcpy(text, name, n);
    }
};

void announce_backed_devices(vmm::Vm& vm) {
    if (attached_port && (vm.devices() & vm::device::virtio_net)) {
        const u8* m = attached_port->mac;
        vm.console().message("vmm: virtio-net on network \"%s\", MAC %02x:%02x:%02x:%02x:%02x:%02x",
                             LinkName(attached_port->network).text, m[0], m[1], m[2], m[3], m[4], m[5]);
    }
    if (attached_partition && (vm.devices() & vm::device::virtio_block))
        vm.console().message("vmm: virtio-block on partition \"%s\", %lu sectors",
                             LinkName(attached_partition->name).text, attached_partition->sectors);
}

// The switch port's notification is bound to this thread (the console's may share it).
bool port_wait_bound = false;

void signal_switch(void* slot) { (void)rt::sys::signal(*static_cast<u64*>(slot)); }

// The VM's first switch port behind virtio-net; its notification is bound to this
// thread so that frames from the switch interrupt the wait for exits.
vmm::NetBackend* open_port(const links::Links* page, vmm::VmSetup& setup) {
    if (!page || !(setup.devices & vm::device::virtio_net)) return nullptr;
    auto port = vmm::first_port(*page);
    if (!port) {
        static char why[64];
        format_to(why, sizeof why, "switch port: %s", vmm::describe(port.error()));
        setup.net_missing = why;
        return nullptr;
    }
    const links::Port& p = **port;
    attached_port = &p;
    static u64 signal_slot = p.signal;
    vmm::MacAddress mac;
    for (usize i = 0; i < sizeof mac.octet; ++i) mac.octet[i] = p.mac[i];
    static vmm::SwitchPort backend(reinterpret_cast<void*>(p.ring), mac, signal_switch, &signal_slot);
    if (Error e = rt::sys::bind_notification(startup::self_thread_slot, p.wait); e != Error::ok) {
        // Without it frames still arrive, but only when the guest posts receive buffers.
        rt::print("vmm: binding the switch port's notification failed: %s\n", rt::error_name(e));
    } else {
        port_wait_bound = true;
    }
    return &backend;
}

// Typed input, when the VM is one of the console's inputs. With a switch port the root
// made "console.wait" the port's notification, which is bound already: a thread has one
// bound notification, and binding another would cut the switch off.
void open_console_service() {
    u64 endpoint = rt::cap_slot("console", no_slot);
    u64 wait = rt::cap_slot("console.wait", no_slot);
    if (endpoint == no_slot || wait == no_slot) return;
    if (!port_wait_bound) {
        if (Error e = rt::sys::bind_notification(startup::self_thread_slot, wait); e != Error::ok) {
            rt::print("vmm: binding the console's notification failed: %s; no typed input\n", rt::error_name(e));
            return;
        }
    }
    console_service.connect(endpoint);
}

block::Status call_service(void* endpoint, block::Op op, u64 first_sector, u64 sectors, u64 offset) {
    rt::Received r = rt::sys::call(*static_cast<u64*>(endpoint), abi::message_info(u64(op), 3), first_sector,
                                   sectors, offset);
    if (r.error != Error::ok || abi::info_length(r.info) < 1) return block::Status::io_error;
    // A status this VMM does not know is a failure all the same.
    return r.words[0] <= u64(block::Status::no_partition) ? block::Status(r.words[0]) : block::Status::io_error;
}

// The VM's first disk partition behind virtio-block.
vmm::BlockBackend* open_partition(const links::Links* page, vmm::VmSetup& setup) {
    if (!page || !(setup.devices & vm::device::virtio_block)) return nullptr;
    auto partition = vmm::first_partition(*page);
    if (!partition) {
        static char why[64];
        format_to(why, sizeof why, "disk partition: %s", vmm::describe(partition.error()));
        setup.block_missing = why;
        return nullptr;
    }
    attached_partition = *partition;
    static u64 endpoint = (*partition)->endpoint;
    static vmm::BlockClient backend(**partition, call_service, &endpoint);
    return &backend;
}

KernelVcpus vcpus;
vmm::VmSetup vm_setup;
alignas(vmm::Vm) u8 vm_storage[sizeof(vmm::Vm)];

} // namespace

// Placement new: a reboot builds the VM afresh in the same storage.
void* operator new(usize, void* where) noexcept { return where; }

namespace {

// Builds the VM (every device as at reset) in vm_storage, loads its guest into RAM and
// starts vCPU 0; nullptr when the guest cannot boot. At start and after each reboot.
vmm::Vm* build_and_boot(bool first) {
    const vm::Config& c = config();
    auto* vm = new (vm_storage) vmm::Vm(vm_setup, vcpus);
    vm->console().set_interactive(console_service.connected());
    if (first) announce_backed_devices(*vm);
    vmm::DeviceTreeError dt{};
    auto plan = vmm::load_guest(c, vm_setup.ram, image(c.kernel_address, c.kernel_size),
                                image(c.initrd_address, c.initrd_size), &dt, vm->devices());
    if (!plan) {
        bool tree = plan.error() == vmm::BootError::device_tree;
        vm->console().message("vmm: cannot boot: %s%s%s", vmm::describe(plan.error()), tree ? ": " : "",
                              tree ? vmm::describe(dt) : "");
        return nullptr;
    }
    vm->console().message("vmm: %lu MiB, %u vCPU(s); kernel at %lx, device tree at %lx (%lu bytes)",
                          c.ram_size / MiB, vcpus.count, plan->kernel, plan->dtb, plan->dtb_size);
    return vm->boot(*plan) ? vm : nullptr;
}

// A reboot: the old VM's devices go (its vCPUs are stopped), its RAM is cleared so that
// nothing of the last boot survives into the next, and a new VM boots from a fresh load.
[[gnu::cold, gnu::noinline]] vmm::Vm* restart(vmm::Vm* old) {
    old->~Vm();
    __builtin_memset(vm_setup.ram.at(vm_setup.ram.base(), vm_setup.ram.size()), 0, vm_setup.ram.size());
    return build_and_boot(false);
}

} // namespace

int main(const startup::Info&) {
    u64 exits = required_cap("exits");
    const vm::Config& c = config();
    if (auto s = vmm::check_config(c); !s) rt::fatal("vmm: %s\n", vmm::describe(s.error()));

    vcpus.count = u32(c.vcpus);
    for (u32 i = 0; i < vcpus.count; ++i) {
        char name[16];
        format_to(name, sizeof name, "vcpu%u", i);
        vcpus.slot[i] = required_cap(name);
    }

    vmm::VmSetup& setup = vm_setup;
    setup.name = c.name;
    setup.name_max = sizeof c.name;
    setup.vcpus = vcpus.count;
    setup.devices = c.devices;
    setup.ram = vmm::GuestMemory(reinterpret_cast<u8*>(vm::vmm_guest_ram_address), vm::guest_ram_base, c.ram_size);
    setup.output = console_output;
    const links::Links* page = links_page(c);
    setup.net = open_port(page, setup);
    setup.block = open_partition(page, setup);
    setup.console_assist = open_console_assist(c);
    open_console_service();
    vmm::Vm* vm = build_and_boot(true);
    return vm ? serve(vm, exits) : 1;
}

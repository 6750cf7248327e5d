// vmm: the user-level monitor of one VM. It loads the guest (kernel at RAM + 2 MiB,
// initrd at the end of RAM, device tree below it), starts vCPU 0, then answers the VM's
// exits for as long as the VM runs:
//   receive exit (label exception_label, badge = vCPU index + 1) -> Vm::handle_exit ->
//   reply_receive with (ExceptionReply, pc, value0, value1), or receive without a reply
//   when the vCPU was stopped (HSM hart_stop), or a last reply (kill) when the VM ended.
// Everything but the system calls is in isok_vmm (vm.hpp) and unit-tested on the host.
#include <isok/format.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/counters.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include <vmm/vm.hpp>

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

// The exit in a message, or nothing to answer when the message is not one of this VM's
// exits (only the kernel sends on "exits", badged with vCPU index + 1).
vmm::ExitReply answer(vmm::Vm& vm, const rt::Message& m) {
    if (m.label() != abi::exception_label || m.badge() == 0 || m.badge() > vm.harts().count) return {false};
    if (m.length() < abi::vm_exit::length) {
        vm.console().message("vmm: exit of %lu words (is the IPC buffer set?); ignored", m.length());
        return {false};
    }
    vmm::Exit exit;
    for (usize i = 0; i < abi::vm_exit::length; ++i) exit.word[i] = m.word(i);
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

int serve(vmm::Vm& vm, u64 exits) {
    rt::Message m;
    Error e = rt::receive(exits, m);
    for (;;) {
        if (e != Error::ok) {
            vm.console().message("vmm: receive on \"exits\" failed: %s", rt::error_name(e));
            return 1;
        }
        vmm::ExitReply r = answer(vm, m);
        if (!r.send) {
            e = rt::receive(exits, m);
            continue;
        }
        rt::Message reply = reply_message(r);
        if (vm.halted()) {
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

} // namespace

int main(const startup::Info&) {
    u64 exits = required_cap("exits");
    const vm::Config& c = config();
    if (auto s = vmm::check_config(c); !s) rt::fatal("vmm: %s\n", vmm::describe(s.error()));

    static KernelVcpus vcpus;
    vcpus.count = u32(c.vcpus);
    for (u32 i = 0; i < vcpus.count; ++i) {
        char name[16];
        format_to(name, sizeof name, "vcpu%u", i);
        vcpus.slot[i] = required_cap(name);
    }

    vmm::VmSetup setup;
    setup.name = c.name;
    setup.name_max = sizeof c.name;
    setup.vcpus = vcpus.count;
    setup.devices = c.devices;
    setup.ram = vmm::GuestMemory(reinterpret_cast<u8*>(vm::vmm_guest_ram_address), vm::guest_ram_base, c.ram_size);
    setup.output = console_output;
    static vmm::Vm vm(setup, vcpus);

    vmm::DeviceTreeError dt{};
    auto plan = vmm::load_guest(c, setup.ram, image(c.kernel_address, c.kernel_size),
                                image(c.initrd_address, c.initrd_size), &dt);
    if (!plan) {
        bool tree = plan.error() == vmm::BootError::device_tree;
        vm.console().message("vmm: cannot boot: %s%s%s", vmm::describe(plan.error()), tree ? ": " : "",
                             tree ? vmm::describe(dt) : "");
        return 1;
    }
    vm.console().message("vmm: %lu MiB, %u vCPU(s); kernel at %lx, device tree at %lx (%lu bytes)", c.ram_size / MiB,
                         vcpus.count, plan->kernel, plan->dtb, plan->dtb_size);
    if (!vm.boot(*plan)) return 1;
    return serve(vm, exits);
}

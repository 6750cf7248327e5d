// Virtual machines. A VM is a domain of kind vm: one contiguous memory object of guest RAM
// mapped at vm::guest_ram_base, and vCPUs, which are threads in that domain. Its VMM is a
// process of the plan, built like any other; here it also gets guest RAM, the guest's kernel
// and initrd straight from the boot image, a vm::Config page, the endpoint every vCPU's exits
// arrive on, and capabilities to the VM, its RAM and its vCPUs (isok/vm_config.hpp). The
// vCPUs are placed on their harts but not started: the VMM starts vCPU 0 once it has
// loaded the guest.
#include "root.hpp"
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/string.hpp>
#include <isok/vm_config.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;
namespace rights = isok::abi::rights;
namespace su = isok::startup;
namespace vm = isok::vm;
namespace build = isok::plan::vm_build;
using isok::abi::ObjectType;
using isok::bootimage::Entry;
using isok::bootimage::Kind;

// What the root holds of one VM while it builds it; every slot is released at the end.
struct Guest {
    isok::plan::Vm plan;
    const isok::plan::Plan* system = nullptr;
    u32 index = 0;          // in the plan, for the harts of its vCPUs
    bool said_hart = false; // a hart it asks for is not running, and the root said so
    Child* vmm = nullptr;
    Entry kernel;
    Entry initrd; // data empty when the VM has none
    u64 domain = no_slot;
    u64 ram = no_slot;
    u64 exits = no_slot;
    u64 vcpus[vm::max_vcpus];
    u32 vcpu_count = 0;
};

bool check(const Guest& g, Error e, const char* what) {
    if (e == Error::ok) return true;
    isok::rt::print("vm '%s': %s: %s\n", g.plan.name, what, isok::rt::error_name(e));
    return false;
}

u64 pages_of(u64 bytes) { return (bytes + page - 1) / page; }

// A boot image entry of the kind the plan promised, that the VMM's window can hold.
bool find_entry(const Guest& g, const isok::bootimage::Image& image, const char* name, Kind kind, Entry& out) {
    auto entry = image.find(name);
    const char* problem = nullptr;
    if (!entry) problem = "is not in the boot image";
    else if (entry->kind != kind) problem = "is of the wrong kind";
    else if (entry->data.size() == 0 || entry->data.size() > build::image_window) problem = "is empty or too large";
    else if (entry->offset % page) problem = "is not page-aligned";
    if (problem) {
        isok::rt::print("vm '%s': boot image entry '%s' (%s) %s\n", g.plan.name, name, isok::bootimage::kind_name(kind),
                        problem);
        return false;
    }
    out = *entry;
    return true;
}

// The VM's own domain: guest RAM mapped read, write and execute (the guest's page tables
// decide for it), and its vCPUs, each sending its exits to the VMM badged with index + 1.
bool make_machine(Guest& g) {
    const isok::plan::Vm& v = g.plan;
    if (!check(g, slots::create(ObjectType::vm, g.domain, self_domain, v.budget, build::domain_cap_slots, v.priority),
               "creating its domain") ||
        !check(g, slots::create(ObjectType::memory, g.ram, g.domain, v.memory / page), "creating guest RAM") ||
        !check(g, sys::map(g.domain, g.ram, 0, vm::guest_ram_base, v.memory / page,
                           rights::read | rights::write | rights::execute),
               "mapping guest RAM"))
        return false;
    // A restarted VMM's VM sends to the endpoint its first one did.
    if (g.exits == no_slot &&
        !check(g, slots::create(ObjectType::endpoint, g.exits, g.vmm->domain), "creating its exits endpoint"))
        return false;
    for (u32 i = 0; i < v.vcpus; ++i) {
        if (!check(g, slots::create(ObjectType::thread, g.vcpus[i], g.domain, v.priority), "creating a vCPU"))
            return false;
        g.vcpu_count = i + 1;
        harts::place(g.vcpus[i], harts::of_vcpu(*g.system, g.index, i), {"vm", v.name, i}, g.said_hart);
        if (!check(g, sys::set_time_slice(g.vcpus[i], v.time_slice), "setting a vCPU's time slice") ||
            !check(g, set_badged_handler(g.vcpus[i], g.exits, i + 1), "sending a vCPU's exits to its VMM"))
            return false;
    }
    return true;
}

bool map_for_vmm(Guest& g, u64 memory, u64 first, u64 address, u64 pages, u64 access, const char* what) {
    return check(g, sys::map(g.vmm->domain, memory, first, address, pages, access), what);
}

// The page the VMM learns its VM from, charged to the VMM and read-only to it.
bool make_config(Guest& g) {
    const isok::plan::Vm& v = g.plan;
    const su::Info& own = isok::rt::startup_info();
    vm::Config c{};
    c.magic = vm::config_magic;
    isok::str_copy(c.name, v.name, sizeof c.name);
    c.ram_size = v.memory;
    c.vcpus = v.vcpus;
    c.devices = v.devices;
    c.kernel_address = build::kernel_address;
    c.kernel_size = g.kernel.data.size();
    c.initrd_address = g.initrd.data.size() ? build::initrd_address : 0;
    c.initrd_size = g.initrd.data.size();
    c.timebase_hz = own.timebase_hz;
    isok::str_copy(c.isa, own.isa, sizeof c.isa);
    isok::str_copy(c.bootargs, v.bootargs, sizeof c.bootargs);
    u64 memory = make_memory(*g.vmm, 1, "VM configuration page");
    if (memory == no_slot) return false;
    bool ok = fill_memory(*g.vmm, memory, 0, reinterpret_cast<const isok::u8*>(&c), sizeof c) &&
              map_into(*g.vmm, memory, vm::vm_config_address, 1, rights::read, "VM configuration page");
    slots::release(memory);
    return ok;
}

// Guest RAM, the kernel, the initrd and the configuration page in the VMM's space.
bool map_into_vmm(Guest& g) {
    const u64 image = isok::abi::root_slots::boot_image;
    if (!map_for_vmm(g, g.ram, 0, vm::vmm_guest_ram_address, g.plan.memory / page, rights::read | rights::write,
                     "mapping guest RAM into its VMM") ||
        !map_for_vmm(g, image, g.kernel.offset / page, build::kernel_address, pages_of(g.kernel.data.size()),
                     rights::read, "mapping its kernel into its VMM"))
        return false;
    if (g.initrd.data.size() &&
        !map_for_vmm(g, image, g.initrd.offset / page, build::initrd_address, pages_of(g.initrd.data.size()),
                     rights::read, "mapping its initrd into its VMM"))
        return false;
    return make_config(g);
}

// First: the capability goes into the next slot and onto the startup page. Again (a
// restarted VMM): into the slot its first one took, which the old VM's going left stale,
// and the startup page, sealed, lists it there already.
enum class Grant { first, again };

bool grant(Guest& g, Grant how, u64& slot, u64 cap, const char* name, su::CapKind kind, u64 access) {
    if (cap != no_slot &&
        !check(g, sys::cap_copy(cap, g.vmm->domain, slot, access), "granting its VMM a capability"))
        return false;
    if (how == Grant::first && !list_cap(*g.vmm, name, slot, kind, access, 0)) return false;
    ++slot;
    return true;
}

// After the VMM's plan grants: "vm", "memory", "exits", "vcpu0".. (the plan checked the room).
// Again, "exits" is the one the VMM has.
bool grant_to_vmm(Guest& g, Grant how) {
    u64 slot = su::first_grant_slot + g.vmm->plan.grant_count;
    if (!grant(g, how, slot, g.domain, "vm", su::CapKind::domain, rights::read | rights::control) ||
        !grant(g, how, slot, g.ram, "memory", su::CapKind::memory, rights::read | rights::write) ||
        !grant(g, how, slot, how == Grant::first ? g.exits : no_slot, "exits", su::CapKind::endpoint, rights::read))
        return false;
    for (u32 i = 0; i < g.vcpu_count; ++i) {
        char name[su::name_bytes] = "vcpu";
        name[4] = char('0' + i); // vm::max_vcpus is 8: one digit
        if (!grant(g, how, slot, g.vcpus[i], name, su::CapKind::thread, rights::control)) return false;
    }
    if (how == Grant::first) g.vmm->next_slot = slot; // the VM's port and partition follow
    return true;
}

// The root keeps nothing of a VM but, until the console is built, its domain (to give the
// console service a capability to inspect it). A failed one is torn down: its VMM first
// (which holds mappings of guest RAM, the exits endpoint and the configuration page),
// then its domain with everything in it.
void finish(Guest& g, bool ok) {
    if (!ok) {
        discard_process(*g.vmm);
        if (g.domain != no_slot) (void)sys::destroy(g.domain);
    }
    for (u32 i = 0; i < g.vcpu_count; ++i) slots::release(g.vcpus[i]);
    // A VMM that may restart keeps its exits endpoint for the vCPUs of its next VM.
    if (ok && restartable(*g.vmm)) {
        g.vmm->exits = g.exits;
        g.exits = no_slot;
    }
    slots::release(g.exits);
    slots::release(g.ram);
    if (ok) {
        g.vmm->guest = g.domain;
        g.domain = no_slot;
    }
    slots::release(g.domain);
}

bool build_vm(Guest& g, const isok::bootimage::Image& image) {
    if (!g.vmm->ok) {
        isok::rt::print("vm '%s': its VMM '%s' was not built\n", g.plan.name, g.vmm->plan.name);
        return false;
    }
    if (!find_entry(g, image, g.plan.kernel, Kind::guest_kernel, g.kernel) ||
        (*g.plan.initrd && !find_entry(g, image, g.plan.initrd, Kind::guest_initrd, g.initrd)))
        return false;
    return make_machine(g) && map_into_vmm(g) && grant_to_vmm(g, Grant::first);
}

void start_guest(Guest& g, const isok::plan::Plan& plan, u32 index, Child& vmm) {
    g.plan = *plan.vm(index);
    g.system = &plan;
    g.index = index;
    g.vmm = &vmm;
    vmm.vm = index;
}

} // namespace

void build_vms(const isok::plan::Plan& plan, const isok::bootimage::Image& image, Child* children) {
    for (u32 i = 0; i < plan.vm_count(); ++i) {
        auto v = plan.vm(i);
        if (!v) continue; // cannot happen for a validated plan
        Guest g;
        start_guest(g, plan, i, children[v->vmm]);
        bool ok = build_vm(g, image);
        finish(g, ok);
        if (ok)
            isok::rt::print("vm '%s': %lu MiB of guest RAM, %u vCPU%s; '%s' starts it\n", v->name,
                            v->memory / isok::MiB, v->vcpus, v->vcpus == 1 ? "" : "s", g.vmm->plan.name);
        else isok::rt::print("vm '%s' is not built; its VMM does not start\n", v->name);
    }
}

// The kernel, initrd and configuration page stay mapped in the VMM from its first VM; guest
// RAM went with that VM's domain, so the new RAM goes where the old was.
bool rebuild_vm(const isok::plan::Plan& plan, Child& vmm) {
    if (vmm.vm == isok::plan::none || vmm.exits == no_slot || !plan.vm(vmm.vm)) return false;
    Guest g;
    start_guest(g, plan, vmm.vm, vmm);
    g.exits = vmm.exits;
    u64 pages = g.plan.memory / page;
    (void)sys::unmap(vmm.domain, vm::vmm_guest_ram_address, pages); // nothing there, unless the kernel left it
    bool ok = make_machine(g) &&
              map_for_vmm(g, g.ram, 0, vm::vmm_guest_ram_address, pages, rights::read | rights::write,
                          "mapping guest RAM into its VMM") &&
              grant_to_vmm(g, Grant::again);
    g.exits = no_slot; // the VMM's, kept in vmm.exits
    if (!ok && g.domain != no_slot) (void)sys::destroy(g.domain);
    for (u32 i = 0; i < g.vcpu_count; ++i) slots::release(g.vcpus[i]);
    slots::release(g.ram);
    if (ok) {
        vmm.guest = g.domain;
        g.domain = no_slot;
    }
    slots::release(g.domain);
    return ok;
}

} // namespace root

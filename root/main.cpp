// The root process: reads the plan from the boot image and builds the system it
// describes. Phases: (1) each process with its domain, thread, memory, program and, when
// it has links, its Links page; (2) endpoints; (3) grants; (4) fault handlers; (5) VMs,
// each with what its VMM process gets besides; (6) networks and disks; (7) startup and
// Links pages; (8) start, each process's thread on its hart. A process or VM that fails is
// reported by name and left out; the others still start.
#include "root.hpp"
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>

using namespace isok;

namespace {

namespace sys = rt::sys;
using root::Child;

Child children[plan::layout::max_processes];

// The kernel maps the whole boot image at root_boot_image_address but does not say how
// long it is; the image's own header does (checked by Image::open against everything).
// TODO(abi): the boot image size should come from the kernel (a register or the Info).
constexpr u64 max_image_bytes = 1 * GiB;

bool open_image(bootimage::Image& image) {
    const auto* base = reinterpret_cast<const u8*>(abi::root_boot_image_address);
    Bytes header(base, bootimage::layout::header_bytes);
    u64 size = 0;
    if (!header.le64(bootimage::layout::header_field::image_size, size) || size < bootimage::layout::header_bytes ||
        size > max_image_bytes) {
        rt::print("boot image: implausible size %lu\n", size);
        return false;
    }
    auto opened = bootimage::Image::open(Bytes(base, size));
    if (!opened) {
        rt::print("boot image: %s\n", bootimage::describe(opened.error()));
        return false;
    }
    image = *opened;
    return true;
}

bool open_plan(const bootimage::Image& image, plan::Plan& out) {
    auto entry = image.find("plan");
    if (!entry) {
        rt::print("the boot image holds no plan (an entry 'plan' of kind manifest)\n");
        return false;
    }
    if (entry->kind != bootimage::Kind::manifest) {
        rt::print("boot image entry 'plan' is a %s, not a manifest\n", bootimage::kind_name(entry->kind));
        return false;
    }
    auto opened = plan::Plan::open(entry->data);
    if (!opened) {
        rt::print("plan: %s\n", plan::describe(opened.error()));
        return false;
    }
    out = *opened;
    return true;
}

bool init_slots() {
    rt::DomainInfo d = sys::domain_info(root::self_domain);
    if (d.error != abi::Error::ok) {
        rt::print("domain_info on the root domain: %s\n", rt::error_name(d.error));
        return false;
    }
    u64 first_free = rt::startup_info().cap_count; // the kernel's grants come first
    root::slots::init(first_free, first_free + d.free_slots);
    rt::print("budget %lu of %lu bytes left, %lu free capability slots\n", d.budget_left, d.budget_total,
              d.free_slots);
    return true;
}

// Builds every process and returns how many started.
u32 build(const bootimage::Image& image, const plan::Plan& plan) {
    u32 count = plan.process_count();
    for (u32 i = 0; i < count; ++i) {
        auto p = plan.process(i);
        if (!p) continue; // cannot happen for a validated plan; children[i] stays failed
        children[i].plan = *p;
        if (!root::build_process(children[i], i, image) ||
            (plan.link_roles(i).any() && !root::make_links_page(children[i], i)))
            root::discard_process(children[i]);
    }
    root::build_channels(plan, children, count);
    root::attach_fault_handlers(plan, children, count);
    root::build_vms(plan, image, children);
    root::build_networks(plan, children);
    root::build_disks(plan, children);
    root::build_console(plan, children);
    root::release_kept(children, count);
    for (u32 i = 0; i < count; ++i)
        if (children[i].ok && (!root::seal_startup_page(children[i], i) || !root::seal_links_page(children[i], i)))
            root::discard_process(children[i]);
    root::release_channels();
    u32 started = 0;
    for (u32 i = 0; i < count; ++i) {
        if (!children[i].ok) continue;
        bool said = false;
        root::harts::place(children[i].thread, root::harts::of_process(plan, i), {"process", children[i].plan.name},
                           said);
        if (root::start_process(children[i])) ++started;
    }
    return started;
}

} // namespace

int main(const startup::Info&) {
    bootimage::Image image;
    plan::Plan system;
    if (!init_slots()) sys::exit(1);
    if (!open_image(image) || !open_plan(image, system)) {
        rt::print("no system to build; the root waits\n");
        root::serve_faults(children, 0);
    }
    rt::print("building system '%s': %u processes, %u endpoints, %u VMs, %u ports, %u disks\n", system.system(),
              system.process_count(), system.endpoint_count(), system.vm_count(), system.port_count(),
              system.disk_count());
    (void)root::make_fault_endpoint();
    root::init_restarts(system, image);
    root::harts::init();
    u32 started = build(image, system);
    u32 failed = system.process_count() - started;
    if (failed) rt::print("started %u processes, %u failed\n", started, failed);
    else rt::print("started %u processes\n", started);
    root::serve_faults(children, system.process_count());
}

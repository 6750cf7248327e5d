// Building the root process: its domain, its ELF image, stack, IPC buffer, startup
// page and boot-image mapping, and its first thread. Any failure refuses the boot.
#include <arch/layout.hpp>
#include <isok/elf.hpp>
#include <isok/startup.hpp>
#include <isok/string.hpp>
#include <isok/format.hpp>
#include <kernel/console.hpp>
#include <kernel/interrupt.hpp>
#include <kernel/memory_object.hpp>
#include <kernel/panic.hpp>
#include <kernel/root.hpp>
#include <kernel/scheduler.hpp>

namespace kernel::root {
namespace {

namespace abi = isok::abi;
namespace startup = isok::startup;

constexpr u64 cap_slots = 1024;
constexpr u64 stack_pages = 16;
// Kept back from the root's budget for the kernel's own slabs (threads, endpoints...).
constexpr u64 kernel_reserve_fraction = 32;

Memory& new_memory(Domain& d, u64 pages, const char* what) {
    auto m = create_memory(d, pages);
    if (!m) refuse_boot("root: no memory for its %s", what);
    return **m;
}

void map(Domain& d, Memory& m, u64 address, u64 rights, const char* what) {
    if (Error e = map_memory(d, m, 0, address, m.pages, rights); e != Error::ok)
        refuse_boot("root: cannot map its %s (error %ld)", what, long(e));
}

void load_segment(Domain& d, const isok::elf::Segment& s) {
    u64 first = isok::align_down(s.vaddr, frame_size);
    u64 pages = (isok::align_up(s.vaddr + s.mem_size, frame_size) - first) / frame_size;
    Memory& m = new_memory(d, pages, "image");
    auto* dst = static_cast<isok::u8*>(arch::phys_to_virt(m.base));
    __builtin_memcpy(dst + (s.vaddr - first), s.data.data(), s.data.size());
    u64 rights = (s.read ? abi::rights::read : 0) | (s.write ? abi::rights::write : 0) |
                 (s.execute ? abi::rights::execute : 0);
    map(d, m, first, rights, "image");
}

void store(Domain& d, u64 slot, KernelObject& object, u64 rights) { cap_mint(*d.caps.slot(slot).value(), object, rights); }

startup::Info& startup_page(const Platform& platform, Memory& page) {
    auto* info = static_cast<startup::Info*>(arch::phys_to_virt(page.base));
    info->magic = startup::magic;
    isok::str_copy(info->process, "root", sizeof info->process);
    isok::str_copy(info->isa, platform.isa, sizeof info->isa);
    info->timebase_hz = platform.timebase_hz;
    info->cap_slots = cap_slots;
    info->cap_count = 0;
    return *info;
}

// Stores a capability in the root's next slot and names it on the startup page.
void grant(Domain& d, startup::Info& info, const char* name, startup::CapKind kind, KernelObject& object, u64 rights) {
    u64 slot = info.cap_count++;
    store(d, slot, object, rights);
    startup::Cap& c = info.caps[slot];
    isok::str_copy(c.name, name, startup::name_bytes);
    c.slot = slot;
    c.kind = kind;
    c.rights = u32(rights);
}

// A device's register window and interrupt line, named `name` and `name.irq`.
void grant_device(Domain& d, startup::Info& info, const PlatformDevice& dev, const char* name) {
    PhysAddr base(isok::align_down(dev.mmio.base.raw(), frame_size));
    auto window = wrap_memory(d, {base, frame_size}, true);
    if (!window) refuse_boot("root: cannot describe the window of %s", name);
    grant(d, info, name, startup::CapKind::memory, **window, abi::rights::read | abi::rights::write);
    if (!dev.irq) return;
    auto irq = create_interrupt(d, dev.irq);
    if (!irq) refuse_boot("root: cannot make the interrupt object of line %u", dev.irq);
    char irq_name[startup::name_bytes];
    isok::format_to(irq_name, sizeof irq_name, "%s.irq", name);
    grant(d, info, irq_name, startup::CapKind::interrupt, **irq, abi::rights::control);
}

// Every virtio-mmio window (one page of device memory) and its interrupt line, and the
// UART's, for the root to hand to the user-level drivers the system plan names. The
// kernel keeps writing the UART until a console service claims it (console_log).
void grant_devices(const Platform& platform, Domain& d, startup::Info& info) {
    if (platform.has_uart) {
        console::stop_listening();
        grant_device(d, info, platform.uart, "uart");
    }
    for (usize k = 0; k < platform.virtio_count; ++k) {
        char name[startup::name_bytes];
        isok::format_to(name, sizeof name, "virtio%lu", k);
        grant_device(d, info, platform.virtio[k], name);
    }
}

} // namespace

bool start(const Platform& platform, const isok::bootimage::Image& image) {
    auto program = image.find("root");
    if (!program || program->kind != isok::bootimage::Kind::program) {
        console::print("root: the boot image has no program named 'root'; nothing to run\n");
        return false;
    }
    auto elf = isok::elf::Image::open(program->data, abi::user_space_end);
    if (!elf) refuse_boot("root: %s", isok::elf::describe(elf.error()));

    void* memory = kmem::take(sizeof(Domain));
    if (!memory) refuse_boot("root: no memory for its domain");
    auto* d = new (memory) Domain();
    d->type = ObjectType::domain;
    u64 free_bytes = kmem::frames().free_frames() * frame_size;
    if (!d->init(free_bytes - free_bytes / kernel_reserve_fraction, cap_slots, false, abi::max_priority)) refuse_boot("root: cannot build its domain");

    for (usize i = 0; i < elf->segment_count(); ++i) load_segment(*d, elf->segment(i));
    Memory& stack = new_memory(*d, stack_pages, "stack");
    map(*d, stack, startup::stack_top - stack_pages * frame_size, abi::rights::read | abi::rights::write, "stack");
    Memory& ipc = new_memory(*d, 1, "IPC buffer");
    map(*d, ipc, startup::ipc_buffer_address, abi::rights::read | abi::rights::write, "IPC buffer");
    Memory& info = new_memory(*d, 1, "startup page");
    map(*d, info, startup::startup_address, abi::rights::read, "startup page");
    auto boot = wrap_memory(*d, {platform.initrd.base, isok::align_up(image.size(), frame_size)}, false);
    if (!boot) refuse_boot("root: cannot describe the boot image");
    map(*d, **boot, abi::root_boot_image_address, abi::rights::read, "boot image");

    auto thread = create_thread(*d, abi::max_priority);
    if (!thread) refuse_boot("root: cannot create its thread");
    Thread& t = **thread;
    t.context.init(elf->entry(), startup::stack_top, startup::startup_address);
    t.ipc_buffer = startup::ipc_buffer_address;

    startup::Info& page = startup_page(platform, info);
    grant(*d, page, "domain", startup::CapKind::domain, *d, abi::rights::all);
    grant(*d, page, "thread", startup::CapKind::thread, t, abi::rights::all);
    grant(*d, page, "boot-image", startup::CapKind::memory, **boot, abi::rights::read);
    grant_devices(platform, *d, page);

    console::print("root: domain %u, %lu KiB budget, entry %lx\n", d->id, d->budget() / isok::KiB, elf->entry());
    scheduler::make_ready(t);
    return true;
}

} // namespace kernel::root

// The root process: what its parts share. Building a system runs in phases (see
// main.cpp): processes, endpoints, grants, fault handlers, VMs, networks and disks,
// startup and Links pages, start.
#pragma once
#include <isok/abi.hpp>
#include <isok/boot_image.hpp>
#include <isok/elf.hpp>
#include <isok/links.hpp>
#include <isok/plan.hpp>
#include <isok/startup.hpp>

namespace root {

using isok::u32;
using isok::u64;
using isok::usize;
using isok::abi::Error;

inline constexpr u64 page = 4096;
inline constexpr u64 self_domain = isok::abi::root_slots::domain;
inline constexpr u64 no_slot = ~u64{0};

// Where the root maps memory it fills for others: a window for copying program bytes,
// and one page per process for its startup page while the grants are written into it.
// Both lie between the root's own program and its stack, away from the boot image.
inline constexpr u64 copy_window = 0x20000000;
inline constexpr u64 copy_window_pages = 512; // one page table's reach
inline constexpr u64 startup_window = 0x30000000;
inline constexpr u64 links_window = 0x30100000;  // one page per process, like startup_window
inline constexpr u64 device_window = 0x30200000; // one virtio-mmio window at a time, to probe it

// Memory of a child that a restart fills afresh (its writable segments, stack and IPC
// buffer): the root's capability, and the program segment whose bytes it starts with.
struct Region {
    static constexpr u32 no_segment = ~u32{0};
    u64 memory = no_slot;
    u64 pages = 0;
    u32 segment = no_segment; // index among the ELF's PT_LOAD segments; no_segment: all zero
};
inline constexpr u32 max_regions = 8;

// One process of the plan, as the root builds it. Slots are in the root's space.
struct Child {
    isok::plan::Process plan;
    bool ok = false;           // built so far without an error; only ok children start
    u64 domain = no_slot;      // control capability for its domain
    u64 thread = no_slot;      // control capability for its thread
    u64 startup = no_slot;     // its startup page (memory), mapped in the root until sealed
    u64 entry = 0;
    isok::startup::Info* info = nullptr; // the startup page, seen through startup_window
    u64 links_memory = no_slot;          // its Links page (memory), mapped in the root until sealed
    isok::links::Links* links = nullptr; // the Links page, seen through links_window
    u64 next_slot = 0; // the slot in its space the next capability the root gives it goes to
    // The root's capability to the notification that wakes it (its first port's): typed
    // input signals the same one, so that a VMM waits in one place. no_slot when none.
    u64 wake = no_slot;
    // A VMM's: the root's capability to its VM's domain, for the console to inspect, and
    // kept to take the VM down when its VMM dies.
    u64 guest = no_slot;
    u32 vm = isok::plan::none; // a VMM's VM, by plan index
    // What a restart needs (restart.cpp), kept only when the plan's policy is not never: a
    // VMM's exits endpoint, for the vCPUs of its next VM, and the memory to fill afresh.
    u64 exits = no_slot;
    Region regions[max_regions];
    u32 region_count = 0;
    u32 restarts = 0; // so far; at most plan.restart_limit
};

// Prints "root: process 'name': what: error" and marks the child failed when e is not ok.
bool check(Child& child, Error e, const char* what);

// Root capability slots: a bitmap over the root's capability space.
namespace slots {
void init(u64 first_free, u64 count);
u64 take(); // no_slot when full
void give(u64 slot);
// Takes a slot and creates an object of `type` charged to `payer` in it (see abi::ObjectType
// for the arguments); gives the slot back and leaves no_slot when that fails. A full
// capability space fails with bad_slot.
Error create(isok::abi::ObjectType type, u64& slot, u64 payer, u64 arg0 = 0, u64 arg1 = 0, u64 arg2 = 0);
// Deletes the root's capability in the slot (stale or not) and frees it; leaves no_slot.
void release(u64& slot);
} // namespace slots

// Memory for a child (charged to its budget), filled through the root's copy window.
u64 make_memory(Child& child, u64 pages, const char* what);
bool fill_memory(Child& child, u64 memory, u64 offset, const isok::u8* data, usize size);
bool map_into(Child& child, u64 memory, u64 address, u64 pages, u64 rights, const char* what);
// Zeroes `pages` pages of the memory through the copy window.
bool clear_memory(Child& child, u64 memory, u64 pages);

// Finds and checks the child's ELF (boot image entry plan.image) before anything is
// built, then loads it into the child's domain and sets child.entry.
bool open_program(Child& child, const isok::bootimage::Image& image, u64 user_limit, isok::elf::Image& elf);
bool load_program(Child& child, const isok::elf::Image& elf);

// Domain, thread, stack, IPC buffer, startup page, program: everything of one process
// that does not depend on the others.
bool build_process(Child& child, u32 index, const isok::bootimage::Image& image);
// A new thread for the child, in its slot 1 too (startup::self_thread_slot), and its
// registers, IPC buffer and time slice as at the first start.
bool make_thread(Child& child);
bool setup_thread(Child& child);
// Writes the startup page, moves it from the root into the child (read-only), starts it.
bool seal_startup_page(Child& child, u32 index);
bool start_process(Child& child);
// Gives back what a child that failed to build holds: its domain with everything in it.
void discard_process(Child& child);

// Endpoints and the grants of every process (phases 2 and 3).
void build_channels(const isok::plan::Plan& plan, Child* children, u32 count);
void release_channels();
u64 endpoint_slot(u32 index); // the root's capability to plan endpoint index, or no_slot

// Exception handlers: the plan's, or the root's own endpoint for processes without one.
bool make_fault_endpoint();
u64 root_fault_endpoint(); // no_slot when there is none
// Makes the endpoint, badged, the thread's exception handler; the root keeps no copy.
Error set_badged_handler(u64 thread, u64 endpoint, u64 badge);
void attach_fault_handlers(const isok::plan::Plan& plan, Child* children, u32 count);
[[noreturn]] void serve_faults(Child* children, u32 count);

// Restarts (restart.cpp, docs/manifest.md "Restarts"). The root learns that a child ended
// from its fault handler endpoint: a fault, or the kernel's exit notice. A VMM takes its VM
// along either way; then the child's policy says whether it is built again.
bool restartable(const Child& child);
// Keeps the child's memory capability for a restart, or gives the slot back.
void keep_region(Child& child, u64& memory, u64 pages, u32 segment);
void init_restarts(const isok::plan::Plan& plan, const isok::bootimage::Image& image);
struct Ending {
    bool fault;
    u64 code; // the exit code; 0 for a fault
};
void child_ended(Child& child, u32 index, const Ending& how);
// Destroys a VMM's VM, its memory returned to the root, and says so; nothing without one.
void stop_vm_of(Child& vmm);

// Harts (docs/manifest.md, "Harts"): the hart the plan asks for a process's first thread (a
// VMM without harts of its own: its VM's vCPU 0's) or for a VM's vCPU; the boot hart for
// unset lists (harts.cpp can spread those instead: the processes that are not VMMs, then the
// VMs, round robin in plan order, a VM's vCPUs on consecutive harts from its own).
namespace harts {
void init(); // learns how many harts run
u32 of_process(const isok::plan::Plan& plan, u32 process);
u32 of_vcpu(const isok::plan::Plan& plan, u32 vm, u32 vcpu);
// Whose thread moves, for messages: "process" or "vm", its name, and for a vCPU its index.
struct Owner {
    const char* kind;
    const char* name;
    u32 vcpu = isok::plan::none;
};
// Moves a thread that has not started to hart `wanted`, or, when that one does not run, to
// wanted modulo the running harts; says so once per `said`. Never fails: at worst the thread
// stays on the boot hart.
void place(u64 thread, u32 wanted, const Owner& owner, bool& said);
} // namespace harts

// Virtual machines (phase 5, before the startup pages are sealed): each VM's domain, guest
// RAM and vCPUs, and what its VMM (children[vm.vmm]) gets besides its own process. A VM
// that fails takes its VMM with it.
void build_vms(const isok::plan::Plan& plan, const isok::bootimage::Image& image, Child* children);
// A fresh VM for a VMM that restarts: a new domain, guest RAM and vCPUs, given to the VMM in
// the slots and at the address its first VM had.
bool rebuild_vm(const isok::plan::Plan& plan, Child& vmm);

// Adds a capability to the child's startup page listing.
bool list_cap(Child& child, const char* name, u64 slot, isok::startup::CapKind kind, u64 rights, u64 badge);

// Networks and disks (phase 6, after the VMs). Each process that serves or holds links has a
// Links page (isok/links.hpp), made with the process and sealed with its startup page; the
// capabilities for its links go to the slots after its grants (and a VMM's VM capabilities),
// are listed on its startup page while it has room, and are named in its Links page.
bool make_links_page(Child& child, u32 index);
bool seal_links_page(Child& child, u32 index);
// Copies cap into the child's next slot; lists it under name. no_slot when that fails (said).
u64 give_cap(Child& child, u64 cap, u64 rights, u64 badge, const char* name, isok::startup::CapKind kind);
// The name of a link capability: base and suffix ("lan" ".ring"), cut to fit.
void link_cap_name(char (&out)[isok::startup::name_bytes], const char* base, const char* suffix);
// The memory a link shares between two domains (a port's rings, a partition's buffer):
// `pages` pages charged to `payer`, mapped read-write at both ends. Stops at the first
// step that fails and says which (`what`, or the end's); `memory` is then no_slot or
// the root's capability, for the caller to destroy.
struct LinkEnd {
    u64 domain;
    u64 address;
    const char* what; // the mapping step, as a failure names it
};
struct LinkStep {
    Error error = Error::ok;
    const char* what = nullptr; // the step that failed
};
LinkStep make_link_memory(u64& memory, u64 payer, u64 pages, const char* what, LinkEnd a, LinkEnd b);
void build_networks(const isok::plan::Plan& plan, Child* children);
void build_disks(const isok::plan::Plan& plan, Child* children);
// The console (phase 7, after the networks): the service gets the UART, its endpoint and a
// notification of each input to signal; each input a badged call capability and its wake-up.
void build_console(const isok::plan::Plan& plan, Child* children);
// Gives back what the root kept of the children for the console (wake-ups, VM domains).
void release_kept(Child* children, u32 count);

// The virtio-blk devices of the machine, in QEMU's command-line order: the root's
// capabilities to each one's window and interrupt line.
struct BlockDevice {
    u32 index;      // k of "virtio<k>"
    u64 memory;     // slot of "virtio<k>" in the root
    u64 interrupt;  // slot of "virtio<k>.irq", or no_slot
    u32 version;    // 2: modern; 1: legacy (QEMU without virtio-mmio.force-legacy=false)
};
inline constexpr u32 max_block_devices = 16;
u32 find_block_devices(BlockDevice* out, u32 max);

} // namespace root

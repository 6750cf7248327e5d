// Harts (hart.hpp): their records, bringing the others up, and what one hart may ask
// of another: to look at its ready queues again (kick), or to let go of what it runs
// or flush its TLB (ask), answered before the asking hart goes on.
#include <arch/kernel_space.hpp>
#include <arch/layout.hpp>
#include <arch/smp.hpp>
#include <arch/timer.hpp>
#include <kernel/console.hpp>
#include <kernel/domain.hpp>
#include <kernel/hart.hpp>
#include <kernel/scheduler.hpp>

extern "C" char __stacks_start[], overflow_stacks[];

namespace kernel {
namespace {

static_assert(max_harts == 8, "trap_entry.S reserves eight kernel and overflow stacks");
static_assert(__builtin_offsetof(Hart, stack_top) == hart_layout::stack_top);
static_assert(__builtin_offsetof(Hart, stack_bottom) == hart_layout::stack_bottom);
static_assert(__builtin_offsetof(Hart, overflow_stack_top) == hart_layout::overflow_stack_top);

constexpr u64 guard_bytes = 4096; // below each stack (linker.ld)

Hart records[max_harts];
usize used = 0; // records handed out; a hart that did not start keeps its record

Hart& new_record(u32 hart_id) {
    usize i = used++;
    Hart& h = records[i];
    u64 base = reinterpret_cast<u64>(__stacks_start) + i * (guard_bytes + arch::kernel_stack_bytes);
    h.stack_bottom = base + guard_bytes;
    h.stack_top = h.stack_bottom + arch::kernel_stack_bytes;
    h.overflow_stack_top = reinterpret_cast<u64>(overflow_stacks) + (i + 1) * arch::overflow_stack_bytes;
    h.index = u32(i);
    h.hart_id = hart_id;
    scheduler::init_hart(h);
    return h;
}

enum Request : u32 {
    leave = 1,       // stop running anything (evict)
    flush_host = 2,  // sfence.vma
    flush_guest = 4, // hfence.gvma
    retag_guest = 8, // unload the vCPU, hfence.gvma (VMIDs started over)
    fence_vcpu = 16, // hfence.vvma, fence.i for the loaded vCPU (a guest's RFENCE)
};

// Hands `what` to hart h and sleeps until it is done (the hart wakes this one).
void ask(Hart& h, u32 what) {
    h.asked_by = this_hart().hart_id;
    __atomic_store_n(&h.requests, what, __ATOMIC_SEQ_CST);
    arch::smp::send_ipi(h.hart_id);
    for (;;) {
        arch::smp::clear_ipi();
        if (__atomic_load_n(&h.requests, __ATOMIC_SEQ_CST) == 0) return;
        arch::smp::wait_for_ipi();
    }
}

// Long enough for any firmware to start a hart; a hart that takes longer is left out.
// The new hart wakes this one when it is up (secondary_entry).
bool came_online(const Hart& h, u64 timebase_hz) {
    u64 deadline = arch::timer::now() + timebase_hz;
    arch::timer::program(deadline);
    for (;;) {
        arch::smp::clear_ipi();
        if (h.online) break;
        if (arch::timer::now() >= deadline) return false;
        arch::smp::wait_for_ipi(true);
    }
    arch::timer::program(~u64{0});
    return true;
}

} // namespace

Hart& hart(usize index) { return records[index]; }
usize hart_count() { return used; }

namespace harts {

void init_boot_hart(u32 hart_id) {
    Hart& h = new_record(hart_id);
    arch::set_this_hart_pointer(&h);
    h.online = true;
}

usize start_others(const u32* hart_ids, usize count, u64 timebase_hz) {
    usize online = 1;
    for (usize i = 0; i < count; ++i) {
        if (hart_ids[i] == this_hart().hart_id) continue;
        if (used == max_harts) {
            console::print("  hart %u: left in the firmware (the kernel runs on %lu harts at most)\n", hart_ids[i],
                           max_harts);
            continue;
        }
        Hart& h = new_record(hart_ids[i]);
        if (isok::i64 e = arch::smp::start_hart(h.hart_id, &h); e != 0) {
            console::print("  hart %u: the firmware did not start it (SBI error %ld); running without it\n", h.hart_id, e);
            continue;
        }
        if (!came_online(h, timebase_hz)) {
            console::print("  hart %u: started but never came up; running without it\n", h.hart_id);
            continue;
        }
        ++online;
    }
    for (usize i = 0; i < used; ++i) records[i].shared = online > 1;
    return online;
}

void kick(Hart& h) {
    if (&h != &this_hart() && h.online) arch::smp::send_ipi(h.hart_id);
}

void evict(Hart& h) {
    if (&h == &this_hart() || !h.online) return;
    Thread* was = h.running;
    ask(h, leave);
    // It was running something else than what the caller is after: back in its queue.
    if (was && was->state == ThreadState::running) scheduler::make_ready(*was);
}

void unload_vcpu(arch::VcpuState& vcpu) {
    u32 on = vcpu.loaded_on;
    if (on == arch::VcpuState::not_loaded) return;
    if (on == this_hart().index)
        arch::park_guest();
    else
        evict(records[on]);
}

void leave_space(const Domain& d) {
    for (usize i = 0; i < used; ++i) {
        Hart& h = records[i];
        if (h.active_space != &d) continue;
        if (&h != &this_hart()) {
            evict(h);
        } else {
            arch::activate(arch::kernel_page_table());
            h.active_space = nullptr;
        }
    }
}

void shoot_down(const Domain& d) {
    // Every address-space switch flushes the whole TLB, so only a hart whose satp names
    // d now holds its entries; guest-physical entries stay wherever the VM ran.
    for (usize i = 0; i < used; ++i) {
        Hart& h = records[i];
        if (&h == &this_hart() || !h.online) continue;
        if (d.is_guest() ? (d.guest_tags.ran_on >> i & 1) != 0 : h.active_space == &d)
            ask(h, d.is_guest() ? flush_guest : flush_host);
    }
}

void fence_guest(Hart& h) {
    if (h.online) ask(h, fence_vcpu);
}

void retag_guests_everywhere() {
    for (usize i = 0; i < used; ++i)
        if (&records[i] != &this_hart() && records[i].online) ask(records[i], retag_guest);
}

void serve_requests(Hart& h) {
    u32 asked = h.requests;
    if (asked & leave) {
        // The thread trapped into this hart's kernel before the lock: its frame is
        // saved, its FPU registers are saved here, and it is no longer this hart's.
        if (Thread* t = h.running) {
            scheduler::save_fpu_if_dirty(*t);
            h.running = nullptr;
        }
        arch::park_guest();
        arch::enter_host();
        if (h.active_space) {
            arch::activate(arch::kernel_page_table());
            h.active_space = nullptr;
        }
    }
    if (asked & flush_host) arch::flush_tlb();
    if (asked & retag_guest) arch::park_guest();
    if (asked & (flush_guest | retag_guest)) arch::flush_guest_tlb();
    if (asked & fence_vcpu) arch::fence_guest_here();
    __atomic_store_n(&h.requests, 0, __ATOMIC_SEQ_CST);
    arch::smp::send_ipi(h.asked_by);
}

} // namespace harts
} // namespace kernel

// The virtual hart of a vCPU: the VS-level CSRs a guest OS owns and the
// interrupts the kernel injects. The generic kernel sees a vCPU as a Thread whose
// domain is a VM; this is what differs underneath.
#pragma once
#include <kernel/tag_allocator.hpp>
#include <arch/context.hpp>
#include <arch/layout.hpp>
#include <arch/page_table.hpp>

namespace arch {

// hvip bits: virtual supervisor software, timer and external interrupts.
inline constexpr isok::u64 vs_software = 1 << 2;
inline constexpr isok::u64 vs_timer = 1 << 6;
inline constexpr isok::u64 vs_external = 1 << 10;
inline constexpr isok::u64 vs_interrupts = vs_software | vs_timer | vs_external;

struct VcpuState {
    isok::u64 vsstatus = 0, vsie = 0, vstvec = 0, vsscratch = 0, vsepc = 0, vscause = 0, vstval = 0, vsatp = 0;
    isok::u64 vstimecmp = ~0ull; // the guest's own timer (Sstc)
    isok::u64 hvip = 0;          // interrupts injected by the kernel or the VMM
    isok::u64 sbi_deadline = ~0ull; // SBI set_timer: the kernel raises VSTIP when time reaches it
    bool waiting = false;        // in WFI, off the CPU until an interrupt is pending
    // Loaded on a hart (the index), or not_loaded. Another hart cannot write this one's
    // hvip: it leaves the change here and kicks the hart, which applies it on entry.
    // One word, so that entering the guest tests it in one load: hvip bits to set in
    // the low half, bits to clear in the high half.
    isok::u32 loaded_on = not_loaded;
    isok::u64 hvip_remote = 0;
    static constexpr isok::u32 not_loaded = ~isok::u32{0};
};

// A VM's tags in the harts' TLBs: its VMID, which of its vCPUs last ran on each hart
// (loading another one there flushes the VM's VS-stage entries first: its guest ASIDs
// mean one vCPU), and the harts that may hold its G-stage entries (bits by hart index).
struct GuestTags {
    kernel::TagLease vmid;
    const VcpuState* last_vcpu[kernel_stacks] = {};
    isok::u64 ran_on = 0;
};

// Per hart: the vCPU whose VS state the hart holds, and the hgatp it runs under.
struct HartGuest {
    VcpuState* loaded = nullptr;
    bool in_guest_mode = false;
    isok::u64 hgatp_now = 0;
};

// Once at boot: what traps go straight to the guest, what the guest may count.
// hypervisor_init on the boot hart, hypervisor_init_hart on every hart.
void hypervisor_init(bool sstc);
void hypervisor_init_hart();

// A fresh guest context: VS-mode at pc with a0/a1 as firmware hands them to an OS.
void init_guest_context(UserContext& context, isok::u64 pc, isok::u64 a0, isok::u64 a1);

// Makes this vCPU the one on the hart: its VS CSRs, its VM's G-stage table, and
// sret into VS-mode. A host thread afterwards calls enter_host().
// The VM's VMID comes from its lease, renewed (with a flush) when VMIDs started over.
void enter_guest(VcpuState& vcpu, const PageTable& guest_space, GuestTags& tags);
// How many VMID bits the hart implements, as probed by hypervisor_init (0 to 14).
unsigned vmid_bits();
void enter_host();
// Before an idle hart waits: unloads the guest state so that the guest's pending
// interrupts cannot wake the hart's WFI (they wait for the vCPU to run).
void park_guest();

// Both return the hart the vCPU is loaded on (VcpuState::not_loaded: none), which the
// caller kicks when it is another hart: that one applies the change on its next entry.
isok::u32 raise_interrupts(VcpuState& vcpu, isok::u64 bits);
isok::u32 lower_interrupts(VcpuState& vcpu, isok::u64 bits);
// An interrupt the guest would take (or wake from WFI for) is pending.
bool interrupt_pending(VcpuState& vcpu);
// The earliest time one of the guest's timers fires, ~0 when none is armed.
isok::u64 timer_deadline(VcpuState& vcpu);
// SBI set_timer: a deadline the kernel keeps, raising VSTIP itself. (A guest that
// writes stimecmp directly uses Sstc's vstimecmp, which the hart raises on its own.)
void set_sbi_timer(VcpuState& vcpu, isok::u64 deadline);
// Raises VSTIP when the SBI deadline has passed; true if it did.
bool expire_guest_timer(VcpuState& vcpu, isok::u64 now);

// The VS-stage translations of the VM in hgatp (the loaded vCPU's) and the instruction
// cache, on this hart.
void fence_guest_here();
// After a G-stage unmap: this hart drops its guest-physical translations (the caller
// asks the other harts where the VM ran, harts::shoot_down).
void flush_guest_tlb();

} // namespace arch

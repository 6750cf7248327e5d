// vCPU state switching and virtual interrupts (RISC-V privileged spec, chapter
// "Hypervisor Extension"). VS CSRs are switched lazily: they stay in the hart until
// another vCPU needs it, since host threads never touch them.
#include <arch/cpu.hpp>
#include <arch/timer.hpp>
#include <arch/vcpu.hpp>
#include <kernel/assert.hpp>
#include <kernel/hart.hpp>

#define CSR_VSSTATUS 0x200
#define CSR_VSIE 0x204
#define CSR_VSTVEC 0x205
#define CSR_VSSCRATCH 0x240
#define CSR_VSEPC 0x241
#define CSR_VSCAUSE 0x242
#define CSR_VSTVAL 0x243
#define CSR_VSATP 0x280
#define CSR_VSTIMECMP 0x24d
#define CSR_HEDELEG 0x602
#define CSR_HIDELEG 0x603
#define CSR_HCOUNTEREN 0x606
#define CSR_HENVCFG 0x60a
#define CSR_HVIP 0x645
#define CSR_HGATP 0x680

namespace arch {
namespace {

using isok::u32;
using isok::u64;

constexpr u64 hstatus_spv = 1 << 7;  // sret returns to V=1
constexpr u64 hstatus_spvp = 1 << 8; // guest privilege for HLV/HLVX: supervisor
constexpr u64 hstatus_vtw = 1 << 21; // guest WFI traps (virtual instruction) so the kernel can block it
constexpr u64 henvcfg_stce = 1ull << 63;

// Exceptions a guest OS handles itself, never seeing the hypervisor: misaligned
// fetch, illegal instruction, breakpoint, misaligned load/store, ecall from VU-mode,
// and its own page faults.
constexpr u64 delegated_exceptions =
    1 << 0 | 1 << 2 | 1 << 3 | 1 << 4 | 1 << 6 | 1 << 8 | 1 << 12 | 1 << 13 | 1 << 15;

constexpr u64 hgatp_vmid_shift = 44;
constexpr u64 hgatp_vmid_mask = 0x3fffull << hgatp_vmid_shift;
constexpr u64 hstatus_vsxl = 3ull << 32; // WARL, left as the hart has it

bool sstc_for_guests = false;
unsigned vmid_width = 0;
kernel::TagAllocator vmids;

HartGuest& here() { return kernel::this_hart().guest; }

void hfence_gvma_all() { asm volatile(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory"); }
// Every VS-stage entry of the VMID in hgatp.
void hfence_vvma_all() { asm volatile(".insn r 0x73, 0, 0x11, x0, x0, x0" ::: "memory"); }
// New VMIDs for everyone: no hart may keep an entry made under an old one, nor run a
// vCPU under one (each other hart unloads its vCPU; this one is loading one).
void hfence_gvma_everywhere() {
    hfence_gvma_all();
    kernel::harts::retag_guests_everywhere();
}

// The spec's way: write ones to every VMID bit and see which stick (zero may).
unsigned probe_vmid_bits() {
    csr_write(CSR_HGATP, hgatp_vmid_mask);
    u64 back = csr_read(CSR_HGATP) & hgatp_vmid_mask;
    csr_write(CSR_HGATP, 0);
    return unsigned(__builtin_popcountll(back));
}

void save(VcpuState& v) {
    v.vsstatus = csr_read(CSR_VSSTATUS);
    v.vsie = csr_read(CSR_VSIE);
    v.vstvec = csr_read(CSR_VSTVEC);
    v.vsscratch = csr_read(CSR_VSSCRATCH);
    v.vsepc = csr_read(CSR_VSEPC);
    v.vscause = csr_read(CSR_VSCAUSE);
    v.vstval = csr_read(CSR_VSTVAL);
    v.vsatp = csr_read(CSR_VSATP);
    v.hvip = csr_read(CSR_HVIP);
    if (sstc_for_guests) v.vstimecmp = csr_read(CSR_VSTIMECMP);
}

void load(const VcpuState& v) {
    csr_write(CSR_VSSTATUS, v.vsstatus);
    csr_write(CSR_VSIE, v.vsie);
    csr_write(CSR_VSTVEC, v.vstvec);
    csr_write(CSR_VSSCRATCH, v.vsscratch);
    csr_write(CSR_VSEPC, v.vsepc);
    csr_write(CSR_VSCAUSE, v.vscause);
    csr_write(CSR_VSTVAL, v.vstval);
    csr_write(CSR_VSATP, v.vsatp);
    // vstimecmp first: QEMU 7.2 keeps hvip's VSTIP in the same bit that a vstimecmp write
    // updates, so writing it after hvip would drop an injected SBI timer interrupt.
    if (sstc_for_guests) csr_write(CSR_VSTIMECMP, v.vstimecmp);
    csr_write(CSR_HVIP, v.hvip);
}

u64 with_remote(const VcpuState& v, u64 hvip) { return (hvip & ~(v.hvip_remote >> 32)) | u32(v.hvip_remote); }

// Another hart changes what it cannot write itself: the last word for each bit wins.
void ask_remote(VcpuState& v, u64 set, u64 clear) {
    u64 s = (u32(v.hvip_remote) & ~clear) | set;
    u64 c = ((v.hvip_remote >> 32) & ~set) | clear;
    v.hvip_remote = c << 32 | s;
}

// What other harts asked for this vCPU's hvip while it was loaded here.
void apply_remote_hvip(VcpuState& v) {
    u64 set = u32(v.hvip_remote), clear = v.hvip_remote >> 32;
    v.hvip_remote = 0;
    csr_clear(CSR_HVIP, clear);
    csr_set(CSR_HVIP, set);
}

void unload(HartGuest& g) {
    save(*g.loaded);
    g.loaded->hvip = with_remote(*g.loaded, g.loaded->hvip);
    g.loaded->hvip_remote = 0;
    g.loaded->loaded_on = VcpuState::not_loaded;
    g.loaded = nullptr;
}

// Nothing of a guest may stay pending on the hart: no injected line, no enabled VS
// interrupt, no VS timer (load() restores all three).
void clear_guest_interrupts() {
    csr_write(CSR_VSIE, 0);
    if (sstc_for_guests) csr_write(CSR_VSTIMECMP, ~isok::u64{0});
    csr_write(CSR_HVIP, 0);
}

} // namespace

void hypervisor_init(bool sstc) {
    // Nothing is taken from reset or firmware: hstatus and hgatp get known values and no
    // guest translation survives from before.
    csr_write(CSR_HSTATUS, csr_read(CSR_HSTATUS) & hstatus_vsxl);
    vmid_width = probe_vmid_bits();
    vmids.init(vmid_width);
    sstc_for_guests = sstc;
    hypervisor_init_hart();
}

void hypervisor_init_hart() {
    csr_write(CSR_HSTATUS, csr_read(CSR_HSTATUS) & hstatus_vsxl);
    csr_write(CSR_HGATP, 0);
    here().hgatp_now = 0;
    hfence_gvma_all();
    hfence_vvma_all();
    csr_write(CSR_HEDELEG, delegated_exceptions);
    csr_write(CSR_HIDELEG, vs_interrupts);
    csr_write(CSR_HCOUNTEREN, 0x7); // cycle, time, instret
    csr_write(CSR_HVIP, 0);
    if (sstc_for_guests) csr_set(CSR_HENVCFG, henvcfg_stce);
}

void init_guest_context(UserContext& context, u64 pc, u64 a0, u64 a1) {
    context.init(pc, 0, a0);
    context.frame.a(1) = a1;
    // sret lands in VS-mode: SPP = 1 there, with host interrupts on (SPIE).
    context.frame.sstatus |= csr::sstatus_spp;
}

unsigned vmid_bits() { return vmid_width; }

namespace {

// Loads a vCPU on this hart, or renews its VMID after VMIDs started over.
[[gnu::noinline]] void switch_guest(HartGuest& g, VcpuState& vcpu, const PageTable& guest_space, GuestTags& tags) {
    u32 here_index = kernel::this_hart().index;
    if (g.loaded != &vcpu) {
        if (g.loaded) unload(g);
        load(vcpu);
        g.loaded = &vcpu;
        vcpu.loaded_on = here_index;
    }
    tags.ran_on |= u64{1} << here_index;
    u64 hgatp = guest_space.satp(vmids.tag_for(tags.vmid, hfence_gvma_everywhere));
    if (hgatp != g.hgatp_now) {
        csr_write(CSR_HGATP, hgatp);
        g.hgatp_now = hgatp;
    }
    if (tags.last_vcpu[here_index] != &vcpu) {
        hfence_vvma_all();
        tags.last_vcpu[here_index] = &vcpu;
    }
}

} // namespace

void enter_guest(VcpuState& vcpu, const PageTable& guest_space, GuestTags& tags) {
    HartGuest& g = here();
    // While the same vCPU stays loaded here, hgatp stays right: when VMIDs start over,
    // every hart unloads its vCPU (hfence_gvma_everywhere), so each loads again here.
    if (g.loaded != &vcpu) [[unlikely]]
        switch_guest(g, vcpu, guest_space, tags);
    if (vcpu.hvip_remote) [[unlikely]]
        apply_remote_hvip(vcpu);
    csr_write(CSR_HSTATUS, hstatus_spv | hstatus_spvp | hstatus_vtw | (csr_read(CSR_HSTATUS) & hstatus_vsxl));
    g.in_guest_mode = true;
}

void enter_host() {
    HartGuest& g = here();
    if (!g.in_guest_mode) return;
    csr_clear(CSR_HSTATUS, hstatus_spv);
    g.in_guest_mode = false;
}

// The last guest's VS state stays loaded while host threads run (it is likely to run
// again). An idle hart must unload it: a pending VS interrupt (an injected line, a
// vstimecmp in the past), enabled or not, may end every WFI at once (QEMU's does), and
// the idle hart would spin through the firmware instead of sleeping.
void park_guest() {
    HartGuest& g = here();
    if (!g.loaded) return;
    unload(g);
    clear_guest_interrupts();
}

u32 raise_interrupts(VcpuState& v, u64 bits) {
    bits &= vs_interrupts;
    if (here().loaded == &v) {
        csr_set(CSR_HVIP, bits);
    } else if (v.loaded_on != VcpuState::not_loaded) {
        ask_remote(v, bits, 0);
    } else {
        v.hvip |= bits;
    }
    return v.loaded_on;
}

u32 lower_interrupts(VcpuState& v, u64 bits) {
    bits &= vs_interrupts;
    if (here().loaded == &v) {
        csr_clear(CSR_HVIP, bits);
    } else if (v.loaded_on != VcpuState::not_loaded) {
        ask_remote(v, 0, bits);
    } else {
        v.hvip &= ~bits;
    }
    return v.loaded_on;
}

u64 timer_deadline(VcpuState& v) {
    if (!sstc_for_guests) return v.sbi_deadline;
    u64 hardware = here().loaded == &v ? csr_read(CSR_VSTIMECMP) : v.vstimecmp;
    return hardware < v.sbi_deadline ? hardware : v.sbi_deadline;
}

bool interrupt_pending(VcpuState& v) {
    // What other harts raised while v was loaded here counts too: v may be about to
    // wait (a WFI), and nobody would wake it for an interrupt it already has.
    u64 hvip = with_remote(v, here().loaded == &v ? csr_read(CSR_HVIP) : v.hvip);
    return (hvip & vs_interrupts) || timer::now() >= timer_deadline(v);
}

// The SBI timer is kept in software, with or without Sstc: one mechanism for every
// hart, and the guest's own vstimecmp stays entirely the guest's.
void set_sbi_timer(VcpuState& v, u64 deadline) {
    // SBI: setting the timer clears a pending timer interrupt.
    (void)lower_interrupts(v, vs_timer); // on the vCPU's own hart: its SBI call
    v.sbi_deadline = deadline;
    if (timer::now() >= deadline) expire_guest_timer(v, deadline);
}

bool expire_guest_timer(VcpuState& v, u64 now) {
    if (now < v.sbi_deadline) return false;
    v.sbi_deadline = ~0ull;
    (void)raise_interrupts(v, vs_timer); // v runs on this hart (vcpu::on_timer)
    return true;
}

void flush_guest_tlb() { hfence_gvma_all(); }

void fence_guest_here() {
    hfence_vvma_all();
    asm volatile("fence.i" ::: "memory");
}

} // namespace arch

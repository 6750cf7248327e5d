// SBI HSM and IPI for the kernel (see smp.hpp). Hart ids above 63 are not
// started: every hart mask here is one 64-bit word with base 0.
#include <arch/csr.hpp>
#include <arch/layout.hpp>
#include <arch/sbi.hpp>
#include <arch/smp.hpp>

extern "C" char secondary_start[];

namespace arch::smp {
namespace {

using isok::u32;
using isok::u64;

constexpr u64 hsm_hart_start = 0;
constexpr u64 ipi_send = 0;
constexpr u64 irq_ssoft_bit = 1ull << csr::irq_ssoft;


} // namespace

isok::i64 start_hart(u32 hart_id, void* record) {
    if (hart_id >= 64) return sbi::error_invalid_param;
    u64 entry = kernel_image_phys(secondary_start).raw();
    return sbi::call(sbi::ext_hsm, hsm_hart_start, hart_id, entry, reinterpret_cast<u64>(record)).error;
}

void send_ipi(u32 hart_id) { send_ipis(u64{1} << hart_id); }
void send_ipis(u64 hart_mask) { (void)sbi::call(sbi::ext_ipi, ipi_send, hart_mask, 0); }

void wait_for_ipi(bool timer_too) {
    u64 enabled = csr_read(sie);
    csr_write(sie, irq_ssoft_bit | (timer_too ? u64{1} << csr::irq_stimer : 0));
    asm volatile("wfi" ::: "memory");
    csr_write(sie, enabled);
}

void clear_ipi() { csr_clear(sip, irq_ssoft_bit); }
void enable_ipi() { csr_set(sie, irq_ssoft_bit); }

} // namespace arch::smp

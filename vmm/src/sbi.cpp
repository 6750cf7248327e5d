// SBI dispatch: find the extension by id in the table, call its handler. Adding an
// extension is adding a file and one line here.
#include <vmm/sbi.hpp>

namespace isok::vmm {
namespace {

const SbiExtension* const extensions[] = {
    &sbi_base,
    &sbi_time,
    &sbi_ipi,
    &sbi_rfence,
    &sbi_hsm,
    &sbi_srst,
    &sbi_dbcn,
    &sbi_legacy_set_timer,
    &sbi_legacy_putchar,
    &sbi_legacy_getchar,
    &sbi_legacy_shutdown,
};

} // namespace

const SbiExtension* sbi_find(u64 extension) {
    for (const SbiExtension* e : extensions)
        if (extension >= e->first && extension <= e->last) return e;
    return nullptr;
}

SbiResult sbi_dispatch(SbiEnv& env, const SbiCall& call) {
    const SbiExtension* e = sbi_find(call.extension);
    if (!e) return {sbi::err_not_supported, 0, SbiFlow::resume};
    return e->handler(env, call);
}

bool sbi_hart_mask(const Harts& harts, u64 mask, u64 mask_base, u64& selected) {
    selected = 0;
    if (mask_base == ~u64{0}) {
        selected = harts.count >= 64 ? ~u64{0} : (u64(1) << harts.count) - 1;
        return true;
    }
    for (u64 bit = 0; bit < 64; ++bit) {
        if (!(mask & (u64(1) << bit))) continue;
        u64 hart;
        if (add_overflows(mask_base, bit, hart) || !harts.valid(hart)) return false;
        selected |= u64(1) << hart;
    }
    return true;
}

} // namespace isok::vmm

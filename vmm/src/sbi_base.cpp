// SBI Base extension (SBI 2.0, chapter 4): what the firmware is and what it offers.
#include <vmm/sbi.hpp>

namespace isok::vmm {
namespace {

enum : u64 {
    get_spec_version = 0,
    get_impl_id,
    get_impl_version,
    probe_extension,
    get_mvendorid,
    get_marchid,
    get_mimpid
};

SbiResult base(SbiEnv&, const SbiCall& call) {
    switch (call.function) {
    case get_spec_version: return {sbi::success, sbi::spec_version};
    case get_impl_id: return {sbi::success, sbi::impl_id};
    case get_impl_version: return {sbi::success, sbi::impl_version};
    case probe_extension: return {sbi::success, sbi_find(call.arg[0]) ? 1u : 0u};
    // The guest's hart is no particular vendor's: 0 is the spec's "not implemented".
    case get_mvendorid:
    case get_marchid:
    case get_mimpid: return {sbi::success, 0};
    default: return {sbi::err_not_supported, 0};
    }
}

} // namespace

const SbiExtension sbi_base = {sbi::ext_base, sbi::ext_base, base};

} // namespace isok::vmm

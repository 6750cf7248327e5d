// SBI System Reset (SBI 2.0, chapter 10). The "system" is this VM and nothing else on the
// machine: a shutdown ends it, a cold or warm reboot starts it again from a fresh load.
#include <vmm/sbi.hpp>

namespace isok::vmm {
namespace {

constexpr u64 type_warm_reboot = 2, type_vendor_first = 0xf0000000;
constexpr u64 reason_system_failure = 1, reason_sbi_first = 0xe0000000;

SbiResult srst(SbiEnv&, const SbiCall& call) {
    if (call.function != 0) return {sbi::err_not_supported, 0}; // system_reset is the only one
    u64 type = call.arg[0], reason = call.arg[1];
    if (type > 0xffffffffu || reason > 0xffffffffu) return {sbi::err_invalid_param, 0};
    if (type >= type_vendor_first) return {sbi::err_not_supported, 0};
    if (type > type_warm_reboot) return {sbi::err_invalid_param, 0}; // reserved types
    if (reason > reason_system_failure && reason < reason_sbi_first) return {sbi::err_invalid_param, 0};
    return {sbi::success, type, SbiFlow::power_off}; // value: the type (sbi::reset_shutdown or a reboot)
}

} // namespace

const SbiExtension sbi_srst = {sbi::ext_srst, sbi::ext_srst, srst};

} // namespace isok::vmm

// A checked manifest compiled into the binary system plan (docs/plan-format.md) that the
// root process builds the system from.
#pragma once
#include "manifest.hpp"
#include <isok/plan.hpp>
#include <isok/result.hpp>
#include <string>
#include <vector>

namespace isotool {

inline constexpr std::size_t no_channel = ~std::size_t{0};

// One capability the manifest grants a process, in slot order (docs/manifest.md).
struct GrantedCap {
    std::string name;
    isok::plan::Role role{};
    std::size_t channel = no_channel; // index into Manifest::channels; none for faults
    isok::u64 badge = 0;
    isok::u32 rights = 0;
};

// In slot order from startup::first_grant_slot: for each channel in manifest order the
// process serves or uses, its capability; then "faults" if it handles anyone's faults.
std::vector<GrantedCap> granted_caps(const Manifest& m, std::size_t process);

// The processes whose faults the given process handles, in manifest order; a handled
// process's fault badge is its 1-based place in this list.
std::vector<std::size_t> handled_by(const Manifest& m, std::size_t handler);

// Boot image entries and plan names of a VM: its kernel "<vm>.kernel", its initrd
// "<vm>.initrd", its VMM process "<vm>.vmm".
std::string kernel_entry(const Vm& v);
std::string initrd_entry(const Vm& v);
std::string vmm_process(const Vm& v);

// The VMM programs the boot image holds: one per distinct file, in the order the VMs first
// name them, as entries "vmm.elf", "vmm.2.elf", ...
struct VmmImage {
    std::string entry;
    const GuestFile* file = nullptr;
};
std::vector<VmmImage> vmm_images(const Manifest& m);
std::string vmm_entry(const Manifest& m, std::size_t vm);

// Only for a manifest load_manifest() found no error in.
isok::Result<std::vector<isok::u8>, std::string> compile_plan(const Manifest& m);

} // namespace isotool

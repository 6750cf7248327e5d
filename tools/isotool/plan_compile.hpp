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

// Only for a manifest load_manifest() found no error in.
isok::Result<std::vector<isok::u8>, std::string> compile_plan(const Manifest& m);

} // namespace isotool

// The system plan inside a boot image file, read with the root's own readers: what `isotool
// run` and `isotool disks` learn a system's disks from.
#pragma once
#include <isok/plan.hpp>
#include <isok/result.hpp>
#include <memory>
#include <string>
#include <vector>

namespace isotool {

// The file's bytes and the plan that points into them, kept together.
struct BootPlan {
    std::vector<isok::u8> bytes;
    isok::plan::Plan plan;
};

// Why not, in words, when the file is unreadable, not a boot image, or holds no valid plan.
isok::Result<std::unique_ptr<BootPlan>, std::string> read_boot_plan(const std::string& path);

} // namespace isotool

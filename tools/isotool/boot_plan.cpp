// Reads a boot image file and opens its "plan" entry.
#include "boot_plan.hpp"
#include "file_io.hpp"
#include <isok/boot_image.hpp>

namespace isotool {

isok::Result<std::unique_ptr<BootPlan>, std::string> read_boot_plan(const std::string& path) {
    namespace bi = isok::bootimage;
    auto found = std::make_unique<BootPlan>();
    if (auto s = read_file(path, found->bytes); !s) return isok::fail(s.error());
    auto image = bi::Image::open(isok::Bytes(found->bytes.data(), found->bytes.size()));
    if (!image) return isok::fail(path + ": " + bi::describe(image.error()));
    auto entry = image->find("plan");
    if (!entry || entry->kind != bi::Kind::manifest)
        return isok::fail(path + ": no entry 'plan' of kind manifest (not built by isotool build?)");
    auto plan = isok::plan::Plan::open(entry->data);
    if (!plan) return isok::fail(path + ": plan: " + isok::plan::describe(plan.error()));
    found->plan = *plan;
    return found;
}

} // namespace isotool

// The manifest's checks across keys and files: names, references, images, budgets, grants.
#pragma once
#include "diagnostics.hpp"
#include "manifest.hpp"
#include <string>
#include <vector>

namespace isotool {

// Runs every check on a manifest whose keys all have the right types; reads each process's
// image (filling image_path, elf and need) and reports what is wrong to d.
void check_manifest(Manifest& m, const std::vector<std::string>& search, Diagnostics& d);

} // namespace isotool

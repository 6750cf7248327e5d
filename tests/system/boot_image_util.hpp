// Builds boot images for system tests with isotool, the way a user would.
#pragma once
#include "system_test.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace isok::test {

inline std::filesystem::path work_dir(const std::string& name) {
    auto dir = std::filesystem::path(ISOK_TEST_WORK_DIR) / name;
    std::filesystem::create_directories(dir);
    return dir;
}

inline void write_file(const std::filesystem::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

// Runs `isotool pack`; entries are "KIND:NAME=PATH". Returns the image path (empty on failure).
inline std::string pack_image(const std::filesystem::path& out, const std::vector<std::string>& entries) {
    std::string cmd = isotool_path + " pack --output " + out.string();
    for (const auto& e : entries) cmd += " --entry " + e;
    return std::system(cmd.c_str()) == 0 ? out.string() : std::string();
}

} // namespace isok::test

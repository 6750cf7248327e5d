// The fixture every system test uses: boots QEMU and, when a check fails, prints
// the whole console of every run the test made.
#pragma once
#include "qemu_run.hpp"

#include <gtest/gtest.h>
#include <iostream>

namespace isok::test {

// Paths of the build's artefacts, set by CMake.
inline const std::string kernel_path = ISOK_KERNEL_PATH;
inline const std::string test_kernel_path = ISOK_TEST_KERNEL_PATH;
inline const std::string isotool_path = ISOK_ISOTOOL_PATH;

// The boot image CMake built from tests/system/systems/<name>.toml.
inline std::string test_image(const std::string& name) { return std::string(ISOK_TEST_IMAGE_DIR) + "/" + name + ".img"; }

class SystemTest : public ::testing::Test {
protected:
    QemuRun boot(const QemuConfig& config) {
        runs_.push_back(run_qemu(config));
        return runs_.back();
    }

    void TearDown() override {
        if (!HasFailure()) return;
        for (const auto& r : runs_) std::cout << r.report();
    }

private:
    std::vector<QemuRun> runs_;
};

} // namespace isok::test

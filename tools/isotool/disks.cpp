// isotool disks: prints where each partition of each disk lies, from a manifest or from the
// plan in a boot image, one line per partition:
//   disk0 vm1-data first_sector 2048 sectors 32768
// so that tests and users can find a partition's bytes in a disk image (offset = sector * 512).
#include "boot_plan.hpp"
#include "command.hpp"
#include "disk_layout.hpp"
#include "manifest.hpp"
#include <cstdio>
#include <memory>

namespace isotool {
namespace {

struct DisksOptions {
    std::string manifest;
    std::string boot_image;
};

void print(const char* disk, const char* partition, isok::u64 first, isok::u64 sectors) {
    std::printf("%s %s first_sector %llu sectors %llu\n", disk, partition, static_cast<unsigned long long>(first),
                static_cast<unsigned long long>(sectors));
}

// The layout depends only on the [[disk]] tables: no images are needed.
int from_manifest(const std::string& path) {
    std::vector<std::string> errors;
    const Manifest m = read_manifest(path, errors);
    for (const std::string& e : errors) std::fprintf(stderr, "isotool disks: %s\n", e.c_str());
    if (!errors.empty()) return 1;
    for (const Disk& disk : m.disks)
        for (const PartitionPlace& p : partition_layout(disk))
            print(disk.name.c_str(), p.name.c_str(), p.first_sector, p.sectors);
    return 0;
}

int from_boot_image(const std::string& path) {
    auto found = read_boot_plan(path);
    if (!found) {
        std::fprintf(stderr, "isotool disks: %s\n", found.error().c_str());
        return 1;
    }
    const isok::plan::Plan& plan = (*found)->plan;
    for (isok::u32 i = 0; i < plan.partition_count(); ++i) {
        const isok::plan::Partition p = *plan.partition(i);
        print(plan.disk(p.disk)->name, p.name, p.first_sector, p.sectors);
    }
    return 0;
}

} // namespace

Command add_disks(CLI::App& app) {
    auto options = std::make_shared<DisksOptions>();
    CLI::App* sub = app.add_subcommand("disks", "Print where the partitions of a system's disks lie");
    auto* manifest = sub->add_option("-m,--manifest", options->manifest, "System manifest (TOML)");
    auto* image = sub->add_option("-b,--boot-image", options->boot_image, "Boot image holding the system plan");
    manifest->excludes(image);
    sub->require_option(1);
    return Command{sub, [options] {
                       return options->manifest.empty() ? from_boot_image(options->boot_image)
                                                        : from_manifest(options->manifest);
                   }};
}

} // namespace isotool

// Disk image files for QEMU: which file is which disk, their sizes from the boot image's
// plan (1 MiB plus the partitions, rounded up to 1 MiB), sparse creation, QEMU's options.
#include "disk_files.hpp"
#include "boot_plan.hpp"
#include "disk_layout.hpp"
#include "manifest.hpp"
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace isotool {
namespace {

namespace fs = std::filesystem;
using isok::fail;
using isok::u64;

// Creates the file sparse when it is missing; refuses one too small for its partitions
// rather than growing a file the user made.
isok::Status<std::string> ensure(const std::string& path, u64 bytes, const std::string& what) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        if (!std::ofstream(path, std::ios::binary)) return fail("cannot create '" + path + "'");
        fs::resize_file(path, bytes, ec);
        if (ec) return fail("cannot size '" + path + "' to " + std::to_string(bytes) + " bytes: " + ec.message());
        std::fprintf(stderr, "isotool run: created %s (%s, sparse) for %s\n", path.c_str(), format_size(bytes).c_str(),
                     what.c_str());
        return {};
    }
    const u64 size = fs::file_size(path, ec);
    if (ec) return fail("cannot read the size of '" + path + "': " + ec.message());
    if (size < bytes)
        return fail("'" + path + "' holds " + std::to_string(size) + " bytes, but " + what + " needs " +
                    std::to_string(bytes) + "; remove it to have it made again, or grow it");
    return {};
}

// QEMU's -drive splits its value at commas; a comma in a file name is written twice.
std::string escaped(const std::string& path) {
    std::string out;
    for (char c : path) out += c == ',' ? std::string(",,") : std::string(1, c);
    return out;
}

} // namespace

isok::Result<std::vector<std::string>, std::string> prepare_disks(const DiskRequest& r) {
    std::unique_ptr<BootPlan> found;
    std::string why_no_plan = "no --boot-image";
    if (!r.boot_image.empty()) {
        if (auto read = read_boot_plan(r.boot_image)) found = std::move(*read);
        else why_no_plan = read.error();
    }
    const isok::u32 disks = found ? found->plan.disk_count() : 0;
    if (found && r.files.size() > disks)
        return fail(std::to_string(r.files.size()) + " --disk files, but the system has " + std::to_string(disks) +
                    (disks == 1 ? " disk" : " disks"));
    std::vector<std::string> files = r.files;
    for (isok::u32 i = isok::u32(files.size()); i < disks && !r.prefix.empty(); ++i)
        files.push_back(r.prefix + "-" + found->plan.disk(i)->name + ".img");
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::string what = found ? "disk '" + std::string(found->plan.disk(isok::u32(i))->name) + "'"
                                        : "disk " + std::to_string(i);
        if (!r.size && !found)
            return fail("the size of disk " + std::to_string(i) + " is unknown (" + why_no_plan + "); give --disk-size");
        const u64 bytes = r.size ? *r.size : disk_image_bytes(found->plan, isok::u32(i));
        if (auto s = ensure(files[i], bytes, what); !s) return fail(s.error());
    }
    for (isok::u32 i = isok::u32(files.size()); i < disks; ++i)
        std::fprintf(stderr, "isotool run: disk '%s' gets no device (give --disk FILE or --disk-prefix)\n",
                     found->plan.disk(i)->name);
    return files;
}

std::vector<std::string> disk_arguments(const std::vector<std::string>& files) {
    if (files.empty()) return {};
    // The block service drives modern virtio-mmio (version 2) only.
    std::vector<std::string> a = {"-global", "virtio-mmio.force-legacy=false"};
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::string id = "disk" + std::to_string(i);
        a.insert(a.end(), {"-drive", "file=" + escaped(files[i]) + ",if=none,format=raw,id=" + id, "-device",
                           "virtio-blk-device,drive=" + id});
    }
    return a;
}

} // namespace isotool

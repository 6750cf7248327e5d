// Disk images for the system tests that give QEMU a virtio-blk disk: sparse files, ext2
// file systems made with the host's e2fsprogs (mke2fs, debugfs, e2fsck), byte ranges
// read back, and the QEMU arguments that attach a file as a virtio-mmio block device.
#pragma once
#include <isok/crc32.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace isok::test::disk {

inline constexpr unsigned long long mib = 1024 * 1024;
inline constexpr unsigned long long sector_bytes = 512;
// Where the first partition of a [[disk]] starts (the rest follow back to back).
inline constexpr unsigned long long first_partition_sector = 2048;

// A host tool by name: on PATH or in the system folders a user's PATH often lacks.
inline std::string tool(const std::string& name) {
    for (const char* dir : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
        std::string path = std::string(dir) + "/" + name;
        if (std::filesystem::exists(path)) return path;
    }
    return name;
}

struct Output {
    int status = -1;
    std::string text; // standard output and standard error
};

inline Output run(const std::string& command) {
    Output out;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return out;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.text.append(buf, n);
    out.status = pclose(pipe);
    return out;
}

inline std::string quoted(const std::string& s) { return "'" + s + "'"; }

// A fresh folder for one test's files under the build's test work folder.
inline std::string work_folder(const std::string& name) {
    std::string dir = std::string(ISOK_TEST_WORK_DIR) + "/" + name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

// A sparse file of `bytes` zeros (replacing any file of that name).
inline bool create_zeroed(const std::string& path, unsigned long long bytes) {
    std::filesystem::remove(path);
    { std::ofstream f(path, std::ios::binary); }
    std::error_code e;
    std::filesystem::resize_file(path, bytes, e);
    return !e;
}

// An ext2 file system of `bytes` in its own file.
inline Output make_ext2(const std::string& path, unsigned long long bytes) {
    if (!create_zeroed(path, bytes)) return {-1, "cannot create " + path};
    return run(tool("mke2fs") + " -q -t ext2 -F " + quoted(path));
}

inline std::string read_range(const std::string& path, unsigned long long offset, unsigned long long length) {
    std::ifstream f(path, std::ios::binary);
    std::string data(length, '\0');
    f.seekg(std::streamoff(offset));
    f.read(data.data(), std::streamsize(length));
    data.resize(size_t(f.gcount()));
    return data;
}

// Writes `data` into the file at `offset`, leaving the rest as it is.
inline bool write_range(const std::string& path, unsigned long long offset, const std::string& data) {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(std::streamoff(offset));
    f.write(data.data(), std::streamsize(data.size()));
    return bool(f);
}

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

inline bool all_zero(const std::string& data) { return data.find_first_not_of('\0') == std::string::npos; }

// CRC-32 (IEEE 802.3, zlib's) as the guests print it: eight lower-case hex digits.
inline std::string crc_text(const std::string& data) {
    char text[9];
    std::snprintf(text, sizeof text, "%08x", crc32(Bytes(reinterpret_cast<const u8*>(data.data()), data.size())));
    return text;
}

// A file of an ext2 image, copied out with debugfs; empty when it is not there.
inline std::string ext2_file(const std::string& image, const std::string& file, const std::string& scratch) {
    std::filesystem::remove(scratch);
    run(tool("debugfs") + " -R " + quoted("dump " + file + " " + scratch) + " " + quoted(image));
    return std::filesystem::exists(scratch) ? read_file(scratch) : std::string();
}

// e2fsck's verdict without changing anything: status 0 is a clean file system.
inline Output check_ext2(const std::string& image) { return run(tool("e2fsck") + " -f -n " + quoted(image)); }

// QEMU arguments for `file` as virtio-blk device `id`. `modern` asks for virtio-mmio
// version 2, which the block service requires. cache=unsafe: QEMU ignores flushes, so
// the time they would take on the host does not show in the guest's figures.
inline std::vector<std::string> qemu_drive(const std::string& file, const std::string& id, bool modern) {
    std::vector<std::string> a = {"-drive", "file=" + file + ",if=none,format=raw,cache=unsafe,id=" + id, "-device",
                                  "virtio-blk-device,drive=" + id};
    if (modern) a.insert(a.end(), {"-global", "virtio-mmio.force-legacy=false"});
    return a;
}

} // namespace isok::test::disk

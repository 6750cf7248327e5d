// What the manifest tests share: fake ELF executables, a fresh folder of images and guest
// files per test, the manifest pieces the cases are made of, and how a case's error reads.
#pragma once
#include <gtest/gtest.h>
#include <manifest.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace manifest_fixture {

namespace fs = std::filesystem;
using isok::u32;
using isok::u64;
using isok::u8;

struct Segment {
    u64 vaddr;
    u64 mem_size;
    u32 flags; // 1 X, 2 W, 4 R
};

inline void put(std::vector<u8>& v, size_t at, u64 value, int bytes) {
    for (int i = 0; i < bytes; ++i) v[at + size_t(i)] = u8(value >> (8 * i));
}

// The smallest executable isok::elf accepts: a header, one program header per segment and no
// file bytes (every segment is zero-filled). The entry is the first segment's start.
inline std::vector<u8> fake_elf(const std::vector<Segment>& segments, u32 machine = 243) {
    std::vector<u8> f(64 + 56 * segments.size(), 0);
    const u8 ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    std::copy(std::begin(ident), std::end(ident), f.begin());
    put(f, 16, 2, 2), put(f, 18, machine, 2), put(f, 20, 1, 4), put(f, 24, segments[0].vaddr, 8);
    put(f, 32, 64, 8), put(f, 52, 64, 2), put(f, 54, 56, 2), put(f, 56, segments.size(), 2);
    for (size_t i = 0; i < segments.size(); ++i) {
        const size_t at = 64 + 56 * i;
        put(f, at, 1, 4), put(f, at + 4, segments[i].flags, 4), put(f, at + 8, segments[i].vaddr % 4096, 8);
        put(f, at + 16, segments[i].vaddr, 8), put(f, at + 40, segments[i].mem_size, 8), put(f, at + 48, 4096, 8);
    }
    return f;
}

inline void write_file(const fs::path& path, const std::vector<u8>& bytes) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), long(bytes.size()));
}

// A folder of images for the manifests below, made fresh for each test.
class Folder {
public:
    Folder() {
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string(test->test_suite_name()) + "." + test->name();
        for (char& c : name)
            if (c == '/') c = '_';
        dir_ = fs::temp_directory_path() / ("isok_manifest." + std::to_string(getpid()) + "." + name);
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "lib");
        const std::vector<Segment> small{{0x10000, 0x100, 5}};
        write_file(dir_ / "ping.elf", fake_elf(small));
        write_file(dir_ / "pong.elf", fake_elf(small));
        write_file(dir_ / "lib" / "pager.elf", fake_elf(small));
        write_file(dir_ / "text.elf", {'h', 'e', 'l', 'l', 'o'});
        write_file(dir_ / "arm.elf", fake_elf(small, 183));
        write_file(dir_ / "low.elf", fake_elf({{0x10000, 0x100, 5}, {0x3effe000, 0x1000, 6}}));
        write_file(dir_ / "big.elf", fake_elf({{0x10000, 0x2000, 5}, {0x200000, 0x100000, 6}}));
        fs::create_directories(dir_ / "dir.elf");
        // For VMs: a raw kernel, an initrd, a VMM and an empty file.
        write_file(dir_ / "Image", std::vector<u8>(5000, 0x13));
        write_file(dir_ / "rootfs.cpio", std::vector<u8>(100, 'c'));
        write_file(dir_ / "vmm.elf", fake_elf({{0x10000, 0x3000, 5}, {0x20000, 0x1000, 6}}));
        write_file(dir_ / "empty.bin", {});
    }
    ~Folder() { fs::remove_all(dir_); }

    std::string dir() const { return dir_.string(); }
    std::string manifest() const { return (dir_ / "system.toml").string(); }

    std::vector<std::string> errors(const std::string& toml, const std::vector<std::string>& search = {}) {
        std::ofstream(manifest()) << toml;
        std::vector<std::string> errors;
        model_ = isotool::load_manifest(manifest(), search, errors);
        return errors;
    }
    const isotool::Manifest& model() const { return model_; }

private:
    fs::path dir_;
    isotool::Manifest model_;
};

// 1-based line of the first line containing needle; 0 for "about the whole file".
inline int line_of(const std::string& text, const std::string& needle) {
    if (needle.empty()) return 0;
    const auto at = text.find(needle);
    EXPECT_NE(at, std::string::npos) << needle;
    return 1 + int(std::count(text.begin(), text.begin() + long(at), '\n'));
}

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

inline const std::string head = "[system]\nname = \"demo\"\n";
inline const std::string ping = "[[process]]\nname = \"ping\"\nimage = \"ping.elf\"\n";
inline const std::string pong = "[[process]]\nname = \"pong\"\nimage = \"pong.elf\"\n";
inline const std::string channel = "[[channel]]\nname = \"pp\"\nserver = \"pong\"\n";

// One error: the manifest, the text of the line it must point at, and the message ({dir}
// stands for the test's folder).
struct Case {
    const char* name;
    std::string toml;
    std::string line; // a needle in toml; "" for an error about the whole file
    std::string message;
};

// What ctest and gtest print for a case: its name, not its bytes.
inline void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

// The one error the case must give, where it must give it.
inline std::vector<std::string> expected_errors(const Folder& folder, const Case& c) {
    const int line = line_of(c.toml, c.line);
    std::string where = folder.manifest() + (line ? ":" + std::to_string(line) : "") + ": ";
    if (c.name == std::string("syntax")) where = folder.manifest() + ":"; // toml++ gives line and column
    return {where + replace_all(c.message, "{dir}", folder.dir())};
}

} // namespace manifest_fixture

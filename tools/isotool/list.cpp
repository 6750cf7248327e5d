// isotool list: prints the entries of a boot image, read with the kernel's own reader.
#include "command.hpp"
#include "file_io.hpp"
#include <cstdio>
#include <isok/boot_image.hpp>
#include <isok/crc32.hpp>
#include <memory>
#include <string>
#include <vector>

namespace isotool {
namespace {

namespace bi = isok::bootimage;

int list(const std::string& path) {
    std::vector<isok::u8> bytes;
    if (auto s = read_file(path, bytes); !s) {
        std::fprintf(stderr, "isotool list: %s\n", s.error().c_str());
        return 1;
    }
    auto image = bi::Image::open(isok::Bytes(bytes.data(), bytes.size()));
    if (!image) {
        std::fprintf(stderr, "isotool list: %s: %s\n", path.c_str(), bi::describe(image.error()));
        return 1;
    }
    std::printf("%-47s %-12s %10s %12s %10s\n", "NAME", "KIND", "OFFSET", "SIZE", "CRC32");
    for (bi::Entry e : image->all())
        std::printf("%-47s %-12s %#10llx %12zu 0x%08x\n", e.name, bi::kind_name(e.kind),
                    static_cast<unsigned long long>(e.offset), e.data.size(), isok::crc32(e.data));
    return 0;
}

} // namespace

Command add_list(CLI::App& app) {
    auto path = std::make_shared<std::string>();
    CLI::App* sub = app.add_subcommand("list", "Check a boot image and print its entries");
    sub->add_option("image", *path, "Boot image to read")->required();
    return Command{sub, [path] { return list(*path); }};
}

} // namespace isotool

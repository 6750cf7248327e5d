// Whole-file reads and writes for isotool.
#include "file_io.hpp"
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace isotool {

using isok::fail;
using isok::u8;

namespace {
std::string failure(const char* what, const std::string& path) {
    return std::string("cannot ") + what + " '" + path + "': " + std::strerror(errno);
}
} // namespace

isok::Status<std::string> read_file(const std::string& path, std::vector<u8>& bytes) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return fail("'" + path + "' is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(failure("read", path));
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return fail(failure("read", path));
    return {};
}

isok::Status<std::string> write_file(const std::string& path, const std::vector<u8>& bytes) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) return fail(failure("create", temporary));
        out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        if (!out.flush()) return fail(failure("write", temporary));
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        std::filesystem::remove(temporary, ec);
        return fail("cannot create '" + path + "': " + ec.message());
    }
    return {};
}

} // namespace isotool

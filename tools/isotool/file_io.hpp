// Whole-file reads and writes for isotool; failures are values that say what went wrong.
#pragma once
#include <isok/result.hpp>
#include <isok/types.hpp>
#include <string>
#include <vector>

namespace isotool {

// Fills bytes with the file's content.
isok::Status<std::string> read_file(const std::string& path, std::vector<isok::u8>& bytes);

// Writes beside the destination and renames, so a failed run never leaves half an image.
isok::Status<std::string> write_file(const std::string& path, const std::vector<isok::u8>& bytes);

} // namespace isotool

// The system manifest (TOML, schema in docs/manifest.md) read into a checked model: what
// `isotool check` reports on and `isotool build` compiles into a system plan.
#pragma once
#include "footprint.hpp"
#include <isok/types.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace isotool {

// Defaults and limits of the schema.
namespace manifest_rules {
inline constexpr isok::u64 default_priority = 100;
inline constexpr isok::u64 min_priority = 1;
inline constexpr isok::u64 max_priority = 254; // 255 is the root's
inline constexpr isok::u64 default_budget = 256 * isok::KiB;
inline constexpr isok::u64 default_stack = 16 * isok::KiB;
inline constexpr isok::u64 default_time_slice = 10;
inline constexpr isok::u64 max_time_slice = 1000;
inline constexpr isok::u64 default_caps = 64;
inline constexpr isok::u64 min_caps = 16;
inline constexpr isok::u64 max_caps = 4096;
inline constexpr std::size_t max_name_length = 31;
} // namespace manifest_rules

// Where each key of a table was written, for messages that point at it.
struct Lines {
    int table = 0;                   // the [system], [[process]] or [[channel]] line
    std::map<std::string, int> keys; // key -> line of its value
    int of(const std::string& key) const;
};

struct Process {
    std::string name;
    std::string image;         // as written in the manifest
    std::string image_path;    // where it was found
    std::vector<isok::u8> elf; // its content, read once for checks and packing
    isok::u64 priority = manifest_rules::default_priority;
    isok::u64 budget = manifest_rules::default_budget;
    isok::u64 stack = manifest_rules::default_stack;
    isok::u64 time_slice = manifest_rules::default_time_slice;
    isok::u64 caps = manifest_rules::default_caps;
    std::optional<std::string> fault_handler;
    Footprint need; // the least budget it can run in, once checked
    Lines lines;
};

struct Channel {
    std::string name;
    std::string server;
    std::vector<std::string> clients;
    bool grant = false;
    Lines lines;
};

struct Manifest {
    std::string path;
    std::string name;
    std::optional<isok::u64> memory; // [system] memory: the most all budgets may add up to
    std::vector<Process> processes;
    std::vector<Channel> channels;
    Lines lines; // of [system]
};

// Reads and checks a manifest, and finds and reads its images (beside the manifest first,
// then in each search folder in order). Every problem is appended to errors as
// "FILE:LINE: what": the manifest may be used only when errors stays empty.
Manifest load_manifest(const std::string& path, const std::vector<std::string>& search,
                       std::vector<std::string>& errors);

// 256K, 1M, 2G; plain bytes when not a whole number of KiB.
std::string format_size(isok::u64 bytes);

} // namespace isotool

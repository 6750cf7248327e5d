// Checked, typed access to one TOML table of the manifest: a missing key, a wrong type, a
// value out of range or a key nobody reads becomes an error naming the table and the line.
#pragma once
#include "diagnostics.hpp"
#include "manifest.hpp"
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

namespace isotool {

// The TOML type of a node in words: "a string", "an integer", "a table"...
std::string type_name(const toml::node& node);

// "64K" -> 65536: digits and at most one unit letter (K, M, G, either case); nullopt for
// anything else, or a value that does not fit in 64 bits.
std::optional<isok::u64> parse_size(const std::string& text);

class TableReader {
public:
    // context names the table in messages: "[system]", "process 'ping'", "channel #2".
    TableReader(const toml::table& table, std::string context, Diagnostics& diagnostics, Lines& lines);

    void rename(std::string context) { context_ = std::move(context); }
    const std::string& context() const { return context_; }

    // Reports every key outside known; records the line of every key for later messages.
    void allow(std::initializer_list<std::string_view> known);

    // Each leaves out unchanged (its default) when the key is absent or wrong.
    void string(std::string_view key, std::string& out, bool required);
    void integer(std::string_view key, isok::u64& out, isok::u64 min, isok::u64 max);
    void size(std::string_view key, isok::u64& out, bool required = false); // bytes or "64K"; a page multiple
    void boolean(std::string_view key, bool& out);
    void strings(std::string_view key, std::vector<std::string>& out, bool required);
    // An array of integers, each in min..max; true when the key is there and read.
    bool integers(std::string_view key, std::vector<isok::u64>& out, isok::u64 min, isok::u64 max);
    // An array of inline tables, like ports = [ { domain = "a", mac = "..." } ].
    void tables(std::string_view key, std::vector<const toml::table*>& out, bool required);

    // restart and restart_limit (docs/manifest.md, "Restarts"), into out.
    void restart(RestartPolicy& out);

    // Reports a message about the key, on its line.
    void error(std::string_view key, const std::string& message);

private:
    const toml::node* find(std::string_view key, bool required);
    void wrong_type(std::string_view key, const toml::node& node, const char* expected);

    const toml::table& table_;
    std::string context_;
    Diagnostics& diagnostics_;
    Lines& lines_;
};

} // namespace isotool

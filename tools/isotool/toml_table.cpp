// Checked, typed access to one TOML table of the manifest.
#include "toml_table.hpp"
#include <algorithm>
#include <cctype>
#include <optional>

namespace isotool {
namespace {

using isok::u64;

constexpr u64 page = 4 * isok::KiB;
constexpr const char* size_hint = "(bytes, or a whole number with K, M or G, like \"64K\")";

int line_of(const toml::source_region& region) { return int(region.begin.line); }

std::string in_quotes(std::string_view key) { return "'" + std::string(key) + "'"; }

} // namespace

// Nothing that could wrap around.
std::optional<u64> parse_size(const std::string& text) {
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;
    u64 value = 0;
    std::size_t i = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        if (value > (~u64{0} - 9) / 10) return std::nullopt;
        value = value * 10 + u64(text[i] - '0');
    }
    if (i == text.size()) return value;
    if (i + 1 != text.size()) return std::nullopt;
    const std::string units = "KMG";
    const auto unit = units.find(char(std::toupper(static_cast<unsigned char>(text[i]))));
    if (unit == std::string::npos) return std::nullopt;
    const u64 scale = u64{1} << (10 * (unit + 1));
    if (value > ~u64{0} / scale) return std::nullopt;
    return value * scale;
}

std::string type_name(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
    }
    return "nothing";
}

TableReader::TableReader(const toml::table& table, std::string context, Diagnostics& diagnostics, Lines& lines)
    : table_(table), context_(std::move(context)), diagnostics_(diagnostics), lines_(lines) {
    lines_.table = line_of(table.source());
    for (auto&& [key, node] : table) lines_.keys[std::string(key.str())] = line_of(node.source());
}

void TableReader::error(std::string_view key, const std::string& message) {
    diagnostics_.error(lines_.of(std::string(key)), context_ + ": " + message);
}

void TableReader::allow(std::initializer_list<std::string_view> known) {
    std::string list;
    for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    for (auto&& [key, node] : table_) {
        if (std::find(known.begin(), known.end(), key.str()) == known.end())
            error(key.str(), "unknown key " + in_quotes(key.str()) + " (known keys: " + list + ")");
    }
}

const toml::node* TableReader::find(std::string_view key, bool required) {
    const toml::node* node = table_.get(key);
    if (!node && required) diagnostics_.error(lines_.table, context_ + ": missing required key " + in_quotes(key));
    return node;
}

void TableReader::wrong_type(std::string_view key, const toml::node& node, const char* expected) {
    error(key, in_quotes(key) + " must be " + expected + ", not " + type_name(node));
}

void TableReader::string(std::string_view key, std::string& out, bool required) {
    const toml::node* node = find(key, required);
    if (!node) return;
    if (const auto* s = node->as_string()) out = s->get();
    else wrong_type(key, *node, "a string");
}

void TableReader::integer(std::string_view key, u64& out, u64 min, u64 max) {
    const toml::node* node = find(key, false);
    if (!node) return;
    const auto* i = node->as_integer();
    if (!i) return wrong_type(key, *node, "an integer");
    const std::int64_t value = i->get();
    if (value < 0 || u64(value) < min || u64(value) > max)
        return error(key, std::string(key) + " " + std::to_string(value) + " is out of range " + std::to_string(min) +
                              ".." + std::to_string(max));
    out = u64(value);
}

void TableReader::size(std::string_view key, u64& out, bool required) {
    const toml::node* node = find(key, required);
    if (!node) return;
    std::optional<u64> value;
    std::string written;
    if (const auto* i = node->as_integer()) {
        written = std::to_string(i->get());
        if (i->get() >= 0) value = u64(i->get());
    } else if (const auto* s = node->as_string()) {
        written = "\"" + s->get() + "\"";
        value = parse_size(s->get());
    } else {
        return wrong_type(key, *node, "a size (an integer, or a string like \"64K\")");
    }
    if (!value) return error(key, std::string(key) + " " + written + " is not a size " + size_hint);
    if (!isok::is_aligned(*value, page))
        return error(key, std::string(key) + " " + written + " is not a multiple of 4K");
    out = *value;
}

void TableReader::boolean(std::string_view key, bool& out) {
    const toml::node* node = find(key, false);
    if (!node) return;
    if (const auto* b = node->as_boolean()) out = b->get();
    else wrong_type(key, *node, "a boolean");
}

void TableReader::strings(std::string_view key, std::vector<std::string>& out, bool required) {
    const toml::node* node = find(key, required);
    if (!node) return;
    const auto* array = node->as_array();
    if (!array) return wrong_type(key, *node, "an array of strings");
    std::vector<std::string> values;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto* s = (*array)[i].as_string();
        if (!s)
            return error(key, in_quotes(key) + " must be an array of strings; element " + std::to_string(i + 1) +
                                  " is " + type_name((*array)[i]));
        values.push_back(s->get());
    }
    out = std::move(values);
}

bool TableReader::integers(std::string_view key, std::vector<u64>& out, u64 min, u64 max) {
    const toml::node* node = find(key, false);
    if (!node) return false;
    const auto* array = node->as_array();
    if (!array) {
        wrong_type(key, *node, "an array of integers");
        return false;
    }
    std::vector<u64> values;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const std::string element = "element " + std::to_string(i + 1);
        const auto* n = (*array)[i].as_integer();
        if (!n) {
            error(key, in_quotes(key) + " must be an array of integers; " + element + " is " + type_name((*array)[i]));
            return false;
        }
        const std::int64_t value = n->get();
        if (value < 0 || u64(value) < min || u64(value) > max) {
            error(key, std::string(key) + " " + element + ", " + std::to_string(value) + ", is out of range " +
                           std::to_string(min) + ".." + std::to_string(max));
            return false;
        }
        values.push_back(u64(value));
    }
    out = std::move(values);
    return true;
}

void TableReader::tables(std::string_view key, std::vector<const toml::table*>& out, bool required) {
    const toml::node* node = find(key, required);
    if (!node) return;
    const auto* array = node->as_array();
    if (!array) return wrong_type(key, *node, "an array of tables");
    std::vector<const toml::table*> values;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto* t = (*array)[i].as_table();
        if (!t)
            return error(key, in_quotes(key) + " must be an array of tables; element " + std::to_string(i + 1) +
                                  " is " + type_name((*array)[i]));
        values.push_back(t);
    }
    out = std::move(values);
}

} // namespace isotool

// Errors found in a manifest, each tied to the line it is about, reported in line order.
#pragma once
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace isotool {

class Diagnostics {
public:
    explicit Diagnostics(std::string file) : file_(std::move(file)) {}

    // line 0: about the file as a whole.
    void error(int line, std::string message) { found_.push_back({line, std::move(message)}); }
    bool any() const { return !found_.empty(); }

    // Moves the errors, as "FILE:LINE: message" in line order, to the end of out.
    void flush(std::vector<std::string>& out) {
        std::stable_sort(found_.begin(), found_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& [line, message] : found_)
            out.push_back(file_ + (line ? ":" + std::to_string(line) : std::string()) + ": " + message);
        found_.clear();
    }

private:
    std::string file_;
    std::vector<std::pair<int, std::string>> found_;
};

} // namespace isotool

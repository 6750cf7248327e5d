// The control shell: what is typed while focus is 0. It edits a line (echo, backspace)
// and runs it: help, list, focus NAME|N, stats NAME.
#pragma once
#include <consoled/console.hpp>
#include <consoled/inspector.hpp>

namespace consoled {

class Shell final : public ShellInput {
public:
    static constexpr usize line_bytes = 80;

    explicit Shell(Console& console, Inspector* inspector = nullptr) : console_(console), inspector_(inspector) {}

    void typed(u8 byte) override;
    void focused() override { prompt(); }
    void prompt();

private:
    void run(char* line);
    void help();
    void list();
    void focus(const char* what);
    void stats(const char* name);
    void list_inputs();
    void list_domain(isok::u32 index);
    void stats_of_domain(isok::u32 index);
    isok::u32 find_domain(const char* name) const;

    Console& console_;
    Inspector* inspector_;
    char line_[line_bytes + 1] = {};
    usize used_ = 0;
};

} // namespace consoled

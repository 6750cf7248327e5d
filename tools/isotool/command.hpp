// One isotool subcommand: the CLI11 parser it registers and what runs once it has parsed.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace isotool {

struct Command {
    CLI::App* parser;
    std::function<int()> run; // returns the exit status
};

Command add_pack(CLI::App& app);
Command add_list(CLI::App& app);
Command add_run(CLI::App& app);
Command add_build(CLI::App& app);
Command add_check(CLI::App& app);
Command add_disks(CLI::App& app);

} // namespace isotool

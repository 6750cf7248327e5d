// isotool: the host tool for Isokernel boot images. Each subcommand lives in its own file;
// this one only registers them and runs the one that was named.
#include "command.hpp"
#include <vector>

int main(int argc, char** argv) {
    CLI::App app{"isotool: build, inspect and run Isokernel boot images"};
    app.require_subcommand(1);
    const std::vector<isotool::Command> commands = {
        isotool::add_pack(app),
        isotool::add_list(app),
        isotool::add_run(app),
        isotool::add_build(app),
        isotool::add_check(app),
        isotool::add_disks(app),
    };
    CLI11_PARSE(app, argc, argv);
    for (const isotool::Command& command : commands)
        if (command.parser->parsed()) return command.run();
    return 1;
}

// isotool run: boots a kernel and boot image on QEMU's virt machine with the serial
// console on this terminal (Ctrl-A X ends QEMU), with a disk image per [[disk]] of the
// system when asked. Replaces itself with QEMU.
#include "command.hpp"
#include "disk_files.hpp"
#include "toml_table.hpp"
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

namespace isotool {
namespace {

struct RunOptions {
    std::string kernel;
    std::string boot_image;
    std::string memory = "256M";
    unsigned harts = 2;
    std::string append;
    bool icount = false;
    std::vector<std::string> qemu_extra;
    std::vector<std::string> disks;
    std::string disk_prefix;
    std::string disk_size;
    bool dry_run = false;
};

std::vector<std::string> qemu_command(const RunOptions& o, const std::vector<std::string>& disks) {
    std::vector<std::string> a = {"qemu-system-riscv64", "-M", "virt", "-bios", "default", "-nographic",
                                  "-m", o.memory, "-smp", std::to_string(o.harts), "-kernel", o.kernel};
    if (!o.boot_image.empty()) a.insert(a.end(), {"-initrd", o.boot_image});
    if (!o.append.empty()) a.insert(a.end(), {"-append", o.append});
    // Deterministic time: one instruction is one nanosecond, so counters read instructions.
    if (o.icount) a.insert(a.end(), {"-icount", "shift=0"});
    const auto drives = disk_arguments(disks);
    a.insert(a.end(), drives.begin(), drives.end());
    a.insert(a.end(), o.qemu_extra.begin(), o.qemu_extra.end());
    return a;
}

int run(const RunOptions& o) {
    DiskRequest request{o.boot_image, o.disks, o.disk_prefix, std::nullopt};
    if (!o.disk_size.empty()) {
        request.size = parse_size(o.disk_size);
        if (!request.size || *request.size == 0) {
            std::fprintf(stderr, "isotool run: --disk-size '%s' is not a size (like 64M)\n", o.disk_size.c_str());
            return 1;
        }
    }
    std::vector<std::string> disks;
    if (!o.disks.empty() || !o.disk_prefix.empty() || !o.boot_image.empty()) {
        auto prepared = prepare_disks(request);
        if (!prepared) {
            std::fprintf(stderr, "isotool run: %s\n", prepared.error().c_str());
            return 1;
        }
        disks = std::move(*prepared);
    }
    auto args = qemu_command(o, disks);
    if (o.dry_run) {
        for (std::size_t i = 0; i < args.size(); ++i) std::printf("%s%s", i ? " " : "", args[i].c_str());
        std::printf("\n");
        return 0;
    }
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    std::fprintf(stderr, "isotool run: booting %s (Ctrl-A X ends QEMU)\n", o.kernel.c_str());
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "isotool run: cannot start %s: %s\n", argv[0], std::strerror(errno));
    return 1;
}

} // namespace

Command add_run(CLI::App& app) {
    auto options = std::make_shared<RunOptions>();
    CLI::App* cmd = app.add_subcommand("run", "boot a kernel and boot image in QEMU");
    cmd->add_option("-k,--kernel", options->kernel, "kernel ELF")->required()->check(CLI::ExistingFile);
    cmd->add_option("-b,--boot-image", options->boot_image, "boot image (loaded as the initrd)")
        ->check(CLI::ExistingFile);
    cmd->add_option("-m,--memory", options->memory, "guest RAM, in QEMU's syntax (e.g. 256M)");
    cmd->add_option("--harts", options->harts, "number of harts")->check(CLI::Range(1u, 16u));
    cmd->add_option("-a,--append", options->append, "kernel command line");
    cmd->add_flag("--icount", options->icount, "deterministic instruction counting (-icount shift=0)");
    cmd->add_option("--disk", options->disks, "disk image for the next [[disk]] of the system (created if missing)");
    cmd->add_option("--disk-prefix", options->disk_prefix,
                    "PREFIX-<disk>.img for every [[disk]] without a --disk (created if missing)");
    cmd->add_option("--disk-size", options->disk_size, "size of disk images created (default: from the plan)");
    cmd->add_flag("--dry-run", options->dry_run, "prepare the disks, print the QEMU command and exit");
    cmd->add_option("--qemu", options->qemu_extra, "extra QEMU arguments")->allow_extra_args();
    return {cmd, [options] { return run(*options); }};
}

} // namespace isotool

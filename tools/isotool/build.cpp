// isotool build: a system manifest and its images into a boot image holding the compiled
// system plan ("plan"), the root program ("root"), one program per process, and for VMs
// their VMM programs (once each), kernels ("<vm>.kernel") and initrds ("<vm>.initrd").
#include "command.hpp"
#include "file_io.hpp"
#include "manifest.hpp"
#include "plan_compile.hpp"
#include <cstdio>
#include <isok/boot_image_writer.hpp>
#include <memory>

namespace isotool {
namespace {

namespace bi = isok::bootimage;
using isok::fail;

struct BuildOptions {
    std::string manifest;
    std::string output;
    std::string root;
    std::vector<std::string> search;
};

isok::Status<std::string> add(bi::Writer& writer, bi::Kind kind, const std::string& name, std::vector<isok::u8> bytes) {
    if (auto s = writer.add(kind, name, std::move(bytes)); !s)
        return fail("entry '" + name + "': " + bi::describe(s.error()));
    return {};
}

isok::Status<std::string> pack(const Manifest& m, const BuildOptions& options) {
    auto plan = compile_plan(m);
    if (!plan) return fail(plan.error());
    std::vector<isok::u8> root;
    if (auto s = read_file(options.root, root); !s) return s;
    if (!is_elf(root)) return fail("--root '" + options.root + "' is not an ELF file");
    bi::Writer writer;
    if (auto s = add(writer, bi::Kind::manifest, "plan", std::move(*plan)); !s) return s;
    if (auto s = add(writer, bi::Kind::program, "root", std::move(root)); !s) return s;
    for (const Process& p : m.processes)
        if (auto s = add(writer, bi::Kind::program, p.name, p.elf); !s) return s;
    for (const VmmImage& vmm : vmm_images(m))
        if (auto s = add(writer, bi::Kind::program, vmm.entry, vmm.file->bytes); !s) return s;
    for (const Vm& v : m.vms) {
        if (auto s = add(writer, bi::Kind::guest_kernel, kernel_entry(v), v.kernel.bytes); !s) return s;
        if (!v.initrd) continue;
        if (auto s = add(writer, bi::Kind::guest_initrd, initrd_entry(v), v.initrd->bytes); !s) return s;
    }
    return write_file(options.output, writer.build());
}

int build(const BuildOptions& options) {
    std::vector<std::string> errors;
    const Manifest m = load_manifest(options.manifest, options.search, errors);
    for (const std::string& e : errors) std::fprintf(stderr, "isotool build: %s\n", e.c_str());
    if (!errors.empty()) return 1;
    if (auto s = pack(m, options); !s) {
        std::fprintf(stderr, "isotool build: %s\n", s.error().c_str());
        return 1;
    }
    return 0;
}

} // namespace

Command add_build(CLI::App& app) {
    auto options = std::make_shared<BuildOptions>();
    CLI::App* sub = app.add_subcommand("build", "Check a system manifest and build its boot image");
    sub->add_option("-m,--manifest", options->manifest, "System manifest (TOML)")->required();
    sub->add_option("-o,--output", options->output, "Boot image to write")->required();
    sub->add_option("-r,--root", options->root, "The root process's ELF (entry \"root\")")->required();
    sub->add_option("-s,--search", options->search, "Folder to look for images in after the manifest's own");
    return Command{sub, [options] { return build(*options); }};
}

} // namespace isotool

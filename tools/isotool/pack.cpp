// isotool pack: builds a boot image from files, one --entry KIND:NAME=PATH per payload.
#include "command.hpp"
#include "file_io.hpp"
#include <cstdio>
#include <isok/boot_image_writer.hpp>
#include <memory>
#include <string>
#include <vector>

namespace isotool {
namespace {

namespace bi = isok::bootimage;
using isok::fail;

struct PackOptions {
    std::string output;
    std::vector<std::string> entries;
};

struct EntrySpec {
    bi::Kind kind{};
    std::string name;
    std::string path;
};

std::string known_kinds() {
    std::string list;
    for (isok::u32 k = 1; bi::is_known(bi::Kind(k)); ++k) {
        if (!list.empty()) list += ", ";
        list += bi::kind_name(bi::Kind(k));
    }
    return list;
}

// KIND:NAME=PATH. The kind ends at the first ':' and the name at the first '=' (names
// cannot contain either), so the path may hold both.
isok::Result<EntrySpec, std::string> parse_spec(const std::string& text) {
    const auto colon = text.find(':');
    const auto equals = text.find('=', colon == std::string::npos ? 0 : colon + 1);
    if (colon == std::string::npos || equals == std::string::npos)
        return fail(std::string("expected KIND:NAME=PATH"));
    const std::string kind = text.substr(0, colon);
    auto parsed = bi::kind_from_name(kind.c_str());
    if (!parsed) return fail("unknown kind '" + kind + "' (known kinds: " + known_kinds() + ")");
    EntrySpec spec{*parsed, text.substr(colon + 1, equals - colon - 1), text.substr(equals + 1)};
    if (auto s = bi::check_name(spec.name.data(), spec.name.size()); !s)
        return fail("name '" + spec.name + "': " + bi::describe(s.error()));
    if (spec.path.empty()) return fail(std::string("empty PATH"));
    return spec;
}

isok::Status<std::string> add_entry(bi::Writer& writer, const std::string& text) {
    auto spec = parse_spec(text);
    if (!spec) return fail(spec.error());
    std::vector<isok::u8> payload;
    if (auto s = read_file(spec->path, payload); !s) return s;
    if (auto s = writer.add(spec->kind, spec->name, std::move(payload)); !s)
        return fail(std::string(bi::describe(s.error())));
    return {};
}

int pack(const PackOptions& options) {
    bi::Writer writer;
    for (const std::string& entry : options.entries) {
        if (auto s = add_entry(writer, entry); !s) {
            std::fprintf(stderr, "isotool pack: --entry %s: %s\n", entry.c_str(), s.error().c_str());
            return 1;
        }
    }
    if (auto s = write_file(options.output, writer.build()); !s) {
        std::fprintf(stderr, "isotool pack: %s\n", s.error().c_str());
        return 1;
    }
    return 0;
}

} // namespace

Command add_pack(CLI::App& app) {
    auto options = std::make_shared<PackOptions>();
    CLI::App* sub = app.add_subcommand("pack", "Build a boot image from files");
    sub->add_option("-o,--output", options->output, "Boot image to write")->required();
    const std::string entry_help = "Payload as KIND:NAME=PATH, e.g. program:hello=build/hello.elf;\n"
                                   "KIND is one of " + known_kinds();
    sub->add_option("-e,--entry", options->entries, entry_help)->required();
    return Command{sub, [options] { return pack(*options); }};
}

} // namespace isotool

// isotool check: checks a system manifest and its images, compiles the plan and prints
// what the root process will read from it.
#include "command.hpp"
#include "manifest.hpp"
#include "plan_compile.hpp"
#include <cstdio>
#include <isok/abi.hpp>
#include <memory>

namespace isotool {
namespace {

namespace plan = isok::plan;

struct CheckOptions {
    std::string manifest;
    std::vector<std::string> search;
};

const char* role_name(plan::Role role) {
    switch (role) {
    case plan::Role::server: return "server";
    case plan::Role::client: return "client";
    case plan::Role::faults: return "fault handler";
    }
    return "?";
}

std::string rights_words(isok::u32 rights) {
    std::string words;
    if (rights & isok::abi::rights::read) words += ", receive";
    if (rights & isok::abi::rights::write) words += ", send";
    if (rights & isok::abi::rights::grant) words += ", grant";
    return words;
}

void print_grant(const plan::Plan& p, isok::u32 process, isok::u32 index) {
    const plan::Grant g = *p.grant(process, index);
    std::printf("  slot %llu: %s (%s%s", static_cast<unsigned long long>(g.slot), g.name, role_name(g.role),
                rights_words(g.rights).c_str());
    if (g.role == plan::Role::client)
        std::printf(", badge %llu; served by %s", static_cast<unsigned long long>(g.badge),
                    p.process(p.endpoint(g.endpoint)->server)->name);
    std::printf(")\n");
}

void print_process(const plan::Plan& p, isok::u32 index, const Process& source) {
    const plan::Process pr = *p.process(index);
    std::printf("process %s: image %s, priority %u, time slice %u, stack %s, caps %u, budget %s (needs %s)\n", pr.name,
                source.image_path.c_str(), pr.priority, pr.time_slice, format_size(pr.stack).c_str(), pr.cap_slots,
                format_size(pr.budget).c_str(), format_size(source.need.total()).c_str());
    if (pr.fault_handler != plan::none)
        std::printf("  faults go to %s (badge %llu)\n", p.process(pr.fault_handler)->name,
                    static_cast<unsigned long long>(pr.fault_badge));
    for (isok::u32 g = 0; g < pr.grant_count; ++g) print_grant(p, index, g);
}

std::string counted(isok::u32 n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

int summarize(const Manifest& m, const std::vector<isok::u8>& bytes) {
    auto p = plan::Plan::open(isok::Bytes(bytes.data(), bytes.size()));
    if (!p) {
        std::fprintf(stderr, "isotool check: the compiled plan does not read back: %s\n", plan::describe(p.error()));
        return 1;
    }
    isok::u64 total = 0;
    for (const Process& process : m.processes) total += process.budget;
    std::printf("system %s: %s, %s, a %zu-byte plan, budgets %s in all", p->system(),
                counted(p->process_count(), "process", "processes").c_str(),
                counted(p->endpoint_count(), "endpoint", "endpoints").c_str(), bytes.size(),
                format_size(total).c_str());
    if (m.memory) std::printf(" (memory %s)", format_size(*m.memory).c_str());
    std::printf("\n");
    for (isok::u32 i = 0; i < p->process_count(); ++i) print_process(*p, i, m.processes[i]);
    return 0;
}

int check(const CheckOptions& options) {
    std::vector<std::string> errors;
    const Manifest m = load_manifest(options.manifest, options.search, errors);
    for (const std::string& e : errors) std::fprintf(stderr, "isotool check: %s\n", e.c_str());
    if (!errors.empty()) return 1;
    auto bytes = compile_plan(m);
    if (!bytes) {
        std::fprintf(stderr, "isotool check: %s\n", bytes.error().c_str());
        return 1;
    }
    return summarize(m, *bytes);
}

} // namespace

Command add_check(CLI::App& app) {
    auto options = std::make_shared<CheckOptions>();
    CLI::App* sub = app.add_subcommand("check", "Check a system manifest and print the plan it compiles to");
    sub->add_option("-m,--manifest", options->manifest, "System manifest (TOML)")->required();
    sub->add_option("-s,--search", options->search, "Folder to look for images in after the manifest's own");
    return Command{sub, [options] { return check(*options); }};
}

} // namespace isotool

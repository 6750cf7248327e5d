// isotool check: checks a system manifest and its images, compiles the plan and prints
// what the root process will read from it.
#include "command.hpp"
#include "disk_layout.hpp"
#include "manifest.hpp"
#include "plan_compile.hpp"
#include <cstdio>
#include <cstring>
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

std::string hart_list(const plan::Harts& h) {
    std::string list;
    for (isok::u32 i = 0; i < h.count; ++i) list += (i ? ", " : "") + std::to_string(h.index[i]);
    return list;
}

// Where the root puts a process's first thread (docs/manifest.md, "Harts").
void print_process_harts(const plan::Harts& h) {
    if (!h.count) std::printf("  harts: none given; its thread runs on the boot hart, 0\n");
    else std::printf("  harts %s: its thread starts on hart %u\n", hart_list(h).c_str(), h.index[0]);
}

// vCPU i runs on harts[i % count].
void print_vm_harts(const plan::Vm& vm) {
    if (!vm.harts.count) {
        std::printf("  harts: none given; its vCPUs run on the boot hart, 0\n");
        return;
    }
    std::printf("  harts %s:", hart_list(vm.harts).c_str());
    for (isok::u32 i = 0; i < vm.vcpus; ++i)
        std::printf("%s vCPU %u on hart %u", i ? "," : "", i, vm.harts.index[i % vm.harts.count]);
    std::printf("\n");
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
    if (*pr.args) std::printf("  args \"%s\"\n", pr.args);
    print_process_harts(pr.harts);
}

std::string mac_words(const isok::u8* mac) {
    char text[18];
    std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    return text;
}

// One line per network, then its ports in the order the switch numbers them.
void print_networks(const plan::Plan& p) {
    for (isok::u32 i = 0; i < p.port_count(); ++i) {
        const plan::Port port = *p.port(i);
        if (i == 0 || p.port(i - 1)->network_index != port.network_index)
            std::printf("network %s: switch %s\n", port.network, p.process(port.switch_process)->name);
        std::printf("  port %s, mac %s\n", p.process(port.member)->name, mac_words(port.mac).c_str());
    }
}

void print_disks(const plan::Plan& p, const Manifest& m) {
    for (isok::u32 d = 0; d < p.disk_count(); ++d) {
        const plan::Disk disk = *p.disk(d);
        std::printf("disk %s: service %s, image of %s\n", disk.name, p.process(disk.service)->name,
                    format_size(disk_image_bytes(m.disks[d])).c_str());
        for (isok::u32 i = 0; i < p.partition_count(); ++i) {
            const plan::Partition part = *p.partition(i);
            if (part.disk != d) continue;
            std::printf("  partition %s for %s: sectors %llu+%llu (%s)\n", part.name, p.process(part.member)->name,
                        static_cast<unsigned long long>(part.first_sector),
                        static_cast<unsigned long long>(part.sectors),
                        format_size(part.sectors * plan::layout::sector_bytes).c_str());
        }
    }
}

std::string counted(isok::u64 n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// The service, then the inputs in focus order: Ctrl-] and an input's number gives it the focus.
void print_console(const plan::Plan& p) {
    if (!p.has_console()) return;
    std::printf("console: service %s (uart, uart.irq), %s\n", p.process(p.console_service())->name,
                counted(p.console_input_count(), "input", "inputs").c_str());
    for (isok::u32 i = 0; i < p.console_input_count(); ++i) {
        const plan::ConsoleInput input = *p.console_input(i);
        const char* taker = p.process(input.process)->name;
        std::printf("  input %u: %s", i + 1, input.name);
        if (std::strcmp(taker, input.name) != 0) std::printf(", taken by %s", taker);
        std::printf("\n");
    }
}

std::string device_words(isok::u32 bits) {
    const char* names[] = {"uart", "virtio-console", "virtio-net", "virtio-block"};
    std::string words;
    for (int i = 0; i < 4; ++i)
        if (bits & (1u << i)) words += std::string(words.empty() ? "" : ", ") + names[i];
    return words.empty() ? "none" : words;
}

std::string file_words(const GuestFile& f) {
    const std::string size = format_size(f.bytes.size());
    const bool bytes = size.find_first_not_of("0123456789") == std::string::npos;
    return f.path + " (" + size + (bytes ? " bytes)" : ")");
}

void print_vm(const plan::Plan& p, isok::u32 index, const Vm& source) {
    const plan::Vm vm = *p.vm(index);
    const plan::Process vmm = *p.process(vm.vmm);
    std::printf("vm %s: kernel %s", vm.name, file_words(source.kernel).c_str());
    if (source.initrd) std::printf(", initrd %s", file_words(*source.initrd).c_str());
    std::printf(", memory %s, %s, priority %u, time slice %u, devices %s\n", format_size(vm.memory).c_str(),
                counted(vm.vcpus, "vCPU", "vCPUs").c_str(), vm.priority, vm.time_slice,
                device_words(vm.devices).c_str());
    std::printf("  budget %s (guest RAM %s + vCPUs %s + G-stage tables %s + kernel objects %s)\n",
                format_size(vm.budget).c_str(), format_size(source.need.ram).c_str(),
                format_size(source.need.vcpus).c_str(), format_size(source.need.stage2).c_str(),
                format_size(source.need.objects).c_str());
    print_vm_harts(vm);
    std::printf("  vmm %s: image %s, priority %u, budget %s (needs %s)", vmm.name, source.vmm.path.c_str(),
                vmm.priority, format_size(vmm.budget).c_str(), format_size(source.vmm_need.total()).c_str());
    if (vmm.harts.count) std::printf(", hart %u\n", vmm.harts.index[0]);
    else std::printf(", beside vCPU 0\n");
    if (*vm.bootargs) std::printf("  bootargs \"%s\"\n", vm.bootargs);
}

int summarize(const Manifest& m, const std::vector<isok::u8>& bytes) {
    auto p = plan::Plan::open(isok::Bytes(bytes.data(), bytes.size()));
    if (!p) {
        std::fprintf(stderr, "isotool check: the compiled plan does not read back: %s\n", plan::describe(p.error()));
        return 1;
    }
    isok::u64 total = 0;
    for (const Process& process : m.processes) total += process.budget;
    for (const Vm& vm : m.vms) total += vm.total();
    std::printf("system %s: %s, %s, ", p->system(), counted(m.processes.size(), "process", "processes").c_str(),
                counted(p->endpoint_count(), "endpoint", "endpoints").c_str());
    if (p->vm_count()) std::printf("%s, ", counted(p->vm_count(), "VM", "VMs").c_str());
    if (!m.networks.empty()) std::printf("%s, ", counted(m.networks.size(), "network", "networks").c_str());
    if (p->disk_count()) std::printf("%s, ", counted(p->disk_count(), "disk", "disks").c_str());
    std::printf("a %zu-byte plan, budgets %s in all", bytes.size(), format_size(total).c_str());
    if (m.memory) std::printf(" (memory %s)", format_size(*m.memory).c_str());
    std::printf("\n");
    // The plan lists the manifest's processes first, then the VMMs, which print with their VMs.
    for (isok::u32 i = 0; i < m.processes.size(); ++i) print_process(*p, i, m.processes[i]);
    for (isok::u32 i = 0; i < p->vm_count(); ++i) print_vm(*p, i, m.vms[i]);
    print_networks(*p);
    print_disks(*p, m);
    print_console(*p);
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

// The checks of the [[vm]] tables: guest RAM, devices, boot arguments, the guest's files,
// its VMM and the budgets of both, and what VMs add to the plan and the boot image. Each
// error names the VM and points at the line of its key. Rules: docs/manifest.md.
#include "file_io.hpp"
#include "manifest_check.hpp"
#include "plan_compile.hpp"
#include <isok/boot_image.hpp>
#include <isok/plan.hpp>
#include <isok/vm_config.hpp>
#include <set>

namespace isotool {
namespace {

using isok::u32;
using isok::u64;
using namespace manifest_rules;

std::string about(const Vm& v) { return "vm " + in_quotes(v.name) + ": "; }

struct Device {
    const char* name;
    u64 bit;
};
constexpr Device devices[] = {
    {"uart", isok::vm::device::uart},
    {"virtio-console", isok::vm::device::virtio_console},
    {"virtio-net", isok::vm::device::virtio_net},
    {"virtio-block", isok::vm::device::virtio_block},
};

void check_devices(Vm& v, Diagnostics& d) {
    const int line = v.lines.of("devices");
    std::set<std::string> seen;
    v.device_bits = 0;
    for (const std::string& name : v.devices) {
        const Device* found = nullptr;
        for (const Device& device : devices)
            if (name == device.name) found = &device;
        if (!found)
            d.error(line, about(v) + "unknown device " + in_quotes(name) +
                              " (known devices: uart, virtio-console, virtio-net, virtio-block)");
        else if (!seen.insert(name).second) d.error(line, about(v) + "device " + in_quotes(name) + " is listed twice");
        else v.device_bits |= u32(found->bit);
    }
}

// They become a string in the guest's device tree and its kernel command line.
void check_bootargs(const Vm& v, Diagnostics& d) {
    const int line = v.lines.of("bootargs");
    if (v.bootargs.size() > max_bootargs)
        return d.error(line, about(v) + "bootargs are " + std::to_string(v.bootargs.size()) +
                                 " characters long, more than " + std::to_string(max_bootargs));
    for (std::size_t i = 0; i < v.bootargs.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(v.bootargs[i]);
        if (c < 0x20 || c > 0x7e)
            return d.error(line, about(v) + "bootargs must be printable ASCII; character " + std::to_string(i + 1) +
                                     " is not");
    }
}

bool check_memory_size(const Vm& v, Diagnostics& d) {
    const int line = v.lines.of("memory");
    if (v.memory < min_vm_memory)
        d.error(line, about(v) + "memory " + format_size(v.memory) + " is less than the " +
                          format_size(min_vm_memory) + " a VM needs at least");
    else if (v.memory > isok::plan::layout::max_vm_memory)
        d.error(line, about(v) + "memory " + format_size(v.memory) + " is more than a VM can have (" +
                          format_size(isok::plan::layout::max_vm_memory) + ")");
    else return true;
    return false;
}

// Finds and reads a file the VM names under key; false (reported) when it cannot be had.
bool read_guest_file(const Manifest& m, const Vm& v, GuestFile& f, const std::string& what, const char* key,
                     const std::vector<std::string>& search, Diagnostics& d) {
    const int line = v.lines.of(key);
    f.path = resolve(m, f.name, search);
    if (f.path.empty()) {
        d.error(line, about(v) + what + " " + in_quotes(f.name) + " not found (looked in " + searched(m, search) + ")");
        return false;
    }
    if (auto s = read_file(f.path, f.bytes); !s) {
        d.error(line, about(v) + s.error());
        return false;
    }
    return true;
}

// The VMM maps each whole into a window of its address space.
bool check_guest_size(const Vm& v, const GuestFile& f, const std::string& what, const char* key, Diagnostics& d) {
    const std::string file = what + " " + in_quotes(f.path);
    if (f.bytes.empty()) d.error(v.lines.of(key), about(v) + file + " is empty");
    else if (f.bytes.size() > isok::plan::vm_build::image_window)
        d.error(v.lines.of(key), about(v) + file + " is larger than the " +
                                     format_size(isok::plan::vm_build::image_window) + " its VMM can map");
    else return true;
    return false;
}

void check_guest_files(const Manifest& m, Vm& v, const std::vector<std::string>& search, Diagnostics& d) {
    if (read_guest_file(m, v, v.kernel, "kernel", "kernel", search, d) &&
        check_guest_size(v, v.kernel, "kernel", "kernel", d) && is_elf(v.kernel.bytes))
        d.error(v.lines.of("kernel"), about(v) + "kernel " + in_quotes(v.kernel.path) +
                                          " is an ELF file; give the raw image (for Linux, arch/riscv/boot/Image)");
    if (v.initrd && read_guest_file(m, v, *v.initrd, "initrd", "initrd", search, d))
        check_guest_size(v, *v.initrd, "initrd", "initrd", d);
}

// The VMM is a process of the VM's own: its image must load clear of the pages the root maps
// for it, and its budget must cover them.
void check_vmm(const Manifest& m, Vm& v, const std::vector<std::string>& search, Diagnostics& d) {
    if (!read_guest_file(m, v, v.vmm, "VMM image", "vmm", search, d)) return;
    const int line = v.lines.of("vmm");
    const std::string image = "VMM image " + in_quotes(v.vmm.path);
    if (!is_elf(v.vmm.bytes)) return d.error(line, about(v) + image + " is not an ELF file");
    auto spans = loadable_spans(v.vmm.bytes);
    if (!spans) return d.error(line, about(v) + image + " cannot be loaded: " + spans.error());
    const auto windows = vmm_spans(v.memory, v.kernel.bytes.size(), v.initrd ? v.initrd->bytes.size() : 0);
    const auto links = link_roles(m, v.name);
    const auto link_windows = link_spans(links);
    auto fixed = fixed_spans(vmm_stack);
    fixed.insert(fixed.end(), windows.begin(), windows.end());
    fixed.insert(fixed.end(), link_windows.begin(), link_windows.end());
    if (const char* what = overlap(*spans, fixed)) return d.error(line, about(v) + image + " overlaps its " + what);
    v.vmm_need = vmm_footprint(*spans, vmm_stack, vmm_caps, windows, links, console_objects(m, v.name));
    if (v.vmm_budget && *v.vmm_budget < v.vmm_need.total())
        d.error(v.lines.of("vmm_budget"), about(v) + "vmm_budget " + format_size(*v.vmm_budget) +
                                              " is too small: it needs " + format_size(v.vmm_need.total()) + " (" +
                                              breakdown(v.vmm_need) + ")");
}

// Each VM adds a process record (its VMM) to the plan, and its kernel, initrd and VMM
// program (once per distinct file) to the boot image.
void check_counts(const Manifest& m, Diagnostics& d) {
    namespace layout = isok::plan::layout;
    if (m.vms.empty()) return;
    if (m.vms.size() > layout::max_vms)
        d.error(m.vms[layout::max_vms].lines.of("name"), "more than " + std::to_string(layout::max_vms) +
                                                        " VMs: a plan holds " + std::to_string(layout::max_vms));
    // Each VMM takes one of the plan's 64 process records too, but the boot image's 64
    // entries run out first (a VM adds at least its kernel and a VMM): checking them is enough.
    std::size_t initrds = 0;
    for (const Vm& v : m.vms) initrds += v.initrd ? 1 : 0;
    const std::size_t programs = vmm_images(m).size();
    const std::size_t entries = 2 + m.processes.size() + programs + m.vms.size() + initrds;
    auto counted = [](std::size_t n, const char* what) {
        return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
    };
    if (entries > isok::bootimage::layout::max_entries)
        d.error(0, "the boot image would hold " + std::to_string(entries) + " entries, more than " +
                       std::to_string(isok::bootimage::layout::max_entries) + ": the plan, the root, " +
                       counted(m.processes.size(), "program") + ", " + counted(programs, "VMM program") + ", " +
                       counted(m.vms.size(), "kernel") + " and " + counted(initrds, "initrd"));
}

} // namespace

void check_vms(Manifest& m, const std::vector<std::string>& search, Diagnostics& d) {
    for (Vm& v : m.vms) {
        const bool sized = check_memory_size(v, d);
        check_devices(v, d);
        check_bootargs(v, d);
        check_guest_files(m, v, search, d);
        // Budgets follow from the guest RAM size; without a valid one there are none to check.
        if (!sized) continue;
        v.need = vm_footprint(v.memory, v.vcpus);
        check_vmm(m, v, search, d);
    }
    check_counts(m, d);
}

} // namespace isotool

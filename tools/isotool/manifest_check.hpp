// The manifest's checks across keys and files: names, references, images, budgets, grants,
// VMs, networks, disks and the console.
#pragma once
#include "diagnostics.hpp"
#include "manifest.hpp"
#include <isok/plan.hpp>
#include <string>
#include <vector>

namespace isotool {

// Runs every check on a manifest whose keys all have the right types; reads each process's
// image (filling image_path, elf and need) and reports what is wrong to d.
void check_manifest(Manifest& m, const std::vector<std::string>& search, Diagnostics& d);

// The checks of the [[vm]] tables (manifest_vm.cpp): reads each VM's kernel, initrd and
// VMM (filling their paths and bytes, device_bits, need and vmm_need).
void check_vms(Manifest& m, const std::vector<std::string>& search, Diagnostics& d);

// The checks of the [[network]] and [[disk]] tables (manifest_links.cpp): names, references,
// addresses, sizes, the limits of a Links page, the devices of VMs, and the names each
// process would find its capabilities by. Fills each port's address.
void check_links(Manifest& m, Diagnostics& d);

// What a process or VM, by name, serves and holds on the manifest's networks and disks
// (for a VM, its VMM holds them).
isok::plan::LinkRoles link_roles(const Manifest& m, const std::string& domain);

// The checks of the [console] table (manifest_console.cpp): its service and its inputs.
void check_console(const Manifest& m, Diagnostics& d);

// What the console gives a process or VM, by name (for a VM, its VMM), in the numbers of
// isok::plan::console_build: its capabilities, and the kernel objects charged to it (the
// service's endpoint, an input's notification). 0 for neither the service nor an input.
isok::u32 console_caps(const Manifest& m, const std::string& domain);
isok::u32 console_objects(const Manifest& m, const std::string& domain);

// What the checks of processes and of VMs share.
std::string in_quotes(const std::string& s);
// 1..max_length characters from a-z 0-9 _ - (and '.' with dots); name_rule says so in words.
bool valid_name(const std::string& name, bool dots, std::size_t max_length = manifest_rules::max_name_length);
std::string name_rule(bool dots, std::size_t max_length = manifest_rules::max_name_length);
// Where a file named in the manifest is: beside it, then in each search folder; "" when nowhere.
std::string resolve(const Manifest& m, const std::string& file, const std::vector<std::string>& search);
// The folders resolve() looks in, for messages.
std::string searched(const Manifest& m, const std::vector<std::string>& search);
// The name of the first fixed span any image span overlaps, or nullptr.
const char* overlap(const std::vector<Span>& image, const std::vector<NamedSpan>& fixed);
// "image 4K + stack 16K + ...", the parts of a budget for messages.
std::string breakdown(const Footprint& f);

} // namespace isotool

// System manifest, virtual machines: every error the [[vm]] checks report, word for word
// and on its line; defaults and budgets; a manifest with VMs compiled into a plan and read
// back with the root's own reader.
#include "manifest_fixture.hpp"
#include <plan_compile.hpp>
#include <isok/plan.hpp>

namespace {

using namespace manifest_fixture;
namespace plan = isok::plan;
using isok::KiB;
using isok::MiB;

const std::string vm = "[[vm]]\nname = \"linux\"\nkernel = \"Image\"\n";
const std::string vm_keys =
    "name, kernel, initrd, memory, vcpus, priority, time_slice, bootargs, devices, vmm, vmm_budget, harts, restart, restart_limit";

std::vector<Case> cases() {
    std::string many_vms = head + ping, many_entries = head;
    for (int i = 0; i < 33; ++i)
        many_vms += "[[vm]]\nname = \"v" + std::to_string(i) + "\"\nkernel = \"Image\"\nmemory = \"4M\"\n";
    for (int i = 0; i < 20; ++i)
        many_entries += "[[process]]\nname = \"p" + std::to_string(i) + "\"\nimage = \"ping.elf\"\n";
    for (int i = 0; i < 21; ++i)
        many_entries += "[[vm]]\nname = \"v" + std::to_string(i) + "\"\nkernel = \"Image\"\ninitrd = \"rootfs.cpio\"\n";
    const std::string vmm_need = "268K (image 16K + stack 64K + IPC buffer 4K + startup page 4K + page tables 164K + "
                                 "kernel objects 8K + VM configuration and exits 8K)";
    return {
        {"unknown_key", head + ping + vm + "colour = 1\n", "colour",
         "vm 'linux': unknown key 'colour' (known keys: " + vm_keys + ")"},
        {"missing_kernel", head + ping + "[[vm]]\nname = \"linux\"\n", "[[vm]]",
         "vm 'linux': missing required key 'kernel'"},
        {"missing_name", head + ping + "[[vm]]\nkernel = \"Image\"\n", "[[vm]]", "vm #1: missing required key 'name'"},
        {"vm_not_array", head + ping + "[vm]\nname = \"linux\"\n", "[vm]",
         "'vm' must be an array of tables ([[vm]]), not a table"},
        {"vcpus_zero", head + ping + vm + "vcpus = 0\n", "vcpus", "vm 'linux': vcpus 0 is out of range 1..8"},
        {"vcpus_nine", head + ping + vm + "vcpus = 9\n", "vcpus", "vm 'linux': vcpus 9 is out of range 1..8"},
        {"priority", head + ping + vm + "priority = 255\n", "priority",
         "vm 'linux': priority 255 is out of range 1..254"},
        {"time_slice", head + ping + vm + "time_slice = 0\n", "time_slice",
         "vm 'linux': time_slice 0 is out of range 1..1000"},
        {"memory_small", head + ping + vm + "memory = \"2M\"\n", "memory",
         "vm 'linux': memory 2M is less than the 4M a VM needs at least"},
        {"memory_large", head + ping + vm + "memory = \"256G\"\n", "memory",
         "vm 'linux': memory 256G is more than a VM can have (192G)"},
        {"memory_not_page", head + ping + vm + "memory = 5000\n", "memory",
         "vm 'linux': memory 5000 is not a multiple of 4K"},
        {"bootargs_long", head + ping + vm + "bootargs = \"" + std::string(256, 'a') + "\"\n", "bootargs",
         "vm 'linux': bootargs are 256 characters long, more than 255"},
        {"bootargs_control", head + ping + vm + "bootargs = \"a\\tb\"\n", "bootargs",
         "vm 'linux': bootargs must be printable ASCII; character 2 is not"},
        {"bootargs_type", head + ping + vm + "bootargs = 1\n", "bootargs",
         "vm 'linux': 'bootargs' must be a string, not an integer"},
        {"unknown_device", head + ping + vm + "devices = [\"uart\", \"gpu\"]\n", "devices",
         "vm 'linux': unknown device 'gpu' (known devices: uart, virtio-console, virtio-net, virtio-block)"},
        {"device_twice", head + ping + vm + "devices = [\"uart\", \"uart\"]\n", "devices",
         "vm 'linux': device 'uart' is listed twice"},
        {"devices_type", head + ping + vm + "devices = \"uart\"\n", "devices",
         "vm 'linux': 'devices' must be an array of strings, not a string"},
        {"kernel_missing", head + ping + "[[vm]]\nname = \"linux\"\nkernel = \"absent\"\n", "absent",
         "vm 'linux': kernel 'absent' not found (looked in {dir})"},
        {"kernel_empty", head + ping + "[[vm]]\nname = \"linux\"\nkernel = \"empty.bin\"\n", "empty.bin",
         "vm 'linux': kernel '{dir}/empty.bin' is empty"},
        {"kernel_elf", head + ping + "[[vm]]\nname = \"linux\"\nkernel = \"ping.elf\"\n", "kernel = \"ping",
         "vm 'linux': kernel '{dir}/ping.elf' is an ELF file; give the raw image (for Linux, arch/riscv/boot/Image)"},
        {"kernel_directory", head + ping + "[[vm]]\nname = \"linux\"\nkernel = \"dir.elf\"\n", "dir.elf",
         "vm 'linux': '{dir}/dir.elf' is a directory"},
        {"initrd_missing", head + ping + vm + "initrd = \"absent.cpio\"\n", "absent",
         "vm 'linux': initrd 'absent.cpio' not found (looked in {dir})"},
        {"initrd_empty", head + ping + vm + "initrd = \"empty.bin\"\n", "empty.bin",
         "vm 'linux': initrd '{dir}/empty.bin' is empty"},
        {"vmm_missing", head + ping + vm + "vmm = \"absent.elf\"\n", "absent",
         "vm 'linux': VMM image 'absent.elf' not found (looked in {dir})"},
        {"vmm_not_elf", head + ping + vm + "vmm = \"text.elf\"\n", "text.elf",
         "vm 'linux': VMM image '{dir}/text.elf' is not an ELF file"},
        {"vmm_not_loadable", head + ping + vm + "vmm = \"arm.elf\"\n", "arm.elf",
         "vm 'linux': VMM image '{dir}/arm.elf' cannot be loaded: not a RISC-V file (e_machine is not EM_RISCV)"},
        {"vmm_overlaps_stack", head + ping + vm + "vmm = \"low.elf\"\n", "low.elf",
         "vm 'linux': VMM image '{dir}/low.elf' overlaps its stack"},
        {"vmm_budget_small", head + ping + vm + "vmm_budget = \"64K\"\n", "vmm_budget",
         "vm 'linux': vmm_budget 64K is too small: it needs " + vmm_need},
        {"vmm_budget_not_size", head + ping + vm + "vmm_budget = \"lots\"\n", "vmm_budget",
         "vm 'linux': vmm_budget \"lots\" is not a size (bytes, or a whole number with K, M or G, like \"64K\")"},
        {"name_used_by_process", head + ping + "[[vm]]\nname = \"ping\"\nkernel = \"Image\"\n", "name = \"ping\"\nk",
         "vm 'ping': name already used by the process on line 4"},
        {"name_used_by_vm", head + vm + "[[process]]\nname = \"linux\"\nimage = \"ping.elf\"\n",
         "name = \"linux\"\ni", "process 'linux': name already used by the vm on line 4"},
        {"name_too_long", head + ping + "[[vm]]\nname = \"" + std::string(28, 'v') + "\"\nkernel = \"Image\"\n",
         "vvv",
         "vm '" + std::string(28, 'v') + "': name must be 1..27 characters from a-z 0-9 _ - (its VMM is '<name>.vmm')"},
        {"name_with_dot", head + ping + "[[vm]]\nname = \"li.nux\"\nkernel = \"Image\"\n", "li.nux",
         "vm 'li.nux': name must be 1..27 characters from a-z 0-9 _ - (its VMM is '<name>.vmm')"},
        {"name_reserved", head + ping + "[[vm]]\nname = \"plan\"\nkernel = \"Image\"\n", "\"plan\"",
         "vm 'plan': the name 'plan' is reserved for the boot image's own entries"},
        {"channel_to_vm", head + ping + vm + "[[channel]]\nname = \"pp\"\nserver = \"linux\"\nclients = [\"ping\"]\n",
         "server", "channel 'pp': server 'linux' is a VM, not a process"},
        {"fault_handler_vm", head + ping + "fault_handler = \"linux\"\n" + vm, "fault_handler",
         "process 'ping': fault_handler 'linux' is a VM, not a process"},
        {"memory_exceeded", "[system]\nname = \"demo\"\nmemory = \"64M\"\n" + ping + vm, "memory",
         "[system]: the budgets add up to 66348K, more than memory = 64M"},
        {"too_many_vms", many_vms, "name = \"v32\"", "more than 32 VMs: a plan holds 32"},
        {"too_many_entries", many_entries, "",
         "the boot image would hold 65 entries, more than 64: the plan, the root, 20 programs, 1 VMM program, "
         "21 kernels and 21 initrds"},
    };
}

class ManifestVmError : public ::testing::TestWithParam<Case> {};

TEST_P(ManifestVmError, IsReportedOnItsLine) {
    Folder folder;
    EXPECT_EQ(folder.errors(GetParam().toml), expected_errors(folder, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(ManifestVm, ManifestVmError, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

TEST(ManifestVm, DefaultsAndBudgets) {
    Folder folder;
    ASSERT_EQ(folder.errors(head + ping + vm), std::vector<std::string>{});
    const isotool::Vm& v = folder.model().vms.at(0);
    EXPECT_EQ(v.memory, 64 * MiB);
    EXPECT_EQ(v.vcpus, 1u);
    EXPECT_EQ(v.priority, 100u);
    EXPECT_EQ(v.time_slice, 10u);
    EXPECT_EQ(v.device_bits, u32(isok::vm::device::uart));
    EXPECT_FALSE(v.initrd);
    EXPECT_EQ(v.bootargs, "");
    EXPECT_EQ(v.vmm.path, folder.dir() + "/vmm.elf");
    // Guest RAM; a page per vCPU; the 16K Sv39x4 root, 1 middle and 32 last-level tables;
    // the VM domain's capability space and mapping record.
    EXPECT_EQ(v.need.ram, 64 * MiB);
    EXPECT_EQ(v.need.vcpus, 4 * KiB);
    EXPECT_EQ(v.need.stage2, 148 * KiB);
    EXPECT_EQ(v.need.objects, 8 * KiB);
    // Its VMM: 41 page tables: the root; middle tables for the first GiB and the windows of
    // the kernel and guest RAM; last-level tables for the image, the stack, the IPC buffer,
    // the startup and configuration pages (one), the kernel and 32 for guest RAM.
    EXPECT_EQ(v.vmm_need.page_tables, 41 * 4 * KiB);
    EXPECT_EQ(v.vmm_need.total(), 268 * KiB);
    EXPECT_EQ(v.vmm_budget_bytes(), 396 * KiB); // what it needs and 128K for later
    EXPECT_EQ(v.total(), 64 * MiB + 160 * KiB + 396 * KiB);
}

TEST(ManifestVm, TheDefaultVmmIsFoundInSearchFolders) {
    Folder folder;
    fs::rename(folder.dir() + "/vmm.elf", folder.dir() + "/lib/vmm.elf");
    const std::string toml = head + ping + vm;
    EXPECT_EQ(folder.errors(toml, {folder.dir() + "/lib"}), std::vector<std::string>{});
    EXPECT_EQ(folder.model().vms.at(0).vmm.path, folder.dir() + "/lib/vmm.elf");
    const std::vector<std::string> missing{folder.manifest() +
                                           ":6: vm 'linux': VMM image 'vmm.elf' not found (looked in " + folder.dir() +
                                           ")"};
    EXPECT_EQ(folder.errors(toml), missing);
}

TEST(ManifestVm, VmmImageMustStayClearOfTheConfigurationPage) {
    Folder folder;
    write_file(folder.dir() + "/config.elf", fake_elf({{0x10000, 0x100, 5}, {0x3f300000, 0x1000, 6}}));
    const auto errors = folder.errors(head + ping + vm + "vmm = \"config.elf\"\n");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("config.elf' overlaps its VM configuration page"), std::string::npos) << errors[0];
}

TEST(ManifestVm, VmsCompileIntoThePlanAfterTheProcesses) {
    Folder folder;
    fs::copy_file(folder.dir() + "/vmm.elf", folder.dir() + "/lib/other.elf");
    const std::string toml = head + ping + vm +
                             "initrd = \"rootfs.cpio\"\nmemory = \"128M\"\nvcpus = 2\npriority = 120\ntime_slice = 5\n"
                             "bootargs = \"console=ttyS0 earlycon=sbi\"\ndevices = [\"virtio-net\", \"uart\"]\n"
                             "vmm_budget = \"1M\"\n" +
                             "[[vm]]\nname = \"tiny\"\nkernel = \"Image\"\ndevices = []\npriority = 254\n" +
                             "[[vm]]\nname = \"other\"\nkernel = \"Image\"\nvmm = \"lib/other.elf\"\n" +
                             "[[network]]\nname = \"lan\"\nswitch = \"ping\"\n" +
                             "ports = [{ domain = \"linux\", mac = \"02:00:00:00:00:01\" }]\n";
    ASSERT_EQ(folder.errors(toml), std::vector<std::string>{});
    const isotool::Manifest& m = folder.model();
    auto bytes = isotool::compile_plan(m);
    ASSERT_TRUE(bytes.ok()) << bytes.error();
    auto p = plan::Plan::open({bytes->data(), bytes->size()});
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    ASSERT_EQ(p->process_count(), 4u);
    ASSERT_EQ(p->vm_count(), 3u);
    auto linux = *p->vm(0);
    EXPECT_STREQ(linux.name, "linux");
    EXPECT_STREQ(linux.kernel, "linux.kernel");
    EXPECT_STREQ(linux.initrd, "linux.initrd");
    EXPECT_EQ(linux.memory, 128 * MiB);
    EXPECT_EQ(linux.budget, m.vms[0].need.total());
    EXPECT_EQ(linux.vcpus, 2u);
    EXPECT_EQ(linux.priority, 120u);
    EXPECT_EQ(linux.time_slice, 5u);
    EXPECT_EQ(linux.devices, u32(isok::vm::device::uart | isok::vm::device::virtio_net));
    EXPECT_EQ(linux.vmm, 1u);
    EXPECT_STREQ(linux.bootargs, "console=ttyS0 earlycon=sbi");
    auto vmm = *p->process(1);
    EXPECT_STREQ(vmm.name, "linux.vmm");
    EXPECT_STREQ(vmm.image, "vmm.elf");
    EXPECT_EQ(vmm.budget, MiB);
    EXPECT_EQ(vmm.stack, 64 * KiB);
    EXPECT_EQ(vmm.priority, 121u); // one above its vCPUs
    EXPECT_EQ(vmm.cap_slots, 64u);
    EXPECT_EQ(vmm.fault_handler, plan::none);
    EXPECT_EQ(vmm.grant_count, 0u);
    auto tiny = *p->vm(1);
    EXPECT_STREQ(tiny.initrd, "");
    EXPECT_EQ(tiny.devices, 0u);
    EXPECT_EQ(tiny.vmm, 2u);
    EXPECT_EQ(p->process(2)->priority, 254u);
    EXPECT_EQ(p->process(2)->budget, m.vms[1].vmm_budget_bytes());
    EXPECT_STREQ(p->process(2)->image, "vmm.elf"); // the same VMM program, packed once
    EXPECT_STREQ(p->process(3)->image, "vmm.2.elf");
    const auto images = isotool::vmm_images(m);
    ASSERT_EQ(images.size(), 2u);
    EXPECT_EQ(images[1].file->path, folder.dir() + "/lib/other.elf");
    ASSERT_EQ(p->port_count(), 1u); // a VM's port is its VMM's
    EXPECT_EQ(p->port(0)->member, 1u);
    EXPECT_EQ(p->port(0)->switch_process, 0u);
}

} // namespace

// Linux in a VM: the same unmodified Linux 6.1 Image that linux_direct_test boots on bare
// QEMU, as the kernel of a [[vm]] beside native processes of its vCPU's priority. It boots
// to its init, init reports what it sees and powers the VM off through SBI SRST (the VMM
// says "[linux] powered off"), and the processes beside it finish their work. On the
// emulated UART with earlycon through SBI (vm_linux), and on SBI's console with a virtio
// console as the only device (vm_linux_hvc).
//
// Each test prints the guest's figures. rdinstret counts every instruction of the machine
// (QEMU -icount), so "boot-to-init" is taken from the instruction count at which the VMM
// started the vCPU; here it includes what the processes beside the guest ran meanwhile
// (`make bench` boots Linux in a VM alone and compares it with the direct boot).
#include "system_test.hpp"

#include <filesystem>

using namespace isok::test;

namespace {

const std::string linux_image = ISOK_LINUX_IMAGE;

class LinuxVmTest : public SystemTest {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(linux_image))
            << "no Linux guest Image at " << linux_image << " (build target linux_guest, guests/linux/build.sh)";
    }

    // Boots the system on one hart until the VMM says the guest powered off: the guest
    // has far more to do (about 50M instructions) than the processes beside it (a few M).
    QemuRun boot_linux_vm(const std::string& name, int processes) {
        QemuConfig c;
        c.kernel = kernel_path;
        c.boot_image = test_image(name);
        c.harts = 1;
        c.memory = "512M"; // 128M of guest RAM in one piece: see vm_linux.toml
        c.until = "[linux] powered off\r\n";
        c.timeout = std::chrono::seconds(120);
        QemuRun run = boot(c);
        // Lines end in "\n" here: the console's "\r" is dropped.
        std::erase(run.console, '\r');
        EXPECT_TRUE(run.reached_until) << "the guest never powered off";
        EXPECT_FALSE(run.contains("KERNEL PANIC")) << "the kernel went down";
        EXPECT_TRUE(run.contains("[root] vm 'linux': 128 MiB of guest RAM, 1 vCPU; 'linux.vmm' starts it\n"));
        EXPECT_TRUE(run.contains("[root] started " + std::to_string(processes) + " processes\n"))
            << "the root did not start every process and the VMM";
        return run;
    }

    // What every boot must show, whichever console it uses.
    void expect_init_ran_and_powered_off(const QemuRun& run) {
        EXPECT_TRUE(run.contains("[linux] [    0.000000] Linux version 6.1."));
        EXPECT_TRUE(run.contains("[linux] [    0.000000] Machine model: Isokernel virtual machine\n"));
        EXPECT_TRUE(run.contains("SBI SRST extension detected"));
        EXPECT_TRUE(run.contains("Run /init as init process"));
        EXPECT_EQ(run.match(R"(\[linux\] init: hello from Linux 6\.1\.\d+ on 1 cpus\n)").size(), 1u);
        auto isa = run.match(R"(\[linux\] init: isa (rv64\S+))");
        ASSERT_EQ(isa.size(), 2u);
        EXPECT_NE(isa[1].find("rv64imafdc"), std::string::npos) << isa[1];
        auto memory = run.match(R"(\[linux\] init: memory total (\d+) KiB)");
        ASSERT_EQ(memory.size(), 2u);
        EXPECT_GT(std::stol(memory[1]), 100 * 1024); // of the VM's 128 MiB
        EXPECT_LE(std::stol(memory[1]), 128 * 1024);
        EXPECT_TRUE(run.contains("[linux] init: workload: 82025 primes below 1048576"));
        EXPECT_TRUE(run.contains("[linux] init: powering off\n"));
        EXPECT_TRUE(run.contains("reboot: Power down"));
        EXPECT_TRUE(run.contains("[linux] powered off\n"));
        EXPECT_FALSE(run.contains("power-off failed"));
        EXPECT_FALSE(run.contains("Kernel panic"));
        EXPECT_FALSE(run.contains("Oops"));
        EXPECT_FALSE(run.contains("VM stopped")) << "the VMM stopped the guest";
        EXPECT_FALSE(run.contains("powered off (")) << "the guest did not power off cleanly";
    }

    static void expect_pingpong_finished(const QemuRun& run) {
        EXPECT_TRUE(run.contains("[pong] answered 1000 balls\n"));
        EXPECT_TRUE(run.contains("[ping] sent 1000 balls, 1000 answers right, pong counted 1000\n"));
    }

    static std::string first(const QemuRun& run, const std::string& regex) {
        auto m = run.match(regex);
        return m.size() >= 2 ? m[1] : "?";
    }

    static void print_figures(const std::string& console, const QemuRun& run) {
        std::string start = first(run, R"(\[linux\.vmm\] vmm: vcpu0 starts at pc [0-9a-f]+, instruction (\d+))");
        std::string init = first(run, R"(\[linux\] init: boot-to-init (\d+) instructions)");
        std::string boot = start != "?" && init != "?" ? std::to_string(std::stoull(init) - std::stoull(start)) : "?";
        std::cout << "linux-vm (" << console << "): boot-to-init " << boot << " instructions from the vCPU's start ("
                  << init << " at init - " << start
                  << " at start; the processes' share included); kernel clock at init "
                  << first(run, R"(\[linux\] init: kernel monotonic clock at init (\d+) ns)") << " ns\n"
                  << "linux-vm (" << console << "): sieve "
                  << first(run, R"(\[linux\] init: workload: \d+ primes below \d+ in (\d+) instructions)")
                  << " instructions, getppid " << first(run, R"(\[linux\] init: syscall: getppid (\d+) instructions)")
                  << " instructions per call\n";
    }
};

} // namespace

TEST_F(LinuxVmTest, BootsToInitOnTheUartBesideProcessesAndPowersOff) {
    // pong, ping, server, alpha, beta and linux.vmm.
    QemuRun run = boot_linux_vm("vm_linux", 6);
    expect_init_ran_and_powered_off(run);
    // The device tree the VMM wrote: the UART it emulates, and earlycon through SBI.
    EXPECT_TRUE(run.contains("[linux] [    0.000000] earlycon: sbi0"));
    EXPECT_TRUE(run.contains("ttyS0 at MMIO 0x10000000"));
    EXPECT_TRUE(run.contains("printk: console [ttyS0] enabled"));
    EXPECT_TRUE(run.contains("Kernel command line: console=ttyS0 earlycon=sbi\n"));
    // The processes beside it did their work.
    expect_pingpong_finished(run);
    EXPECT_TRUE(run.contains("[server] client 'alpha' (badge 1) made 100 requests\n"));
    EXPECT_TRUE(run.contains("[server] client 'beta' (badge 2) made 200 requests\n"));
    EXPECT_TRUE(run.contains("[alpha] 100 requests, 100 answers named my badge 1, server counted 100\n"));
    EXPECT_TRUE(run.contains("[beta] 200 requests, 200 answers named my badge 2, server counted 200\n"));
    print_figures("ttyS0", run);
}

TEST_F(LinuxVmTest, BootsToInitOnTheSbiConsoleWithoutAUart) {
    // pong, ping and linux.vmm.
    QemuRun run = boot_linux_vm("vm_linux_hvc", 3);
    expect_init_ran_and_powered_off(run);
    EXPECT_TRUE(run.contains("printk: console [hvc0] enabled"));
    // The VM has a virtio console and no UART: its device tree lists none, so the 8250
    // driver finds no port.
    EXPECT_FALSE(run.contains("ttyS0"));
    expect_pingpong_finished(run);
    print_figures("hvc0", run);
}

// A user program of the guest reads an address where the VM has no device. A real
// machine raises a load access fault there, and Linux on RISC-V sends the program
// SIGSEGV with SEGV_ACCERR (its access-fault handler; SIGBUS is for misaligned accesses)
// and runs on. The VMM hands the guest exactly that fault instead of stopping the VM.
TEST_F(LinuxVmTest, AProgramReadingWhereNoDeviceIsGetsItsSignalAndLinuxRunsOn) {
    QemuRun run = boot_linux_vm("vm_linux_fault", 3);
    expect_init_ran_and_powered_off(run);
    EXPECT_TRUE(run.contains("[linux] init: fault: a program reads guest-physical 0x20000000, where the VM has no device\n"));
    EXPECT_EQ(run.match(R"(\[linux\] vmm: vcpu0: load from 20000000 \(pc [0-9a-f]+\): no device there; load access fault to the guest\n)")
                  .size(),
              1u);
    EXPECT_TRUE(run.contains("[linux] init: fault: the program got SIGSEGV (SEGV_ACCERR)\n"));
    EXPECT_TRUE(run.contains("[linux] init: fault: the program ended on its signal; Linux runs on\n"));
    EXPECT_FALSE(run.contains("fault failed"));
    expect_pingpong_finished(run);
}


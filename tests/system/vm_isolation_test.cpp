// Virtual machines that misbehave (guests/hostile, one scenario per VM, chosen by its
// bootargs) beside native processes, a ping-pong pair and a worker, which must finish
// whatever the VMs do:
//   outside, csr-junk, device  every forbidden access reaches nothing and comes back to the
//                              guest as the fault a real machine (without the H extension)
//                              raises: an access fault, an illegal instruction, which the
//                              guest handles and goes on; the VMM names the first ones; a
//                              VM reaches only the devices its manifest gives it;
//   sbi-junk                   every malformed SBI call is refused with an SBI error and
//                              the guest powers off cleanly;
//   mmio-storm, spin-masked    processes of the VM's priority still get the processor.
// In the first four systems the processes have lower priorities than the VMs, so they do
// their work after the VMs are gone (the worker last); in the last two they share the
// processor with the VM. See the manifests in tests/system/systems/vm_hostile_*.toml.
#include "system_test.hpp"

#include <regex>

using namespace isok::test;

namespace {

// The end of the worker's only line, which no hostile guest's line ends with (the storm's
// "... in <n> instructions" does, and comes long after the worker's; see StormTest).
const std::string worker_done = " instructions\r\n";
const std::string worker_line =
    R"(\[worker\] finished 5000000 rounds \(hash d06d546b967d77e5\); the processor was taken from me (\d+) times, for (\d+) instructions\n)";

struct Worker {
    unsigned long taken = 0;     // times the processor was taken from it for more than 100000 instructions
    unsigned long long away = 0; // instructions it was away in all
};

class VmIsolationTest : public SystemTest {
protected:
    // The system on one hart (what the kernel uses), until `until` appears.
    QemuConfig system(const std::string& name, const std::string& until) {
        QemuConfig c;
        c.kernel = kernel_path;
        c.boot_image = test_image(name);
        c.harts = 1;
        c.until = until;
        c.timeout = std::chrono::seconds(60);
        return c;
    }
    QemuRun boot_system(const std::string& name, const std::string& until, int processes) {
        return boot_system(system(name, until), processes);
    }
    QemuRun boot_system(const QemuConfig& c, int processes) {
        const std::string& until = c.until;
        QemuRun run = boot(c);
        // Lines end in "\n" here: the console's "\r" is dropped.
        std::erase(run.console, '\r');
        EXPECT_TRUE(run.reached_until) << "never saw '" << until << "'";
        EXPECT_FALSE(run.contains("KERNEL PANIC")) << "the kernel went down";
        EXPECT_TRUE(run.contains("[root] started " + std::to_string(processes) + " processes\n"))
            << "the root did not start every process and VMM";
        return run;
    }

    // The ping-pong pair and the worker finished their work; the worker's account.
    Worker expect_processes_finished(const QemuRun& run) {
        EXPECT_TRUE(run.contains("[pong] answered 1000 balls\n"));
        EXPECT_TRUE(run.contains("[ping] sent 1000 balls, 1000 answers right, pong counted 1000\n"));
        auto m = run.match(worker_line);
        EXPECT_EQ(m.size(), 3u) << "the worker did not finish, or computed something else";
        if (m.size() != 3u) return {};
        return {std::stoul(m[1]), std::stoull(m[2])};
    }
};

} // namespace

// Each target of the scenario's list in a VM of its own (16 MiB: RAM 0x80000000-0x81000000);
// "outside" stores to all six of the default list.
TEST_F(VmIsolationTest, StoresOutsideRamReachNothingAndAreTheGuestsAccessFaults) {
    QemuRun run = boot_system("vm_hostile_outside", worker_done, 9);
    struct Target {
        const char* vm;
        const char* address; // as the guest prints it, without 0x
        const char* why;
    };
    const Target targets[] = {
        {"outside", "200000000", "8 GiB, far above RAM, no device"},
        {"outside", "7fff0000", "64 KiB below RAM, no device"},
        {"outside", "81000000", "the first byte past RAM"},
        {"outside", "c1000000", "1 GiB past RAM, where another VM's or the host's memory would be"},
        {"below-64k", "7fff0000", "given by hostile.addr, not in my device tree"},
        {"below-4k", "7ffff000", "given by hostile.addr, not in my device tree"},
        {"past-end", "81000000", "given by hostile.addr, not in my device tree"},
        {"past-end-1g", "c1000000", "given by hostile.addr, not in my device tree"},
        {"vmm-window", "1000000000", "given by hostile.addr, not in my device tree"},
    };
    for (const Target& t : targets) {
        SCOPED_TRACE(std::string(t.vm) + " " + t.address);
        const std::string vm = std::string("[") + t.vm + "] ";
        EXPECT_TRUE(run.contains(vm + "hostile: scenario outside on hart 0: RAM 0x80000000-0x81000000, 1 cpu(s)"));
        EXPECT_TRUE(run.contains(vm + "hostile: storing 0x21656c6974736f68 to 0x" + t.address + " (" + t.why + ")\n"));
        // The guest's own trap handler got the fault, with the address it used.
        EXPECT_TRUE(run.contains(vm + "hostile: the store at 0x" + t.address + " raised a store access fault (stval 0x" +
                                 t.address + "); going on\n"));
    }
    // The VMM names each VM's first fault (and the 2nd, 4th, ...: not every one).
    for (const char* vm : {"below-64k", "below-4k", "past-end", "past-end-1g", "vmm-window"})
        EXPECT_EQ(run.match(std::string("\\[") + vm +
                            R"(\] vmm: vcpu0: store to [0-9a-f]+ \(pc [0-9a-f]+\): no device there; store access fault to the guest\n)")
                      .size(),
                  1u)
            << vm;
    EXPECT_TRUE(run.contains("[outside] vmm: vcpu0: store to 200000000 (pc "));
    EXPECT_FALSE(run.contains("went through"));
    EXPECT_FALSE(run.contains("VM stopped"));
    // Each went on to the end of its list: on a bare hart, too, that is where it stops.
    EXPECT_EQ(run.count("hostile: survived\n"), 6u);
    expect_processes_finished(run);
}

TEST_F(VmIsolationTest, AHypervisorCsrIsAnIllegalInstructionToTheGuestAsOnAHartWithoutH) {
    QemuRun run = boot_system("vm_hostile_csr_junk", worker_done, 4);
    // M-mode CSRs are the guest's own illegal instructions: its trap handler skips them.
    EXPECT_TRUE(run.contains(
        "[hostile] hostile: M-mode CSRs: 4 of 4 accesses trapped as illegal instructions and were skipped\n"));
    EXPECT_TRUE(
        run.contains("[hostile] hostile: reading hstatus (CSR 0x600): csrr a0, hstatus, instruction 0x60002573\n"));
    // A hypervisor CSR is a virtual-instruction exit; the guest's machine has no H
    // extension, so the VMM hands it the illegal instruction a hart without H raises.
    EXPECT_EQ(run.match(R"(\[hostile\] vmm: vcpu0: instruction 60002573 at pc [0-9a-f]+: illegal instruction to the guest\n)")
                  .size(),
              1u);
    EXPECT_TRUE(run.contains(
        "[hostile] hostile: the hstatus read raised an illegal instruction (this hart has no H extension); going on\n"));
    EXPECT_TRUE(run.contains(
        "[hostile] hostile: the hgatp write raised an illegal instruction (this hart has no H extension); going on\n"));
    EXPECT_FALSE(run.contains("hstatus is"));
    EXPECT_FALSE(run.contains("went through"));
    EXPECT_TRUE(run.contains("[hostile] hostile: survived\n"));
    expect_processes_finished(run);
}

// A VMM that dies (vm_vmm_crash.toml: the VM "doomed" has the faulter for VMM) takes its
// VM with it: the root kills the VMM, destroys the VM's domain and gets its memory back.
// The other VM and the processes never depended on it, and finish.
TEST_F(VmIsolationTest, AVmmThatDiesTakesItsVmAlongAndTheMemoryReturns) {
    // Not worker_done: the mini guest's workload line ends the same way.
    QemuConfig c = system("vm_vmm_crash", "[worker] finished");
    c.whole_lines = true; // the worker's line is read whole below
    c.skip_idle = true;   // the witness's timer checks, whatever the host's load
    QemuRun run = boot_system(c, 5);
    EXPECT_EQ(run.match(R"(\[root\] process 'doomed\.vmm' faulted: store page fault \(cause 15\) at pc 0x[0-9a-f]+, address 0x0*50000000; killed\n)")
                  .size(),
              1u);
    auto returned = run.match(R"(\[root\] the VM of 'doomed\.vmm' is stopped and destroyed: (\d+) KiB returned\n)");
    ASSERT_EQ(returned.size(), 2u);
    EXPECT_GE(std::stoul(returned[1]), 16u * 1024) << "at least its 16 MiB of guest RAM";
    EXPECT_FALSE(run.contains("[doomed] ")) << "the doomed VM never ran";
    EXPECT_TRUE(run.contains("[witness] mini: all 12 checks passed\n"));
    EXPECT_FALSE(run.contains("went through"));
    expect_processes_finished(run);
}

// Four VMs with different devices; each reads what its device tree does not list.
TEST_F(VmIsolationTest, AVmReachesOnlyTheDevicesItsManifestGives) {
    QemuRun run = boot_system("vm_hostile_device", worker_done, 7);
    struct Read {
        const char* vm;
        const char* devices; // what the guest counts in its device tree: the PLIC and the rest
        const char* announce;
        const char* address;
    };
    const Read reads[] = {
        // Without "uart" in its manifest, a VM cannot reach the UART, though "no-virtio" has one.
        {"no-uart", "2 device(s)", "reading 1 byte(s) at 0x10000005 (ns16550a line status, not in my device tree)",
         "10000005"},
        {"other-slot", "2 device(s)", "reading 4 byte(s) at 0x10002000 (given by hostile.addr, not in my device tree)",
         "10002000"},
        // Without "virtio-console", a VM cannot reach the virtio slot "no-uart" has.
        {"no-virtio", "2 device(s)", "reading 4 byte(s) at 0x10001000 (virtio-mmio magic, not in my device tree)",
         "10001000"},
        {"bare", "1 device(s)", "reading 1 byte(s) at 0x10000005 (ns16550a line status, not in my device tree)",
         "10000005"},
    };
    for (const Read& r : reads) {
        SCOPED_TRACE(r.vm);
        const std::string vm = std::string("[") + r.vm + "] ";
        EXPECT_TRUE(run.contains(vm + "hostile: scenario device on hart 0: RAM 0x80000000-0x81000000, 1 cpu(s), " +
                                 r.devices));
        EXPECT_TRUE(run.contains(vm + "hostile: " + r.announce + "\n"));
        EXPECT_TRUE(run.contains(vm + "vmm: vcpu0: load from " + r.address + " (pc "));
        EXPECT_TRUE(run.contains(vm + "hostile: the load at 0x" + r.address + " raised a load access fault (stval 0x" +
                                 r.address + "); going on\n"));
        EXPECT_TRUE(run.contains(vm + "hostile: survived\n"));
    }
    // No read came back with a value: every one was the guest's access fault.
    EXPECT_FALSE(run.contains("hostile: the load from"));
    EXPECT_FALSE(run.contains("nothing to read"));
    EXPECT_FALSE(run.contains("VM stopped"));
    expect_processes_finished(run);
}

TEST_F(VmIsolationTest, MalformedSbiCallsAreRefusedAndTheGuestPowersOff) {
    QemuRun run = boot_system("vm_hostile_sbi_junk", worker_done, 4);
    const std::string not_supported = "-2 SBI_ERR_NOT_SUPPORTED", invalid = "-3 SBI_ERR_INVALID_PARAM",
                      already = "-6 SBI_ERR_ALREADY_AVAILABLE";
    // What the VMM answers each call (guests/hostile/README.md; 64 MiB, RAM ends at 0x84000000).
    const std::vector<std::pair<std::string, std::string>> calls = {
        {"unknown extension 0x44da0128", not_supported},
        {"unknown extension 0xb7338520", not_supported},
        {"unknown extension 0x3689b1c8", not_supported},
        {"unknown extension 0x744872c5", not_supported},
        {"unknown extension 0xffffffff", not_supported},
        {"base unknown function 7", not_supported},
        {"time unknown function 1", not_supported},
        {"ipi unknown function 1", not_supported},
        {"rfence unknown function 7", not_supported},
        {"hsm unknown function 8", not_supported},
        {"srst unknown function 1", not_supported},
        {"dbcn unknown function 3", not_supported},
        {"dbcn console_write 16 bytes at 0x200000000 (outside RAM)", invalid},
        {"dbcn console_write 16 bytes at 0x7ffff000 (below RAM)", invalid},
        {"dbcn console_write 64 bytes at 0x83fffff8 (across the end of RAM)", invalid},
        {"dbcn console_write 0xffffffffffffffff bytes (wraps around)", invalid},
        {"dbcn console_write 1 TiB (more than RAM)", invalid},
        {"dbcn console_write 16 bytes above 2^64 (base_hi 1)", invalid},
        {"dbcn console_read 16 bytes into 0x200000000 (outside RAM)", invalid},
        {"hsm hart_start of hart 1 (one past the last)", invalid},
        {"hsm hart_start of hart 0xffffffff", invalid},
        {"hsm hart_start of hart 0 (me, running)", already},
        {"hsm hart_get_status of hart 1 (one past the last)", invalid},
        {"ipi send_ipi to hart 0x10000", invalid},
        {"rfence remote_fence_i on hart 0x10000", invalid},
        {"srst system_reset type 3 (reserved)", invalid},
        {"srst system_reset type 0xf0000000 (vendor)", not_supported},
        {"srst system_reset type 0x100000000 (beyond 32 bits)", invalid},
    };
    // Every call has its line, in order, and there is no other.
    size_t at = 0, lines = 0;
    for (const auto& [call, error] : calls) {
        std::string line = "[hostile] hostile: sbi " + call + " -> error " + error + "\n";
        size_t found = run.console.find(line, at);
        EXPECT_NE(found, std::string::npos) << "missing, or out of order: " << line;
        if (found != std::string::npos) at = found + line.size();
    }
    for (size_t p = 0; (p = run.console.find("[hostile] hostile: sbi ", p)) != std::string::npos; ++p) ++lines;
    EXPECT_EQ(lines, calls.size());
    EXPECT_FALSE(run.contains("SBI_SUCCESS"));
    EXPECT_FALSE(run.contains("this text must never be printed"));
    EXPECT_FALSE(run.contains("VM stopped")) << "the VMM stopped the VM instead of refusing a call";
    // Then a clean shutdown, and the processes run after it.
    EXPECT_TRUE(run.contains("[hostile] hostile: sbi-junk done\n[hostile] powered off\n"));
    EXPECT_FALSE(run.contains("powered off (system failure)"));
    EXPECT_GT(run.console.find("[worker] finished"), run.console.find("[hostile] powered off"));
    expect_processes_finished(run);
}

// Every read of the storm exits to the VMM, which runs one priority above the vCPU. The
// worker (50M instructions of its own) finishes long before the storm (about 430M), and
// the test waits for the storm's end; its count line ends like the worker's.
TEST_F(VmIsolationTest, AnMmioStormDoesNotStopProcessesOfItsPriority) {
    QemuRun run = boot_system("vm_hostile_mmio_storm", "[hostile] hostile: storming on forever\r\n", 4);
    EXPECT_TRUE(
        run.contains("[hostile] hostile: storm: 200000 reads of 0x10000007 (the ns16550a scratch register)\n"));
    auto storm = run.match(R"(\[hostile\] hostile: storm done: 200000 reads in (\d+) instructions\n)");
    ASSERT_EQ(storm.size(), 2u);
    EXPECT_FALSE(run.contains("VM stopped"));
    Worker w = expect_processes_finished(run);
    EXPECT_LT(run.console.find("[worker] finished"), run.console.find("storm done"));
    std::cout << "mmio-storm: 200000 reads in " << storm[1] << " instructions (" << std::stoull(storm[1]) / 200000
              << " per read); the worker was taken from it " << w.taken << " times, for " << w.away
              << " instructions\n";
}

// The guest masks its interrupts and spins: only the host's timer takes the processor from
// it, every tick (its time slice and the worker's are one tick, 10M instructions).
TEST_F(VmIsolationTest, AGuestSpinningWithInterruptsMaskedDoesNotStopProcessesOfItsPriority) {
    QemuRun run = boot_system("vm_hostile_spin_masked", worker_done, 4);
    EXPECT_TRUE(
        run.contains("[hostile] hostile: masking interrupts (sstatus.SIE = 0, sie = 0) and spinning forever\n"));
    EXPECT_FALSE(run.contains("VM stopped"));
    Worker w = expect_processes_finished(run);
    // The spinning VM did take the processor from the worker, each time for about a slice.
    EXPECT_GE(w.taken, 1u) << "the VM never ran beside the worker";
    if (w.taken) {
        EXPECT_LE(w.away / w.taken, 15'000'000ull) << "the VM kept the processor past its slice";
    }
    std::cout << "spin-masked: the worker was taken from it " << w.taken << " times, for " << w.away
              << " instructions\n";
}

// uart-mix: the kernel keeps the UART's transmitter for the VMM, and the console shows
// exactly what the guest wrote, in order, whatever it does to its UART: every line of
// the VM below, and nothing else from it (no divisor byte, no loopback byte, no 2-byte
// store). The 100 characters cost far less than the two VM exits each once took.
TEST_F(VmIsolationTest, AGuestsUartOutputArrivesExactlyAndInOrderWithoutAnExitPerCharacter) {
    QemuRun run = boot_system("vm_hostile_uart_mix", worker_done, 4);
    std::vector<std::string> expected = {
        "uart: one whole line",
        "uart: begun on the UART, ended through SBI",
        "uart: after the divisor latch",
        "uart: loopback returned Z",
        "uart: after a 2-byte store",
        "uart: flood " + std::string(188, 'f'),
    };
    for (int i = 0; i < 4; ++i) expected.push_back(std::string(200, 'f'));
    expected.push_back(std::string(100, 'c'));
    const std::regex vm_line(R"(\[hostile\] ([^\n]*)\n)");
    std::vector<std::string> seen;
    bool started = false;
    for (std::sregex_iterator it(run.console.begin(), run.console.end(), vm_line), end; it != end; ++it) {
        const std::string l = (*it)[1].str();
        if (l.rfind("hostile: uart-mix: ", 0) == 0) break;
        if (started) seen.push_back(l);
        if (l.rfind("hostile: scenario uart-mix", 0) == 0) started = true;
    }
    EXPECT_EQ(seen, expected);
    auto cost = run.match(R"(\[hostile\] hostile: uart-mix: (\d+) instructions for 100 characters\n)");
    ASSERT_EQ(cost.size(), 2u);
    // Two traps into the kernel per character (about 800 instructions), not two VM
    // exits through the VMM (about 3000).
    EXPECT_LT(std::stoull(cost[1]) / 100, 1200u) << "each character still costs VM exits";
    EXPECT_TRUE(run.contains("[hostile] uart: prompt> woke\n[hostile] hostile: uart-mix: done\n"));
    EXPECT_TRUE(run.contains("[hostile] powered off\n"));
    expect_processes_finished(run);
    std::cout << "uart-mix: " << cost[1] << " instructions for 100 characters\n";
}

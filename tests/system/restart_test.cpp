// Restarts (docs/manifest.md, "Restarts"): the root builds a process or VM again after it
// ended, as its manifest's policy says, at most restart_limit times, and says so.
//   vm_restart        a VMM killed mid-run (a fault) with "on-failure": its VM stops, its
//                     memory returns, the other VM and the processes run on, and the VM
//                     comes back where it was and its guest boots and passes every check;
//   vm_restart_limit  the limit stops the restarts of a VMM that faults on every run;
//                     "never" leaves a dead VMM's VM destroyed; "always" restarts a VM whose
//                     VMM exited cleanly (the kernel's exit notice); a native process that
//                     faults is run again from its first instruction.
// Everything runs on one hart; the processes have lower priorities than the VMs.
#include "system_test.hpp"

#include <regex>

using namespace isok::test;

namespace {

const std::string worker_line =
    R"(\[worker\] finished 5000000 rounds \(hash d06d546b967d77e5\); the processor was taken from me (\d+) times, for (\d+) instructions\n)";
const std::string all_checks = "mini: all 12 checks passed\n";

class RestartTest : public SystemTest {
protected:
    // The system on one hart until every text of `until` has appeared.
    QemuRun boot_system(const std::string& name, int processes, const std::vector<std::string>& until) {
        QemuConfig c;
        c.kernel = kernel_path;
        c.boot_image = test_image(name);
        c.harts = 1;
        c.until_all = until;
        c.whole_lines = true; // the last lines are read whole
        c.skip_idle = true;   // the guests' timer checks, whatever the host's load
        c.timeout = std::chrono::seconds(120);
        QemuRun run = boot(c);
        std::erase(run.console, '\r');
        EXPECT_TRUE(run.reached_until) << "never saw every one of the last lines";
        EXPECT_FALSE(run.contains("KERNEL PANIC")) << "the kernel went down";
        EXPECT_TRUE(run.contains("[root] started " + std::to_string(processes) + " processes\n"));
        return run;
    }

    // The ping-pong pair and the worker finished their work: nothing they need went away.
    void expect_processes_finished(const QemuRun& run) {
        EXPECT_TRUE(run.contains("[pong] answered 1000 balls\n"));
        EXPECT_TRUE(run.contains("[ping] sent 1000 balls, 1000 answers right, pong counted 1000\n"));
        EXPECT_EQ(run.match(worker_line).size(), 3u) << "the worker did not finish, or computed something else";
    }

    // The KiB each "stopped and destroyed" line of the VMM says were returned, in order.
    static std::vector<unsigned long> returned(const QemuRun& run, const std::string& vmm) {
        std::vector<unsigned long> out;
        std::regex line("\\[root\\] the VM of '" + vmm + "' is stopped and destroyed: (\\d+) KiB returned\n");
        for (std::sregex_iterator i(run.console.begin(), run.console.end(), line), end; i != end; ++i)
            out.push_back(std::stoul((*i)[1]));
        return out;
    }

    // Where text first appears after `from`; npos when it does not.
    static std::size_t after(const QemuRun& run, const std::string& text, std::size_t from) {
        return from == std::string::npos ? from : run.console.find(text, from);
    }
};

} // namespace

TEST_F(RestartTest, AVmmKilledMidRunComesBackWithItsVmAndTheGuestBootsAgain) {
    // pong, ping, worker, phoenix.vmm, witness.vmm
    QemuRun run = boot_system("vm_restart", 5,
                              {"[worker] finished", "[root] process 'phoenix.vmm' exited with code 0",
                               "[root] process 'witness.vmm' exited with code 0"});
    // The first run: the guest booted and was in its checks when its VMM faulted.
    EXPECT_EQ(run.count("[phoenix.vmm] vmm_crash: faulting on purpose\n"), 1u);
    EXPECT_EQ(run.match(R"(\[root\] process 'phoenix\.vmm' faulted: store page fault \(cause 15\) at pc 0x[0-9a-f]+, address 0x0*8; killed\n)")
                  .size(),
              1u);
    // Its VM went with it, every page of guest RAM back to the root; then, the guest having
    // powered off on its second run, its VMM exited cleanly and that VM went too.
    auto kib = returned(run, "phoenix.vmm");
    ASSERT_EQ(kib.size(), 2u);
    EXPECT_GE(kib[0], 16u * 1024) << "at least its 16 MiB of guest RAM";
    EXPECT_EQ(kib[0], kib[1]) << "the second VM is charged what the first was, and returns all of it";
    EXPECT_EQ(run.count("[root] restarting vm 'phoenix' (1 of 3)\n"), 1u);
    EXPECT_FALSE(run.contains("restarting vm 'phoenix' (2 of 3)")) << "a clean exit is no failure";
    EXPECT_TRUE(run.contains("[root] process 'phoenix.vmm' exited with code 0\n"));
    // The guest boots twice, its first line each time, and the second run passes every check.
    EXPECT_EQ(run.count("[phoenix] mini: hart 0, device tree at "), 2u);
    EXPECT_EQ(run.count("[phoenix] mini: timer sbi: wanted "), 2u);
    EXPECT_EQ(run.count("[phoenix] " + all_checks), 1u);
    std::size_t fault = run.console.find("[root] process 'phoenix.vmm' faulted");
    std::size_t restart = after(run, "[root] restarting vm 'phoenix' (1 of 3)", fault);
    std::size_t boot = after(run, "[phoenix] mini: hart 0, device tree at ", restart);
    EXPECT_NE(after(run, "[phoenix] " + all_checks, boot), std::string::npos)
        << "the checks pass after the restart, not before";
    // The other VM and the processes never depended on it. The witness ran through the crash
    // and the restart to the end of its run, its workload's result right; its timer checks
    // are not looked at: it shares the one hart with the phoenix, of higher priority, whose
    // second run takes the processor from it at times its checks measure.
    std::size_t witness_start = run.console.find("[witness.vmm] vmm: vcpu0 starts at pc ");
    EXPECT_LT(witness_start, fault) << "the witness was running when the phoenix's VMM died";
    EXPECT_EQ(run.count("[witness] mini: workload ok\n"), 1u);
    EXPECT_NE(after(run, "[witness] mini: workload ok\n", restart), std::string::npos);
    EXPECT_EQ(run.count("[root] process 'witness.vmm' exited with code 0\n"), 1u);
    EXPECT_FALSE(run.contains("[root] restarting vm 'witness'"));
    expect_processes_finished(run);
}

TEST_F(RestartTest, TheLimitStopsRestartsNeverKeepsTheVmDownAndAlwaysFollowsACleanExit) {
    // pong, ping, worker, faulter, doomed.vmm, mortal.vmm, again.vmm
    QemuRun run = boot_system("vm_restart_limit", 7,
                              {"[worker] finished", "[root] vm 'again' is not restarted",
                               "[root] vm 'doomed' is not restarted", "[root] process 'faulter' is not restarted",
                               "[root] the VM of 'mortal.vmm' is stopped"});
    // "doomed": three runs, each faulting mid-run, two restarts, then the root gives up.
    EXPECT_EQ(run.count("[doomed.vmm] vmm_crash: faulting on purpose\n"), 3u);
    EXPECT_EQ(run.count("[root] process 'doomed.vmm' faulted: store page fault"), 3u);
    EXPECT_EQ(run.count("[doomed] mini: hart 0, device tree at "), 3u) << "each restart boots the guest again";
    EXPECT_EQ(run.count("[root] restarting vm 'doomed' (1 of 2)\n"), 1u);
    EXPECT_EQ(run.count("[root] restarting vm 'doomed' (2 of 2)\n"), 1u);
    EXPECT_FALSE(run.contains("restarting vm 'doomed' (3 of"));
    EXPECT_EQ(run.count("[root] vm 'doomed' is not restarted: its limit of 2 restarts is reached; the root gives up on it\n"),
              1u);
    auto doomed = returned(run, "doomed.vmm");
    ASSERT_EQ(doomed.size(), 3u) << "each of its VMs destroyed";
    EXPECT_GE(doomed[0], 16u * 1024);
    EXPECT_EQ(doomed[1], doomed[0]);
    EXPECT_EQ(doomed[2], doomed[0]);
    // "mortal": restart "never", the behaviour of every VMM before policies: one run, its VM
    // destroyed, and nothing more said.
    EXPECT_EQ(run.count("[root] process 'mortal.vmm' faulted: store page fault"), 1u);
    EXPECT_EQ(returned(run, "mortal.vmm").size(), 1u);
    EXPECT_EQ(run.count("[mortal] mini: hart 0, device tree at "), 1u);
    EXPECT_FALSE(run.contains("restarting vm 'mortal'"));
    EXPECT_FALSE(run.contains("vm 'mortal' is not restarted")) << "no limit to speak of";
    // "again": restart "always", limit 1. Its guest runs to its end and powers off; its VMM's
    // exit reaches the root (the kernel's exit notice), the VM goes, and comes back once. Its
    // timer checks are not looked at: the root's work on the other VMs (their RAM destroyed
    // and made afresh) takes the one hart at times they measure.
    EXPECT_EQ(run.count("[again] mini: hart 0, device tree at "), 2u);
    EXPECT_EQ(run.count("[again] mini: workload ok\n"), 2u);
    EXPECT_EQ(run.count("[again] powered off"), 2u);
    EXPECT_EQ(run.count("[root] process 'again.vmm' exited with code 0\n"), 2u);
    EXPECT_EQ(returned(run, "again.vmm").size(), 2u);
    EXPECT_EQ(run.count("[root] restarting vm 'again' (1 of 1)\n"), 1u);
    EXPECT_EQ(run.count("[root] vm 'again' is not restarted: its limit of 1 restarts is reached; the root gives up on it\n"),
              1u);
    // A native process is run again from its start: the same first line each run.
    EXPECT_EQ(run.count("[faulter] writing to 0x0000000050000000\n"), 3u);
    EXPECT_EQ(run.count("[root] process 'faulter' faulted: store page fault"), 3u);
    EXPECT_EQ(run.count("[root] restarting process 'faulter' (1 of 2)\n"), 1u);
    EXPECT_EQ(run.count("[root] restarting process 'faulter' (2 of 2)\n"), 1u);
    EXPECT_EQ(
        run.count("[root] process 'faulter' is not restarted: its limit of 2 restarts is reached; the root gives up on it\n"),
        1u);
    EXPECT_FALSE(run.contains("went through"));
    EXPECT_FALSE(run.contains("restarting") && run.contains("failed; it stays stopped"));
    expect_processes_finished(run);
}

TEST_F(RestartTest, AVmOnANetworkComesBackOnItsPortAndPingsAgain) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image("vm_restart_net");
    c.harts = 1;
    c.until = "[guest] echo: ping 10.0.0.1 ok";
    c.whole_lines = true;
    c.timeout = std::chrono::seconds(120);
    QemuRun run = boot(c);
    std::erase(run.console, '\r');
    ASSERT_TRUE(run.reached_until) << "the restarted guest never pinged";
    EXPECT_FALSE(run.contains("KERNEL PANIC"));
    // The first run: its network up, then its VMM's fault; the VM destroyed and built again.
    EXPECT_EQ(run.count("[guest.vmm] vmm_crash: faulting on purpose\n"), 1u);
    EXPECT_EQ(run.count("[root] process 'guest.vmm' faulted: store page fault"), 1u);
    EXPECT_EQ(returned(run, "guest.vmm").size(), 1u);
    EXPECT_EQ(run.count("[root] restarting vm 'guest' (1 of 3)\n"), 1u);
    // Both runs attach to the same port, with the same address; the second one pings.
    EXPECT_EQ(run.count("[guest] vmm: virtio-net on network \"lan\", MAC 02:00:00:00:00:03\n"), 2u);
    EXPECT_EQ(run.count("[guest] echo: network up 10.0.0.3/24 mac 02:00:00:00:00:03"), 2u);
    std::size_t restart = run.console.find("[root] restarting vm 'guest'");
    EXPECT_GT(run.console.find("[guest] echo: ping 10.0.0.1 ok"), restart) << "the ping came after the restart";
    EXPECT_FALSE(run.contains("echo: ping 10.0.0.1 failed"));
}

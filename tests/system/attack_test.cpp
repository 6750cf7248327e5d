// The attack suite: each attack a review found to work against an earlier kernel runs
// as a hostile process (user/tests/attacker) beside a witness process and the mini
// guest in a VM (tests/system/systems/attack_*.toml). The kernel must refuse the
// attack with a clear error, stay up, and the witness and the VM must finish their work.
#include "disk_image.hpp"
#include "system_test.hpp"

using namespace isok::test;

namespace {

class AttackTest : public SystemTest {
protected:
    // Boots until the attacker(s), the witness and the guest have all said they are done.
    QemuRun attack(const std::string& system, std::vector<std::string> done = {"[attacker] attacker done\r\n"},
                   std::vector<std::string> extra = {}) {
        QemuConfig c;
        c.extra = std::move(extra);
        c.kernel = kernel_path;
        c.boot_image = test_image(system);
        done.push_back("[mini] powered off\r\n");
        done.push_back(" instructions\r\n"); // the worker's last line
        c.until_all = done;
        c.timeout = std::chrono::seconds(120);
        c.skip_idle = true; // the guest's timer checks, whatever the host's load
        QemuRun run = boot(c);
        std::erase(run.console, '\r');
        EXPECT_TRUE(run.reached_until) << "the attacker, the witness or the VM did not finish";
        EXPECT_FALSE(run.contains("KERNEL")) << "the kernel went down";
        EXPECT_FALSE(run.contains("BREACH")) << "an attack got through";
        witness_and_vm_unharmed(run);
        return run;
    }

    static void witness_and_vm_unharmed(const QemuRun& run) {
        auto worker = run.match(R"(\[worker\] finished 5000000 rounds \(hash ([0-9a-f]+)\))");
        ASSERT_EQ(worker.size(), 2u) << "the witness did not finish";
        EXPECT_EQ(worker[1], "d06d546b967d77e5") << "the witness computed something else";
        EXPECT_TRUE(run.contains("[mini] mini: all 12 checks passed\n")) << "the VM was harmed";
    }
};

} // namespace

// Finding 1: a 2 MiB mapping outlived the memory behind it, and the freed frames came
// back as kernel objects the process could rewrite.
TEST_F(AttackTest, AFreedFrameIsNeverLeftMapped) {
    QemuRun run = attack("attack_stale_frame");
    EXPECT_TRUE(run.contains("[attacker] attack stale-frame: destroy the memory, its mapping still in place: ok\n"));
    EXPECT_EQ(run.match(R"(\[attacker\] attack stale-frame: the old window faults: cause 13 at 30000000\n)").size(), 1u);
    EXPECT_TRUE(run.contains("[attacker] attack stale-frame: refused: the mapping went with the memory\n"));
}

// The kernel keeps where it found a thread's IPC buffer: destroying the memory behind
// the buffer must end that, or the next message lands in a frame the kernel reused.
TEST_F(AttackTest, AMessageIsNeverWrittenIntoADestroyedIpcBuffer) {
    QemuRun run = attack("attack_stale_buffer");
    EXPECT_TRUE(run.contains("[attacker] attack stale-buffer: a 20-word message into the buffer: all of it there\n"));
    EXPECT_TRUE(run.contains("[attacker] attack stale-buffer: destroy the buffer's memory: ok\n"));
    EXPECT_TRUE(run.contains("[attacker] attack stale-buffer: the next message arrives with 4 words\n"));
    EXPECT_TRUE(run.contains("[attacker] attack stale-buffer: refused: a destroyed buffer is not written; only the "
                             "words in registers arrive\n"));
}

// Finding 2: killing a chain of exception handlers recursed once per thread and ran the
// kernel stack over its globals.
TEST_F(AttackTest, AChainOfTwoThousandExceptionHandlersDiesWithoutOverflowingTheKernelStack) {
    QemuRun run = attack("attack_kill_chain");
    EXPECT_TRUE(run.contains("[attacker] attack kill-chain: 2000 threads, each handling the fault of the one before\n"));
    EXPECT_TRUE(run.contains("[attacker] attack kill-chain: destroy the last handler endpoint: ok\n"));
    EXPECT_TRUE(run.contains("its exception handler endpoint was destroyed"));
    // Every link but the last died because the one it called died.
    EXPECT_EQ(run.count("its exception handler did not reply"), 1999u);
    EXPECT_TRUE(run.contains("[attacker] attack kill-chain: refused: the whole chain died and the kernel went on\n"));
}

// Finding 3: a thread could be created at the root's priority and starve everyone.
TEST_F(AttackTest, NoThreadRisesAboveItsDomainsMaximumPriority) {
    QemuRun run = attack("attack_priority");
    for (const char* step : {"create a thread at 255: no_rights", "create a thread at 101: no_rights",
                             "raise itself to 255: no_rights", "raise itself to 101: no_rights",
                             "create a domain whose maximum is 255: no_rights",
                             "create a thread at 101 in a domain of its own: no_rights",
                             "create a thread at its own priority: ok"})
        EXPECT_TRUE(run.contains(std::string("[attacker] attack priority: ") + step + "\n")) << step;
    EXPECT_TRUE(run.contains("[attacker] attack priority: refused: no thread above its maximum priority\n"));
}

// Finding 4: a dead thread's FPU registers were left for the next thread to read.
TEST_F(AttackTest, ASpyNeverReadsAnotherDomainsFpuRegisters) {
    QemuRun run = attack("attack_fpu", {"[spy] attacker done\r\n", "[victim] attacker done\r\n"});
    EXPECT_TRUE(run.contains("[victim] attack fpu-victim: secret in f7 (kept), exiting\n"));
    EXPECT_TRUE(run.contains("[spy] attack fpu-spy: 200 reads of f7: 0 saw the secret, 0 saw another non-zero value\n"));
    EXPECT_TRUE(run.contains("[spy] attack fpu-spy: refused: f7 was always zero\n"));
}

// Finding 7: releasing an object walked its payer's whole list, so K mappings behind E
// newer objects cost K*E steps with interrupts off.
TEST_F(AttackTest, ReleasingObjectsCostsTheSameWhateverElseThePayerOwns) {
    QemuRun run = attack("attack_release_cost");
    auto small = run.match(R"(with 500 mappings behind 500 newer objects: (\d+) instructions)");
    auto large = run.match(R"(with 1000 mappings behind 1000 newer objects: (\d+) instructions)");
    ASSERT_EQ(small.size(), 2u);
    ASSERT_EQ(large.size(), 2u);
    double ratio = std::stod(large[1]) / std::stod(small[1]);
    std::cout << "release-cost: 500 mappings " << small[1] << " instructions, 1000 mappings " << large[1]
              << " (x" << ratio << ")\n";
    EXPECT_LT(ratio, 2.5) << "release is not linear";
    EXPECT_TRUE(run.contains("[attacker] attack release-cost: refused: release is linear\n"));
}

// Finding 8: the kernel read a device window as if it were RAM and panicked.
TEST_F(AttackTest, TheKernelNeverReadsADeviceWindowForAProcess) {
    std::string disk = disk::work_folder("attack_device_window") + "/disk0.img";
    ASSERT_TRUE(disk::create_zeroed(disk, 2 * disk::mib));
    QemuRun run = attack("attack_device_window", {"[attacker] attacker done\r\n"}, disk::qemu_drive(disk, "disk0", true));
    for (const char* step : {"debug_write from the window: bad_address", "the window as the IPC buffer: bad_address"})
        EXPECT_TRUE(run.contains(std::string("[attacker] attack device-window: ") + step + "\n")) << step;
    EXPECT_EQ(run.match(R"(a thread runs at the window: its handler gets cause 1[23] at 800000000, instruction 0\n)").size(),
              1u);
    EXPECT_TRUE(run.contains("[attacker] attack device-window: refused: the kernel never reads or writes a device window for a process\n"));
}

// Finding 9: domain_info without read, destroying the domain that pays for one's own,
// and one memory object writable at one address and executable at another.
TEST_F(AttackTest, TheSmallerHolesAreClosed) {
    QemuRun run = attack("attack_leftovers");
    for (const char* step : {"domain_info without read: no_rights", "a child destroys the domain that pays for it: busy",
                             "map it executable while it is mapped writable: busy",
                             "map it executable once the writable mapping is gone: ok",
                             "map it writable while it is mapped executable: busy"})
        EXPECT_TRUE(run.contains(std::string("[attacker] attack leftovers: ") + step + "\n")) << step;
}

// Finding 9: a reply placed capabilities in its caller without the grant right.
TEST_F(AttackTest, AReplyCarriesCapabilitiesOnlyWithGrant) {
    QemuRun run = attack("attack_reply_grant");
    std::vector<std::string> seen;
    for (std::size_t at = 0; at < run.console.size();) {
        auto next = run.console.find("attack reply-grant: ", at);
        if (next == std::string::npos) break;
        auto end = run.console.find('\n', next);
        seen.push_back(run.console.substr(next, end - next));
        at = end;
    }
    ASSERT_GE(seen.size(), 5u);
    EXPECT_EQ(seen[1], "attack reply-grant: nothing arrived") << "without grant";
    EXPECT_EQ(seen[3], "attack reply-grant: a capability arrived") << "with grant";
    EXPECT_TRUE(run.contains("[attacker] attack reply-grant: refused: a reply carries capabilities only through a receive capability with grant\n"));
}

// Revocation: every copy derived from a revoked capability goes stale at once, in every
// domain and however it got there (copies of copies, a badged copy, a grant through
// IPC); the capability revoked and those beside or above it stay.
TEST_F(AttackTest, ARevokeTakesEveryDerivedCopyAndNothingElse) {
    QemuRun run = attack("attack_revoke");
    for (const char* step : {"a copy of the revoked copy: stale", "the revoked copy itself: ok", "the original, above it: ok",
                             "the badged copy, beside it: ok", "send on a revoked copy: stale",
                             "revoke on a revoked copy: stale", "the original after its revoke: ok"})
        EXPECT_TRUE(run.contains(std::string("[attacker] attack revoke: ") + step + "\n")) << step;
    EXPECT_TRUE(run.contains("[attacker] attack revoke: after the revoke, 18 of the 18 copies are stale\n"));
    EXPECT_TRUE(run.contains("[attacker] attack revoke: refused: every copy derived from a revoked capability is stale, and nothing else\n"));
}

// A revoke of 61,504 capabilities is one system call, but it stops whenever an interrupt
// or another hart waits: a higher-priority thread woken every 200 us from the other
// hart runs again and again during it, each time well within a time slice.
TEST_F(AttackTest, ALongRevokeDoesNotHoldOffAHigherPriorityThread) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image("attack_revoke_latency");
    c.until = "[attacker] attacker done\r\n";
    c.timeout = std::chrono::seconds(120);
    QemuRun run = boot(c);
    std::erase(run.console, '\r');
    ASSERT_TRUE(run.reached_until);
    EXPECT_FALSE(run.contains("KERNEL"));
    auto figures = run.match(R"(\[attacker\] attack revoke-latency: revoking (\d+) capabilities took (\d+) us \(ok\), stopped (\d+) times for an interrupt or another hart; the witness woke (\d+) times meanwhile, the longest after (\d+) us)");
    ASSERT_EQ(figures.size(), 6u);
    EXPECT_EQ(figures[1], "61504");
    EXPECT_GT(std::stoull(figures[3]), 0u) << "the revoke never stopped";
    EXPECT_GT(std::stoull(figures[4]), 0u) << "the witness never ran during the revoke";
    EXPECT_LT(std::stoull(figures[5]), 100'000u) << "held off for a time slice";
    EXPECT_TRUE(run.contains("[attacker] attack revoke-latency: refused: a long revoke stops for a waiting higher-priority thread\n"));
}

// The scheduler's lazy FPU switch: a thread sees only its own floating-point registers,
// and one that never used the FPU sees zeros, never a living, dead or firmware's values.
#include "kernel_test.hpp"

namespace {

using namespace ktest;

arch::FpuState filled(u64 value) {
    arch::FpuState s;
    for (u64& f : s.f) f = value;
    s.fcsr = value & 0xff;
    return s;
}

bool same(const arch::FpuState& a, const arch::FpuState& b) {
    return std::equal(std::begin(a.f), std::end(a.f), std::begin(b.f)) && a.fcsr == b.fcsr;
}

class SchedulerFpu : public KernelTest {
protected:
    // Every test starts where the kernel is after an FPU owner died: its values are
    // still in the registers (the same state as at boot, with the firmware's).
    void SetUp() override {
        KernelTest::SetUp();
        Thread& doomed = started(255);
        run_as(doomed);
        use_fpu(doomed, 0xdead);
        kernel::kill_thread(doomed, nullptr);
        fake::hart().fpu_restores = fake::hart().fpu_saves = 0;
    }

    // t, on the CPU, writes its FPU registers and traps into the kernel.
    static void use_fpu(Thread& t, u64 value) {
        fake::hart().fpu = filled(value);
        t.frame().sstatus = (t.frame().sstatus & ~arch::sstatus_fs_mask) | arch::sstatus_fs_dirty;
        scheduler::save_fpu_if_dirty(t);
    }

    static bool fpu_is_zero() { return same(fake::hart().fpu, arch::FpuState{}); }
};

TEST_F(SchedulerFpu, ThreadThatNeverUsedTheFpuGetsZerosAfterTheOwnerDied) {
    ASSERT_TRUE(same(fake::hart().fpu, filled(0xdead)));
    Thread& t = started(1);
    ASSERT_EQ(run(), &t);
    EXPECT_TRUE(fpu_is_zero());
}

TEST_F(SchedulerFpu, ThreadThatNeverUsedTheFpuNeverSeesALivingOwnersValues) {
    Thread& user = started(9);
    Thread& other = thread(9);
    run_as(user);
    use_fpu(user, 0x1234);
    scheduler::remove(user, ThreadState::inactive);
    start(other);
    ASSERT_EQ(run(), &other);
    EXPECT_TRUE(fpu_is_zero());
    // And the owner's values come back when it runs again.
    scheduler::remove(other, ThreadState::inactive);
    start(user);
    ASSERT_EQ(run(), &user);
    EXPECT_TRUE(same(fake::hart().fpu, filled(0x1234)));
    // Then the other one again: zeros, not what the owner left.
    scheduler::remove(user, ThreadState::inactive);
    start(other);
    ASSERT_EQ(run(), &other);
    EXPECT_TRUE(fpu_is_zero());
}

TEST_F(SchedulerFpu, TwoFpuUsersEachSeeTheirOwnValues) {
    Thread& a = started(9);
    Thread& b = started(9);
    run_as(a);
    use_fpu(a, 0xaaaa);
    scheduler::yield(a);
    ASSERT_EQ(run(), &b);
    use_fpu(b, 0xbbbb);
    scheduler::yield(b);
    ASSERT_EQ(run(), &a);
    EXPECT_TRUE(same(fake::hart().fpu, filled(0xaaaa)));
    scheduler::yield(a);
    ASSERT_EQ(run(), &b);
    EXPECT_TRUE(same(fake::hart().fpu, filled(0xbbbb)));
}

TEST_F(SchedulerFpu, OwnerRunningAgainCostsNoRestore) {
    Thread& a = started(9);
    run_as(a);
    use_fpu(a, 7);
    unsigned restores = fake::hart().fpu_restores;
    ASSERT_EQ(run(), &a);
    EXPECT_EQ(fake::hart().fpu_restores, restores);
    EXPECT_TRUE(same(fake::hart().fpu, filled(7)));
}

TEST_F(SchedulerFpu, ThreadsThatNeverUsedTheFpuFollowEachOtherWithoutARestore) {
    Thread& a = started(9);
    Thread& b = started(9);
    ASSERT_EQ(run(), &a); // clears the dead owner's values once
    unsigned restores = fake::hart().fpu_restores;
    scheduler::yield(a);
    ASSERT_EQ(run(), &b);
    EXPECT_EQ(fake::hart().fpu_restores, restores) << "the registers already hold nobody's values";
    EXPECT_TRUE(fpu_is_zero());
}

TEST_F(SchedulerFpu, CleanFpuIsNotSaved) {
    Thread& a = started(9);
    run_as(a);
    fake::hart().fpu = filled(5);
    a.frame().sstatus = (a.frame().sstatus & ~arch::sstatus_fs_mask) | arch::sstatus_fs_clean;
    scheduler::save_fpu_if_dirty(a);
    EXPECT_EQ(fake::hart().fpu_saves, 0u);
    EXPECT_FALSE(a.fpu_used);
}

TEST_F(SchedulerFpu, SavingMarksTheStateCleanSoTheNextTrapDoesNotSaveAgain) {
    Thread& a = started(9);
    run_as(a);
    use_fpu(a, 3);
    EXPECT_TRUE(a.fpu_used);
    EXPECT_EQ(a.frame().sstatus & arch::sstatus_fs_mask, arch::sstatus_fs_clean);
    EXPECT_TRUE(same(a.context.fpu, filled(3)));
    scheduler::save_fpu_if_dirty(a);
    EXPECT_EQ(fake::hart().fpu_saves, 1u);
}

TEST_F(SchedulerFpu, OwnerKilledWhileAnotherWaitsLeavesNoValuesBehind) {
    Thread& owner = started(9);
    Thread& next = started(9);
    run_as(owner);
    use_fpu(owner, 0xfeed);
    kernel::kill_thread(owner, nullptr);
    ASSERT_EQ(run(), &next);
    EXPECT_TRUE(fpu_is_zero());
}

} // namespace

// A stopped thread given fresh registers starts over: its old FPU values are not its
// new run's, even while the FPU still holds them for it.
TEST_F(SchedulerFpu, ThreadGivenFreshRegistersStartsWithZeroFpuRegisters) {
    Thread& t = started(9);
    run_as(t);
    use_fpu(t, 0x5eed);
    kernel::stop_thread(t);
    t.context.init(0x1000, 0x2000, 0); // what set_registers does to the context
    scheduler::forget_fpu(t);
    start(t);
    ASSERT_EQ(run(), &t);
    EXPECT_TRUE(fpu_is_zero()) << "the restarted thread saw its previous run's FPU registers";
}

// The scheduler's switch of address space: a thread runs under its own domain's page
// table, a vCPU under its VM's, and a host thread after a vCPU leaves guest mode first.
#include "kernel_test.hpp"

#include <arch/kernel_space.hpp>

namespace {

using namespace ktest;

using SchedulerSpace = KernelTest;

TEST_F(SchedulerSpace, EachThreadRunsInItsOwnDomainsSpace) {
    Domain& other = domain();
    Thread& a = started(5);
    Thread& b = started(5, &other);
    ASSERT_EQ(run(), &a);
    EXPECT_EQ(fake::hart().space, &root->space);
    scheduler::yield(a);
    ASSERT_EQ(run(), &b);
    EXPECT_EQ(fake::hart().space, &other.space);
    scheduler::yield(b);
    ASSERT_EQ(run(), &a);
    EXPECT_EQ(fake::hart().space, &root->space);
}

TEST_F(SchedulerSpace, SameDomainNeedsNoSwitch) {
    Domain& other = domain();
    Thread& a = started(5, &other);
    Thread& b = started(5, &other);
    ASSERT_EQ(run(), &a);
    unsigned activations = fake::hart().activations;
    scheduler::yield(a);
    ASSERT_EQ(run(), &b);
    EXPECT_EQ(fake::hart().activations, activations);
    EXPECT_EQ(fake::hart().space, &other.space);
}

TEST_F(SchedulerSpace, VcpuEntersItsVmAndAHostThreadAfterItLeavesGuestMode) {
    Domain& vm = domain(true);
    Thread& vcpu = started(5, &vm);
    Thread& host = started(5);
    ASSERT_TRUE(vcpu.vcpu);
    ASSERT_EQ(run(), &vcpu);
    EXPECT_EQ(fake::hart().guest, &vcpu.guest);
    EXPECT_EQ(fake::hart().guest_space, &vm.space);
    scheduler::yield(vcpu);
    ASSERT_EQ(run(), &host);
    EXPECT_EQ(fake::hart().guest, nullptr);
    EXPECT_EQ(fake::hart().space, &root->space);
}

TEST_F(SchedulerSpace, DomainTornDownWhileActiveIsLeftForTheKernelsTable) {
    Domain& doomed = domain();
    Thread& t = started(5, &doomed);
    ASSERT_EQ(run(), &t);
    ASSERT_EQ(fake::hart().space, &doomed.space);
    destroy(t);
    destroy(doomed); // its root table goes back to the allocator: satp must not name it
    EXPECT_EQ(fake::hart().space, &arch::kernel_page_table());
    // A new domain in the same memory is still switched to.
    Domain& next = domain();
    Thread& u = started(5, &next);
    ASSERT_EQ(run(), &u);
    EXPECT_EQ(fake::hart().space, &next.space);
}

TEST_F(SchedulerSpace, IdleHartUnloadsTheGuest) {
    Domain& vm = domain(true);
    Thread& vcpu = started(5, &vm);
    ASSERT_EQ(run(), &vcpu);
    scheduler::remove(vcpu, ThreadState::blocked_wait);
    EXPECT_EQ(run(), nullptr);
    EXPECT_EQ(fake::hart().guest, nullptr) << "a guest's pending interrupt must not wake the idle hart";
}

} // namespace

// domain_stats: a call and its reply count one message each way on both sides, a call
// left unanswered counts as the one message it was, an exception counts as a fault once a
// handler has it, taken notification bits count as interrupts, the threads' states are
// counted when asked; the domain capability needs read and the address must be writable.
#include "kernel_test.hpp"

#include <kernel/exception.hpp>
#include <kernel/syscall.hpp>

#include <cstring>

namespace {

using namespace ktest;
namespace abi = isok::abi;

constexpr u64 stats_page = 0x300000;
constexpr u64 domain_slot = 9;

class DomainStats : public KernelTest {
protected:
    void SetUp() override {
        KernelTest::SetUp();
        named(*root);
        asker_domain = &domain();
        asker = &thread(1, asker_domain);
        out = map_page(*asker_domain, stats_page, arch::pte::read | arch::pte::write);
    }

    // The fixture makes its domains as the kernel makes the root's, which has no
    // capability to it; one made by create carries its type, as capabilities need.
    static Domain& named(Domain& d) {
        d.type = Domain::object_type;
        return d;
    }
    Domain& made(bool guest = false) { return named(domain(guest)); }

    // The system call as asker makes it, with a capability to d in its slot.
    Error ask(Domain& d, u64 rights = rights::read, u64 address = stats_page, u64 length = sizeof(abi::DomainStats)) {
        kernel::Capability& slot = **asker_domain->caps.slot(domain_slot);
        kernel::cap_delete(slot);
        kernel::cap_mint(slot, d, rights);
        arch::TrapFrame& f = asker->frame();
        f.a(0) = domain_slot;
        f.a(1) = address;
        f.a(2) = length;
        return kernel::sys_domain_stats(*asker, f);
    }

    abi::DomainStats stats(Domain& d) {
        abi::DomainStats s{};
        EXPECT_EQ(ask(d), Error::ok);
        std::memcpy(&s, out, sizeof s);
        return s;
    }

    Domain* asker_domain = nullptr;
    Thread* asker = nullptr;
    isok::u8* out = nullptr;
};

TEST_F(DomainStats, CallAndReplyCountOneMessageEachWayOnBothSides) {
    Domain& server_domain = made();
    Endpoint& ep = endpoint();
    Thread& server = started(10, &server_domain);
    run_as(server);
    ASSERT_EQ(kernel::ipc_receive(server, ep, false), kernel::blocked);
    Thread& client = started(5);
    run_as(client);
    load(client, abi::message_info(1, 1), {42});
    ASSERT_EQ(kernel::ipc_send(client, cap(ep, rights::write), true), kernel::blocked);
    ASSERT_EQ(run(), &server);
    load(server, abi::message_info(2, 1), {43});
    ASSERT_EQ(kernel::ipc_reply_receive(server, ep, false), kernel::blocked);
    ASSERT_EQ(run(), &client);
    EXPECT_EQ(word(client, 0), 43u);

    abi::DomainStats c = stats(*root), s = stats(server_domain);
    EXPECT_EQ(c.ipc_sent, 1u);
    EXPECT_EQ(c.ipc_received, 1u);
    EXPECT_EQ(s.ipc_sent, 1u);
    EXPECT_EQ(s.ipc_received, 1u);

    // A plain send, taken by a receive that finds it queued.
    load(client, abi::message_info(3, 0));
    ASSERT_EQ(kernel::ipc_send(client, cap(ep, rights::write), false), Error::ok);
    EXPECT_EQ(stats(*root).ipc_sent, 2u);
    EXPECT_EQ(stats(*root).ipc_received, 1u);
    EXPECT_EQ(stats(server_domain).ipc_received, 2u);
    EXPECT_EQ(stats(server_domain).ipc_sent, 1u);
}

TEST_F(DomainStats, ACallLeftUnansweredCountsAsOneMessage) {
    Domain& server_domain = made();
    Endpoint& ep = endpoint();
    Thread& server = started(10, &server_domain);
    run_as(server);
    ASSERT_EQ(kernel::ipc_receive(server, ep, false), kernel::blocked);
    Thread& client = started(5);
    run_as(client);
    load(client, abi::message_info(1, 0));
    ASSERT_EQ(kernel::ipc_send(client, cap(ep, rights::write), true), kernel::blocked);
    ASSERT_EQ(run(), &server);
    ASSERT_EQ(kernel::ipc_receive(server, ep, false), kernel::blocked) << "receives again without replying";
    EXPECT_EQ(result(client), Error::reply_dropped);

    abi::DomainStats c = stats(*root), s = stats(server_domain);
    EXPECT_EQ(c.ipc_sent, 1u);
    EXPECT_EQ(c.ipc_received, 0u);
    EXPECT_EQ(s.ipc_sent, 0u);
    EXPECT_EQ(s.ipc_received, 1u);
}

TEST_F(DomainStats, ACallerStoppedBeforeTheReplyCountsAsOneMessage) {
    Domain& server_domain = made();
    Endpoint& ep = endpoint();
    Thread& server = started(10, &server_domain);
    run_as(server);
    ASSERT_EQ(kernel::ipc_receive(server, ep, false), kernel::blocked);
    Thread& client = started(5);
    run_as(client);
    load(client, abi::message_info(1, 0));
    ASSERT_EQ(kernel::ipc_send(client, cap(ep, rights::write), true), kernel::blocked);
    ASSERT_EQ(run(), &server);
    kernel::stop_thread(client);
    EXPECT_EQ(kernel::ipc_reply(server), Error::no_reply);

    abi::DomainStats c = stats(*root), s = stats(server_domain);
    EXPECT_EQ(c.ipc_sent, 1u);
    EXPECT_EQ(c.ipc_received, 0u);
    EXPECT_EQ(s.ipc_sent, 0u);
    EXPECT_EQ(s.ipc_received, 1u);
}

TEST_F(DomainStats, AnExceptionCountsAsAFaultOnceAHandlerHasIt) {
    Domain& faulting = made();
    Endpoint& ep = endpoint();
    Thread& handler = started(10);
    run_as(handler);
    ASSERT_EQ(kernel::ipc_receive(handler, ep, false), kernel::blocked);
    Thread& faulter = started(5, &faulting);
    kernel::cap_mint(faulter.exception_handler, ep, rights::write);
    faulter.frame().scause = 13; // a load page fault
    run_as(faulter);
    kernel::raise_exception(faulter);
    EXPECT_EQ(faulter.state, ThreadState::blocked_reply);

    abi::DomainStats f = stats(faulting);
    EXPECT_EQ(f.kind, 0u);
    EXPECT_EQ(f.faults, 1u);
    EXPECT_EQ(f.ipc_sent, 0u) << "an exception message is not IPC";
    EXPECT_EQ(stats(*root).ipc_received, 0u);
    for (u64 e : f.exits) EXPECT_EQ(e, 0u) << "a process has no VM exits";

    // Without a handler the thread dies, and nothing was delivered.
    Thread& orphan = started(20, &faulting); // ahead of the handler, ready with the message
    run_as(orphan);
    kernel::raise_exception(orphan);
    EXPECT_EQ(orphan.state, ThreadState::dead);
    EXPECT_EQ(stats(faulting).faults, 1u);

    // What a thread counted stays with its domain when the thread is gone.
    destroy(faulter);
    destroy(orphan);
    EXPECT_EQ(stats(faulting).faults, 1u);
    EXPECT_EQ(stats(faulting).threads, 0u);
}

TEST_F(DomainStats, ThreadsAreCountedByStateWhenAsked) {
    Domain& d = made();
    Notification& n = notification();
    Thread& idle = thread(7, &d);         // never started
    Thread& ready = started(20, &d);
    Thread& waiter = started(30, &d);
    run_as(waiter);
    ASSERT_EQ(kernel::notification_wait(waiter, n), kernel::blocked);
    Thread& gone = started(40, &d);
    kernel::kill_thread(gone, nullptr);
    (void)idle;
    (void)ready;

    abi::DomainStats s = stats(d);
    EXPECT_EQ(s.kind, 0u);
    EXPECT_EQ(s.threads, 3u) << "the dead thread is not live";
    EXPECT_EQ(s.ready, 1u);
    EXPECT_EQ(s.blocked, 1u);
    EXPECT_EQ(s.stopped, 1u);
    EXPECT_EQ(s.priority, 30u) << "of the live threads";
    EXPECT_EQ(s.hart, 0u);
    EXPECT_EQ(s.budget_total, budget);
    EXPECT_EQ(s.budget_used, budget - d.budget_left());
    EXPECT_GT(s.budget_used, 0u);

    kernel::notification_signal(n, 4);
    EXPECT_EQ(stats(d).interrupts, 1u) << "the woken waiter took the bits";
    EXPECT_EQ(stats(d).ready, 2u);
    EXPECT_EQ(stats(d).blocked, 0u);
}

TEST_F(DomainStats, AGuestIsAVm) {
    Domain& vm = made(true);
    (void)thread(5, &vm);
    abi::DomainStats s = stats(vm);
    EXPECT_EQ(s.kind, 1u);
    EXPECT_EQ(s.threads, 1u);
    EXPECT_EQ(s.stopped, 1u);
}

TEST_F(DomainStats, NeedsTheReadRight) {
    EXPECT_EQ(ask(*root, rights::control), Error::no_rights);
    EXPECT_EQ(ask(*root, rights::read), Error::ok);
    EXPECT_EQ(asker->frame().a(1), sizeof(abi::DomainStats));
}

TEST_F(DomainStats, ABadAddressIsRefused) {
    EXPECT_EQ(ask(*root, rights::read, stats_page + 16 * kernel::frame_size), Error::bad_address) << "not mapped";
    EXPECT_EQ(ask(*root, rights::read, stats_page + kernel::frame_size - 8), Error::bad_address)
        << "runs off the page";
    EXPECT_EQ(ask(*root, rights::read, ~u64{0} - 4), Error::bad_address) << "wraps around";
}

TEST_F(DomainStats, ACallerGetsNoMoreThanItsLengthAndLearnsTheSize) {
    std::memset(out, 0xaa, sizeof(abi::DomainStats));
    Domain& vm = made(true);
    ASSERT_EQ(ask(vm, rights::read, stats_page, 8), Error::ok);
    EXPECT_EQ(asker->frame().a(1), sizeof(abi::DomainStats));
    u64 kind = 0, next = 0;
    std::memcpy(&kind, out, 8);
    std::memcpy(&next, out + 8, 8);
    EXPECT_EQ(kind, 1u);
    EXPECT_EQ(next, 0xaaaaaaaaaaaaaaaau) << "nothing beyond the length";
    EXPECT_EQ(ask(vm, rights::read, 0, 0), Error::ok) << "length 0 only asks the size";
    EXPECT_EQ(asker->frame().a(1), sizeof(abi::DomainStats));
}

} // namespace

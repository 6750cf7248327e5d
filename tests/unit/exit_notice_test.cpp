// The exit notice: a thread with an exception handler that exits tells the handler (label
// exit_label, its code in word 0, the handler capability's badge) with a send no reply
// answers, and never runs again: at once when the handler waits, once the handler takes the
// notice otherwise, or when the endpoint goes first. Without a handler it ends as before.
#include "kernel_test.hpp"

#include <kernel/exception.hpp>

namespace {

using namespace ktest;
namespace abi = isok::abi;

class ExitNotice : public KernelTest {
protected:
    void SetUp() override {
        KernelTest::SetUp();
        ep = &endpoint();
        handler = &started(3);
    }

    void handler_waits() {
        run_as(*handler);
        ASSERT_EQ(kernel::ipc_receive(*handler, *ep, false), kernel::blocked);
    }
    // The exiting thread, of a higher priority than the handler, made once the handler is
    // where the test wants it.
    void exit_with(u64 code) {
        exiting = &started(5);
        kernel::cap_mint(exiting->exception_handler, *ep, rights::write, 9);
        run_as(*exiting);
        kernel::exit_thread(*exiting, code);
    }
    void expect_notice(u64 code) {
        EXPECT_EQ(abi::info_label(info(*handler)), abi::exit_label);
        EXPECT_EQ(abi::info_length(info(*handler)), 1u);
        EXPECT_EQ(word(*handler, 0), code);
        EXPECT_EQ(badge(*handler), 9u);
    }

    Endpoint* ep = nullptr;
    Thread* handler = nullptr;
    Thread* exiting = nullptr;
};

TEST_F(ExitNotice, AWaitingHandlerGetsTheCodeAndTheThreadIsDeadAtOnce) {
    handler_waits();
    exit_with(42);
    EXPECT_EQ(exiting->state, ThreadState::dead);
    EXPECT_EQ(handler->state, ThreadState::ready);
    expect_notice(42);
    // Nothing to answer: the handler's reply finds no caller.
    run_as(*handler);
    EXPECT_EQ(kernel::ipc_reply(*handler), Error::no_reply);
    EXPECT_EQ(exiting->state, ThreadState::dead);
}

TEST_F(ExitNotice, TheNoticeWaitsForTheHandlerAndTheThreadNeverRunsMeanwhile) {
    exit_with(0);
    EXPECT_EQ(exiting->state, ThreadState::blocked_send) << "queued, not running";
    run_as(*handler); // the only one that may run
    EXPECT_EQ(kernel::ipc_receive(*handler, *ep, false), Error::ok);
    expect_notice(0);
    EXPECT_EQ(exiting->state, ThreadState::dead) << "taken: the thread ends";
    EXPECT_FALSE(exiting->exiting);
}

TEST_F(ExitNotice, ANoticeNobodyTakesEndsTheThreadWhenTheEndpointGoes) {
    exit_with(3);
    destroy(*ep);
    EXPECT_EQ(exiting->state, ThreadState::dead) << "not made ready with a stale error";
}

TEST_F(ExitNotice, AThreadWithoutAHandlerEndsAtOnceAsBefore) {
    handler_waits();
    Thread& plain = started(5);
    run_as(plain);
    kernel::exit_thread(plain, 1);
    EXPECT_EQ(plain.state, ThreadState::dead);
    EXPECT_EQ(handler->state, ThreadState::blocked_receive) << "nobody was told";
}

} // namespace

// role=unmap hart=A peer=B rounds=R: a writer thread on hart B stores to a page in a
// loop; the first thread (on hart A) unmaps the page and destroys its memory while it
// does. The writer must fault (its handler, the first thread, gets a store page fault at
// the page): a translation left in hart B's TLB would let it write on into the freed
// frame. The frame is reused at once by a new memory object, the witness, filled with a
// pattern that no store of the writer may change.
#include "smp.hpp"

#include <isok/rt/ipc.hpp>

namespace smp {
namespace {

constexpr u64 target = 0x30000000;  // the page the writer writes
constexpr u64 witness = 0x31000000; // the new memory, mapped elsewhere
constexpr u64 pattern = 0x5717e55a5717e55a;
constexpr u64 settle = 200'000; // reads of the witness before the fault is taken
constexpr u64 store_page_fault = 15;

u64 started = 0; // a notification: the writer has written once

[[noreturn]] void write_on(u64 address) {
    volatile u64* p = reinterpret_cast<volatile u64*>(address);
    *p = 1;
    (void)sys::signal(started);
    for (u64 n = 2;; ++n)
        for (u64 i = 0; i < 512; ++i) p[i] = n; // the whole page, over and over
}

// Whether the witness page still holds nothing but the pattern.
bool intact() {
    const volatile u64* w = reinterpret_cast<const volatile u64*>(witness);
    for (u64 i = 0; i < 512; ++i)
        if (w[i] != pattern) return false;
    return true;
}

} // namespace

int unmap() {
    u64 rounds = arg("rounds", 200), peer = arg("peer", 1);
    u64 at = move_to(arg("hart", 0));
    started = make(ObjectType::notification);
    u64 handler = make(ObjectType::endpoint);
    u64 stack = stacks(1, 8192);
    u64 memory = take_slot(), fresh_memory = take_slot(), thread = take_slot();
    u64 faults = 0, reused = 0, written = 0;
    for (u64 r = 0; r < rounds; ++r) {
        make(ObjectType::memory, 1, 0, 0, memory);
        expect_ok(sys::map(self, memory, 0, target, 1, rw), "map");
        u64 frame = sys::memory_info(memory).physical;
        make_thread(write_on, target, stack, 100, peer, thread);
        expect_ok(sys::set_exception_handler(thread, handler), "set_exception_handler");
        expect_ok(sys::start(thread), "start the writer");
        expect_ok(sys::wait(started).error, "wait for the writer");

        expect_ok(sys::unmap(self, target, 1), "unmap under the writer");
        expect_ok(sys::destroy(memory), "destroy the memory");
        make(ObjectType::memory, 1, 0, 0, fresh_memory);
        reused += sys::memory_info(fresh_memory).physical == frame;
        expect_ok(sys::map(self, fresh_memory, 0, witness, 1, rw), "map the witness");
        for (u64 i = 0; i < 512; ++i) reinterpret_cast<volatile u64*>(witness)[i] = pattern;
        bool whole = true;
        for (u64 i = 0; i < settle / 512 && whole; ++i) whole = intact();
        written += !whole;

        isok::rt::Received fault = sys::receive(handler);
        expect_ok(fault.error, "receive the writer's fault");
        bool expected = isok::abi::info_label(fault.info) == isok::abi::exception_label &&
                        fault.words[0] == store_page_fault && fault.words[2] / 4096 == target / 4096;
        faults += expected;
        if (!expected)
            isok::rt::print("round %lu: label %lx, cause %lu at %lx\n", r, isok::abi::info_label(fault.info),
                            fault.words[0], fault.words[2]);
        expect_ok(sys::reply(isok::abi::message_info(0, 1), u64(isok::abi::ExceptionReply::kill)), "kill the writer");
        written += !intact();
        expect_ok(sys::destroy(thread), "destroy the writer");
        expect_ok(sys::unmap(self, witness, 1), "unmap the witness");
        expect_ok(sys::destroy(fresh_memory), "destroy the witness");
    }
    isok::rt::print("from hart %lu, %lu pages unmapped under a writer on hart %lu: %lu store faults at the page, its "
                    "frame reused at once %lu times, the witness written %lu times\n",
                    at, rounds, peer, faults, reused, written);
    return 0;
}

} // namespace smp

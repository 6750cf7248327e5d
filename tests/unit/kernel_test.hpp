// A fixture for host tests of the kernel's scheduler and IPC: domains, threads, endpoints
// and notifications made the way the kernel makes them, run on the fake hart, destroyed
// after each test, when each domain's budget must be whole again (nothing leaked).
#pragma once
#include <kernel/domain.hpp>
#include <kernel/endpoint.hpp>
#include <kernel/hart.hpp>
#include <kernel/kernel_lock.hpp>
#include <kernel/notification.hpp>
#include <kernel/reclaim.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/user_memory.hpp>
#include <kernel_fakes/console.hpp>
#include <kernel_fakes/hart.hpp>
#include <kernel_fakes/host_memory.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <initializer_list>
#include <stdexcept>
#include <vector>

namespace ktest {

using isok::u64;
using isok::abi::Error;
using isok::abi::IpcBuffer;
using kernel::Capability;
using kernel::Domain;
using kernel::Endpoint;
using kernel::Notification;
using kernel::Thread;
using kernel::ThreadState;
namespace rights = isok::abi::rights;
namespace scheduler = kernel::scheduler;
using R = kernel::MessageRegisters;

class KernelTest : public ::testing::Test {
protected:
    static constexpr u64 budget = 256 * isok::KiB;
    static constexpr u64 cap_slots = 64;

    // The test body is kernel code between a trap and the return to user mode: it holds
    // the kernel lock, as a hart of a machine with several does from its trap entry on.
    void SetUp() override {
        fake::boot_memory();
        static const bool booted = (kernel::harts::init_boot_hart(0), true);
        (void)booted;
        kernel::this_hart().shared = true; // the lock taken and left as on several harts
        fake::reset_counts();
        fake::console_lines().clear();
        kernel::kernel_lock::acquire();
        root = &domain();
    }

    void TearDown() override {
        for (Capability& c : held) kernel::cap_delete(c);
        for (Thread* t : threads) kernel::destroy_thread(*t);
        for (Endpoint* e : endpoints) kernel::destroy_endpoint(*e);
        for (Notification* n : notifications) kernel::destroy_notification(*n);
        for (Page& p : pages) p.domain->give_frames(p.frame, 1);
        for (Domain* d : domains) {
            d->teardown();
            EXPECT_EQ(d->budget_left(), budget) << "domain " << d->id << " was not refunded";
            kernel::release_object(*d, sizeof(Domain));
        }
        EXPECT_FALSE(kernel::reclaim::pending()) << "an object the test made is left on the reclamation queue";
        if (kernel::kernel_lock::held()) kernel::kernel_lock::release();
    }

    // A domain as the kernel makes its root one: kmem storage, then init.
    Domain& domain(bool guest = false) {
        void* memory = kernel::kmem::take(sizeof(Domain));
        if (!memory) throw std::runtime_error("no kernel memory for a domain");
        auto* d = new (memory) Domain();
        if (!d->init(budget, cap_slots, guest, isok::abi::max_priority)) throw std::runtime_error("domain init");
        domains.push_back(d);
        return *d;
    }

    // A thread created in d (the first domain by default), not started.
    Thread& thread(isok::u8 priority, Domain* d = nullptr) {
        auto t = kernel::create_thread(d ? *d : *root, priority);
        if (!t) throw std::runtime_error("create_thread");
        threads.push_back(*t);
        return **t;
    }

    // What thread_control start does.
    void start(Thread& t) {
        t.slice_left = t.time_slice;
        scheduler::make_ready(t);
    }

    Thread& started(isok::u8 priority, Domain* d = nullptr) {
        Thread& t = thread(priority, d);
        start(t);
        return t;
    }

    // Leaves the kernel: the thread that resumed, or null when the hart went idle. Then
    // the next trap (or interrupt) enters it again.
    Thread* run() {
        Thread* resumed = nullptr;
        try {
            scheduler::exit_to_user();
        } catch (const fake::Resumed& r) {
            for (Thread* t : threads)
                if (&t->context == r.context) resumed = t;
            if (!resumed) ADD_FAILURE() << "resumed a context that belongs to no thread";
        } catch (const fake::Idle&) {
        }
        EXPECT_FALSE(kernel::kernel_lock::held()) << "the kernel was left with its lock held";
        kernel::kernel_lock::acquire();
        return resumed;
    }

    // Makes t the running thread; it must be the one the scheduler picks.
    void run_as(Thread& t) {
        if (t.state != ThreadState::running && t.state != ThreadState::ready) start(t);
        Thread* picked = run();
        if (picked != &t) throw std::runtime_error("the scheduler picked another thread");
    }

    // A capability the test holds outside any capability space, as the kernel holds a
    // thread's exception handler; deleted after the test.
    Capability& cap(kernel::KernelObject& o, u64 r, u64 badge = 0) {
        Capability& c = held.emplace_back();
        kernel::cap_mint(c, o, r, badge);
        return c;
    }

    Endpoint& endpoint(Domain* d = nullptr) {
        auto e = kernel::create_object<Endpoint>(d ? *d : *root);
        if (!e) throw std::runtime_error("create endpoint");
        endpoints.push_back(*e);
        return **e;
    }

    Notification& notification(Domain* d = nullptr) {
        auto n = kernel::create_object<Notification>(d ? *d : *root);
        if (!n) throw std::runtime_error("create notification");
        notifications.push_back(*n);
        return **n;
    }

    // Destruction in the middle of a test, after which the fixture leaves the object alone.
    void destroy(Endpoint& e) {
        std::erase(endpoints, &e);
        kernel::destroy_endpoint(e);
    }
    void destroy(Notification& n) {
        std::erase(notifications, &n);
        kernel::destroy_notification(n);
    }
    void destroy(Thread& t) {
        std::erase(threads, &t);
        kernel::destroy_thread(t);
    }
    // A domain whose objects are all destroyed already (and that has no IPC buffers).
    void destroy(Domain& d) {
        std::erase(domains, &d);
        d.teardown();
        kernel::release_object(d, sizeof(Domain));
    }

    // Maps a fresh page at va into d with the given permissions (arch::pte bits, user
    // added); returns the kernel's view of it.
    isok::u8* map_page(Domain& d, u64 va, u64 permissions) {
        auto frame = d.take_frames(1);
        if (!frame) throw std::runtime_error("no frame for a page");
        if (!d.space.map(isok::VirtAddr(va), *frame, kernel::frame_size, permissions | arch::pte::user))
            throw std::runtime_error("map a page");
        pages.push_back({&d, *frame});
        return kernel::user_page(d, va, false);
    }

    // Maps a fresh writable page into t's domain and makes it t's IPC buffer.
    IpcBuffer& give_ipc_buffer(Thread& t) {
        u64 va = ipc_buffer_base + ipc_buffers++ * kernel::frame_size;
        map_page(*t.domain, va, arch::pte::read | arch::pte::write);
        t.ipc_buffer = va;
        return buffer(t);
    }

    // The kernel's view of t's IPC buffer, as IPC reaches it.
    static IpcBuffer& buffer(Thread& t) {
        return *reinterpret_cast<IpcBuffer*>(kernel::user_page(*t.domain, t.ipc_buffer, true));
    }

    // A system call's registers: the message info in a1, words 0..3 in a2..a5.
    static void load(Thread& t, u64 info, std::initializer_list<u64> words = {}) {
        t.frame().a(R::info) = info;
        int i = 0;
        for (u64 w : words) t.frame().a(R::word0 + i++) = w;
    }

    // What handle_syscall does with an operation's result: a0, unless the thread blocked.
    static Error syscall(Thread& t, Error e) {
        if (e != kernel::blocked) t.frame().a(0) = u64(e);
        return e;
    }

    static Error result(Thread& t) { return Error(t.frame().a(0)); }
    static u64 word(Thread& t, int i) { return t.frame().a(R::word0 + i); }
    static u64 info(Thread& t) { return t.frame().a(R::info); }
    static u64 badge(Thread& t) { return t.frame().a(R::badge); }

    static bool console_mentions(const char* text) {
        auto& lines = fake::console_lines();
        return std::any_of(lines.begin(), lines.end(),
                           [&](const std::string& l) { return l.find(text) != std::string::npos; });
    }

    Domain* root = nullptr;

private:
    static constexpr u64 ipc_buffer_base = 0x200000;
    struct Page {
        Domain* domain;
        isok::PhysAddr frame;
    };
    std::vector<Thread*> threads;
    std::vector<Endpoint*> endpoints;
    std::vector<Notification*> notifications;
    std::vector<Page> pages;
    u64 ipc_buffers = 0;
    std::vector<Domain*> domains;
    std::deque<Capability> held;
};

} // namespace ktest

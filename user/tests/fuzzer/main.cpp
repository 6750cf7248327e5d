// fuzzer: a million system calls, or as many as "calls=N" says, with random numbers
// (valid and not) and random arguments from a seeded xorshift. Some calls get fully random arguments; most get
// arguments biased towards what the kernel looks at (slot numbers in and just past the
// capability space, slots that hold something, plausible user and kernel addresses,
// small integers), so they get past the first check and deep into the kernel. It counts
// the calls and those rejected (a non-zero error), and prints them at the end. The
// kernel must stay up and the other processes must finish.
//
// With the receive end of channel "fuzz" it is the fuzzer's partner instead: it answers
// every message with one word, 1 ("kill" to an exception message), so that the fuzzer's
// send and call have someone to reach; it accepts the capabilities sent along and
// deletes them again. Asked with label `stats_label`, it also tells how many messages
// and capabilities it received.
//
// With the argument "hart=N" either role first moves to hart N, and the fuzzer never
// moves itself from there (tests/system/systems/smp_stress.toml).
//
// What the fuzzer does not do, and why: a call the kernel obeys can legitimately end or
// freeze the fuzzer, and that would not be a kernel failure. So it never calls exit;
// never destroys, stops or lowers the priority of its own thread (slot 1 and any copy
// of it); never destroys its own domain (slot 0 and copies; the kernel refuses that with
// busy anyway); never starts a thread in its own domain (it would run over the fuzzer's
// own memory); never unmaps its own memory outside a scratch arena, nor lets the kernel
// write into it (domain_stats and the like write only to the arena or to nowhere); never
// blocks forever (no send, call or receive on an endpoint of its own making that nobody
// serves; a wait only right after a signal); and never debug_writes bytes that could be
// mapped (random bytes on the console are no test). To keep its calls deep it also
// never deletes slots 0, 1 or its partner's endpoint; anything else it deletes freely
// (an object goes with its last capability, so nothing leaks). Each rule rejects the
// drawn arguments and draws again, so every call number, exit aside, is still made, only
// with other slots or operations. The fuzzer keeps a shadow of its capability space
// (what it created, copied, deleted and revoked, and which capability derives from
// which) to know which slots are which, and every 1024 calls destroys what it made.
//
// Beside its random calls it keeps a blocker: a thread of its own, blocked in receive on
// an endpoint and then in wait on a notification, which its random destroys, deletes and
// revokes take away from under it (destruction while blocked). Its copies often form
// chains (a copy of the last copy) that revoke and delete then cut. After every clean-up
// its budget, less what its page tables hold, must be what it was after the first, and
// (from the test kernel, which tells) so must the machine's free frames.
#include <isok/random.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>

using namespace isok;
using rt::Error;
namespace sys = rt::sys;
using abi::Syscall;

namespace {

constexpr u64 default_calls = 1'000'000;
constexpr u64 reset_every = 1024; // calls between clean-ups that refund the budget
constexpr u64 max_slots = 256;
constexpr u64 page = 4096;
constexpr u64 arena = 0x10000000;             // scratch addresses where its own memory gets mapped
constexpr u64 arena_pages = 64;
constexpr u64 never_mapped = 0x38000000;      // no map into its own domain lands here
constexpr u64 never_mapped_pages = 16;
constexpr u64 kernel_address = 0xffffffc000000000;
// Where it maps large memory 2 MiB-aligned on both sides (the kernel may use 2 MiB
// pages there); destroying the memory must take those mappings with it.
constexpr u64 large_area = 0x1000000000;
constexpr u64 two_mib = 2ull << 20;
constexpr u64 stats_label = 0x57a7;
constexpr u64 blocker_stack = 0x30000000; // one page, never unmapped
constexpr u64 no_parent = ~u64{0};

// What the fuzzer knows about each of its slots.
// own_thread: a thread in its own domain, never started; other: a type it does not know.
// blocker: the blocker thread (random calls only ever stop, destroy or delete it).
enum class Kind : u8 { empty, self_domain, self_thread, partner, endpoint, notification, memory, domain, own_thread, thread, blocker, other };
struct Shadow {
    Kind kind = Kind::empty;
    u64 rights = 0;
    bool original = false;  // the capability create made, which reset() destroys it through
    u64 object = 0;         // which object: the same number in every copy; 0 for one it did not make
    u64 parent = no_parent; // the slot it was copied from, while that holds it
};

// The blocker's slots, set before it starts.
u64 blocker_endpoint = 0, blocker_notification = 0;

// Waits where it was told to; once both are gone (destroyed, deleted, revoked) it ends.
[[noreturn]] void blocker() {
    while (sys::receive(blocker_endpoint).error == Error::ok || sys::wait(blocker_notification).error == Error::ok) {
    }
    sys::exit(0);
}

struct Call {
    u64 number;
    u64 a[6];
};

class Fuzzer {
public:
    // pinned: it was moved to a hart of its own and must stay there (never moves itself).
    Fuzzer(u64 slots, u64 partner, u64 calls, bool pinned)
        : slots_(slots < max_slots ? slots : max_slots), partner_(partner), calls_(calls), pinned_(pinned) {
        shadow_[startup::self_domain_slot] = {Kind::self_domain, abi::rights::all};
        shadow_[startup::self_thread_slot] = {Kind::self_thread, abi::rights::all};
        if (partner_ < slots_) shadow_[partner_] = {Kind::partner, abi::rights::write};
    }

    void run() {
        prepare_blocker();
        reset();
        for (u64 n = 1; n <= calls_; ++n) {
            Call c = draw();
            prime(c);
            rt::Registers r = rt::raw_syscall(Syscall(c.number), c.a[0], c.a[1], c.a[2], c.a[3], c.a[4], c.a[5]);
            u64 e = r.a[0];
            if (e != 0) ++rejected_;
            if (e < error_kinds) ++errors_[e];
            else ++undefined_;
            if (c.number < u64(Syscall::count)) {
                ++made_[c.number];
                if (e == 0) ++succeeded_[c.number];
            }
            if (e == 0) learn(c);
            if (n % reset_every == 0) reset();
            if (n % (calls_ / 4 + 1) == 0) rt::print("%lu calls so far\n", n);
        }
        reset(false);
    }

    void report() const {
        rt::print("%lu calls, %lu rejected, %lu succeeded, %lu with an undefined error code\n", calls_, rejected_,
                  calls_ - rejected_, undefined_);
        for (u64 e = 1; e < error_kinds; ++e)
            if (errors_[e]) rt::print("  %s: %lu\n", rt::error_name(Error(e)), errors_[e]);
        rt::print("succeeded of made, per call number:");
        for (u64 n = 0; n < u64(Syscall::count); ++n) rt::print(" %lu:%lu/%lu", n, succeeded_[n], made_[n]);
        rt::print("\n");
        rt::print("blocker: %lu made, %lu taken away while it waited\n", blockers_made_, blockers_taken_);
        rt::print("after %lu clean-ups: budget %lu bytes left besides page tables each time, %lu times otherwise\n",
                  cleanups_, baseline_budget_, budget_changes_);
        if (baseline_frames_)
            rt::print("after %lu clean-ups: %lu free frames besides its page tables each time, %lu times otherwise\n",
                      cleanups_, baseline_frames_, frame_changes_);
    }

    bool ok() const { return undefined_ == 0 && rejected_ > 0 && rejected_ < calls_ && budget_changes_ == 0; }

private:
    static constexpr u64 error_kinds = 20;

    Call draw() {
        for (;;) {
            Call c = candidate();
            if (safe(c)) return c;
        }
    }

    Call candidate() {
        Call c{};
        u64 pick = random_.below(16);
        c.number = pick < 13 ? random_.below(u64(Syscall::count)) : pick < 15 ? random_.below(64) : random_.next();
        u64 style = random_.below(8);
        if (style == 0) {
            for (u64& a : c.a) a = random_.next();
        } else if (style <= 2) {
            for (u64& a : c.a) a = any();
        } else {
            shaped(c);
        }
        return c;
    }

    // Arguments in the shape the call expects, still drawn at random.
    void shaped(Call& c) {
        for (u64& a : c.a) a = any();
        switch (Syscall(c.number)) {
        case Syscall::debug_write: c.a[0] = address(), c.a[1] = random_.one_in(2) ? 0 : random_.below(600); break;
        case Syscall::send:
        case Syscall::call:
        case Syscall::reply_receive:
            c.a[0] = random_.one_in(3) ? partner_ : slot();
            c.a[1] = info();
            break;
        case Syscall::reply: c.a[1] = info(); break;
        case Syscall::receive: c.a[0] = slot_of(Kind::endpoint); break;
        case Syscall::signal:
        case Syscall::wait:
        case Syscall::poll: c.a[0] = slot_of(Kind::notification); break;
        case Syscall::destroy:
        case Syscall::cap_delete: c.a[0] = random_.one_in(2) ? held_slot() : slot(); break;
        case Syscall::domain_info: c.a[0] = domain_slot(); break;
        case Syscall::revoke: c.a[0] = random_.one_in(2) ? held_slot() : slot(); break;
        case Syscall::domain_stats:
            c.a[0] = random_.one_in(2) ? domain_slot() : slot();
            c.a[1] = random_.one_in(2) ? arena + random_.below(arena_pages / 2) * page + random_.below(page) : address();
            c.a[2] = random_.one_in(2) ? sizeof(abi::DomainStats) : random_.below(400);
            break;
        case Syscall::create: {
            auto type = abi::ObjectType(random_.below(8));
            c.a[0] = u64(type), c.a[1] = free_slot(), c.a[2] = domain_slot();
            if (!random_.one_in(8)) {
                if (type == abi::ObjectType::domain || type == abi::ObjectType::vm)
                    c.a[3] = random_.below(17) * page, c.a[4] = random_.below(80), c.a[5] = random_.below(300);
                if (type == abi::ObjectType::thread) c.a[3] = random_.below(300);
                if (type == abi::ObjectType::memory) c.a[3] = random_.one_in(16) ? 512 + random_.below(513) : random_.below(9);
            }
            break;
        }
        case Syscall::cap_copy:
            // Often a copy of the last copy, into its own space: chains for revoke to cut.
            if (random_.one_in(3) && kind(last_copy_) != Kind::empty)
                c.a[0] = last_copy_, c.a[1] = startup::self_domain_slot;
            else
                c.a[0] = held_slot(), c.a[1] = domain_slot();
            c.a[2] = free_slot(), c.a[3] = random_.one_in(2) ? abi::rights::all : random_.below(32);
            c.a[4] = random_.one_in(2) ? 0 : random_.below(4);
            break;
        case Syscall::map:
            c.a[0] = domain_slot(), c.a[1] = slot_of(Kind::memory), c.a[2] = random_.below(3), c.a[3] = address();
            c.a[4] = random_.below(5), c.a[5] = random_.below(8);
            if (random_.one_in(8)) large_map(c);
            break;
        case Syscall::unmap:
            if (random_.one_in(2)) c.a[0] = last_map_.a[0], c.a[1] = last_map_.a[3], c.a[2] = last_map_.a[4];
            else c.a[0] = domain_slot(), c.a[1] = address(), c.a[2] = random_.below(5);
            break;
        case Syscall::thread_control:
            c.a[0] = random_.one_in(2) ? slot_of(Kind::thread) : slot(), c.a[1] = random_.below(10);
            c.a[2] = random_.one_in(2) ? random_.below(300) : address(), c.a[3] = address();
            break;
        default: break;
        }
    }

    // 512 pages from the first page whose physical address is 2 MiB aligned, at a 2 MiB
    // aligned address: a mapping the kernel may make with one large page.
    void large_map(Call& c) {
        rt::MemoryInfo m = sys::memory_info(c.a[1]);
        if (m.error != Error::ok) return;
        u64 first = ((two_mib - m.physical % two_mib) % two_mib) / page;
        c.a[2] = first, c.a[3] = large_area + random_.below(16) * two_mib, c.a[4] = 512;
    }

    // One argument of no particular kind: a slot, an address, a small integer or anything.
    u64 any() {
        switch (random_.below(8)) {
        case 0:
        case 1:
        case 2: return slot();
        case 3:
        case 4: return address();
        case 5: return random_.below(8);
        default: return random_.next();
        }
    }

    u64 slot() {
        switch (random_.below(8)) {
        case 0: return random_.below(4);                // its own domain, thread, the partner
        case 1: return slots_ + random_.below(8);       // just past the space: bad_slot
        case 2: return random_.next();                  // anywhere
        case 3:
        case 4: return held_slot();                     // something is there
        default: return random_.below(slots_);          // anywhere in the space
        }
    }

    u64 held_slot() {
        for (int tries = 0; tries < 8; ++tries) {
            u64 s = random_.below(slots_);
            if (shadow_[s].kind != Kind::empty) return s;
        }
        return random_.below(4);
    }

    // Mostly a slot that holds a `k` (as far as it knows), else any slot.
    u64 slot_of(Kind k) {
        if (random_.one_in(4)) return slot();
        for (int tries = 0; tries < 16; ++tries) {
            u64 s = random_.below(slots_);
            if (shadow_[s].kind == k) return s;
        }
        return slot();
    }

    u64 free_slot() {
        for (int tries = 0; tries < 8; ++tries) {
            u64 s = random_.below(slots_);
            if (shadow_[s].kind == Kind::empty) return s;
        }
        return slot();
    }

    u64 domain_slot() {
        if (random_.one_in(3)) return startup::self_domain_slot;
        for (int tries = 0; tries < 8; ++tries) {
            u64 s = random_.below(slots_);
            if (shadow_[s].kind == Kind::domain || shadow_[s].kind == Kind::self_domain) return s;
        }
        return slot();
    }

    u64 address() {
        static constexpr u64 plausible[] = {
            0,
            0x10000,                            // its program
            startup::stack_top - page,          // its stack
            startup::ipc_buffer_address,
            startup::startup_address,
            never_mapped,
            abi::user_space_end - page,
            abi::user_space_end,
            kernel_address,
            ~u64{0} - page + 1,
        };
        switch (random_.below(4)) {
        case 0:
        case 1: return arena + random_.below(arena_pages) * page;
        case 2: return plausible[random_.below(sizeof plausible / sizeof plausible[0])] + (random_.one_in(4) ? random_.below(page) : 0);
        default: return random_.next();
        }
    }

    u64 info() {
        if (random_.one_in(4)) return random_.next();
        u64 length = random_.one_in(2) ? random_.below(5) : random_.below(300);
        return abi::message_info(random_.next(), length, random_.below(6));
    }

    Kind kind(u64 slot) const { return slot < slots_ ? shadow_[slot].kind : Kind::empty; }
    u64 rights(u64 slot) const { return slot < slots_ ? shadow_[slot].rights : 0; }
    bool is_self(u64 slot, Kind k) const { return kind(slot) == k; }

    // The rules of the comment at the top: false for a call that could end or freeze the
    // fuzzer if the kernel obeys it.
    // Where the kernel may write on its behalf: nowhere it keeps anything (64 KiB of room).
    static bool nothing_of_its_own(u64 a) {
        constexpr u64 room = 64 * 1024;
        return a < 0x10000 || a >= abi::user_space_end || (a >= arena && a < arena + arena_pages * page - room) ||
               (a >= never_mapped && a < never_mapped + never_mapped_pages * page - room);
    }

    bool safe(const Call& c) const {
        namespace r = abi::rights;
        const u64 s = c.a[0];
        if (is_self(s, Kind::blocker) && c.number == u64(Syscall::thread_control))
            return abi::ThreadOp(c.a[1]) == abi::ThreadOp::stop;
        switch (c.number) {
        case u64(Syscall::exit): return false;
        case u64(Syscall::destroy): return !is_self(s, Kind::self_domain) && !is_self(s, Kind::self_thread);
        case u64(Syscall::cap_delete):
            return s != startup::self_domain_slot && s != startup::self_thread_slot && s != partner_ &&
                   !(s < slots_ && shadow_[s].original);
        case u64(Syscall::thread_control): {
            auto op = abi::ThreadOp(c.a[1]);
            if (is_self(s, Kind::self_thread))
                return op != abi::ThreadOp::stop && op != abi::ThreadOp::set_priority &&
                       !(pinned_ && op == abi::ThreadOp::set_hart);
            if (is_self(s, Kind::own_thread) || is_self(s, Kind::other)) return op != abi::ThreadOp::start;
            return true;
        }
        case u64(Syscall::map): {
            // Nothing of its own is mapped over the window debug_write may point into.
            u64 at = c.a[3], pages = c.a[4];
            bool overlaps = at < never_mapped + never_mapped_pages * page && pages < (abi::user_space_end / page) &&
                            at + pages * page > never_mapped;
            return !is_self(s, Kind::self_domain) || !overlaps;
        }
        case u64(Syscall::unmap):
            return !is_self(s, Kind::self_domain) || (c.a[1] >= arena && c.a[1] < arena + arena_pages * page);
        case u64(Syscall::send):
        case u64(Syscall::call): return !(kind(s) == Kind::endpoint && (rights(s) & r::write));
        case u64(Syscall::receive):
        case u64(Syscall::reply_receive): return !(kind(s) == Kind::endpoint && (rights(s) & r::read));
        case u64(Syscall::wait):
            // prime() signals it first through the same slot, so only a notification
            // it cannot signal could block; or the blocker's notification, through any copy,
            // and whatever is in the slot the blocker waits on (it may take the signal).
            if (s == blocker_notification || (s < slots_ && shadow_[s].object == blocker_object_)) return false;
            return kind(s) != Kind::notification || !(rights(s) & r::read) || (rights(s) & r::write);
        case u64(Syscall::domain_stats):
        case u64(Syscall::guest_console):
        case u64(Syscall::console_log):
            return nothing_of_its_own(c.a[1]) && nothing_of_its_own(c.a[2]) && nothing_of_its_own(c.a[3]);
        case u64(Syscall::debug_write): {
            u64 p = c.a[0], n = c.a[1];
            bool prints = n > 0 && n <= 512;
            bool unmappable = p >= abi::user_space_end || (p >= never_mapped && p + n <= never_mapped + never_mapped_pages * page);
            return !prints || unmappable;
        }
        default: return true;
        }
    }

    // A wait on a notification it holds is preceded by a signal, so it returns at once.
    // Now and then it also leaves a value in a floating-point register, so that the
    // kernel saves and hands over FPU state between it and everyone else all along.
    void prime(const Call& c) {
        if (c.number == u64(Syscall::wait) && kind(c.a[0]) == Kind::notification) (void)sys::signal(c.a[0]);
        if (random_.one_in(64)) asm volatile("fmv.d.x f5, %0" ::"r"(random_.next()));
    }

    // Updates the shadow after a call that succeeded.
    void learn(const Call& c) {
        switch (c.number) {
        case u64(Syscall::create): {
            if (c.a[1] >= slots_) return;
            Kind made = Kind::empty;
            switch (abi::ObjectType(c.a[0])) {
            case abi::ObjectType::endpoint: made = Kind::endpoint; break;
            case abi::ObjectType::notification: made = Kind::notification; break;
            case abi::ObjectType::memory: made = Kind::memory; break;
            case abi::ObjectType::domain:
            case abi::ObjectType::vm: made = Kind::domain; break;
            case abi::ObjectType::thread: made = kind(c.a[2]) == Kind::self_domain ? Kind::own_thread : Kind::thread; break;
            default: made = Kind::other; break;
            }
            shadow_[c.a[1]] = {made, abi::rights::all, true, ++objects_, no_parent};
            break;
        }
        case u64(Syscall::cap_copy):
            if (kind(c.a[1]) == Kind::self_domain && c.a[2] < slots_) {
                const Shadow& from = shadow_[c.a[0]];
                shadow_[c.a[2]] = {from.kind, from.rights & c.a[3], false, from.object, c.a[0]};
                last_copy_ = c.a[2];
            }
            break;
        case u64(Syscall::cap_delete): forget(c.a[0]); break;
        case u64(Syscall::destroy): {
            // Every capability to the object goes stale, which frees its slot.
            u64 object = c.a[0] < slots_ ? shadow_[c.a[0]].object : 0;
            forget(c.a[0]);
            for (u64 i = 0; object && i < slots_; ++i)
                if (shadow_[i].object == object) forget(i);
            break;
        }
        case u64(Syscall::revoke):
            for (u64 i = 0; c.a[0] < slots_ && i < slots_; ++i)
                if (descends(i, c.a[0])) shadow_[i] = {};
            break;
        case u64(Syscall::map): last_map_ = c; break;
        default: break;
        }
    }

    bool descends(u64 slot, u64 ancestor) const {
        for (u64 p = shadow_[slot].parent, hops = 0; p != no_parent && hops < slots_; p = shadow_[p].parent, ++hops)
            if (p == ancestor) return true;
        return false;
    }

    // A slot emptied: what was copied from it now derives from its parent, as in the kernel.
    void forget(u64 slot) {
        if (slot >= slots_) return;
        for (u64 i = 0; i < slots_; ++i)
            if (shadow_[i].parent == slot) shadow_[i].parent = shadow_[slot].parent;
        shadow_[slot] = {};
    }

    // Destroys what it made (refunding its budget), deletes every other capability it
    // came by, and puts its own thread's IPC buffer and exception handler back. Then
    // checks that nothing is left charged, and (unless it is the last) makes a new blocker.
    void reset(bool again = true) {
        note_blocker();
        for (u64 s = 0; s < slots_; ++s) {
            Kind k = shadow_[s].kind;
            bool made = k == Kind::endpoint || k == Kind::notification || k == Kind::memory || k == Kind::domain ||
                        k == Kind::own_thread || k == Kind::thread || k == Kind::blocker || k == Kind::other;
            if (made) (void)sys::destroy(s);
            if (k != Kind::empty && s != startup::self_domain_slot && s != startup::self_thread_slot && s != partner_) {
                (void)sys::cap_delete(s);
                shadow_[s] = {};
            }
        }
        last_copy_ = 0;
        (void)sys::set_ipc_buffer(startup::self_thread_slot, startup::ipc_buffer_address);
        // Fresh message words and capability slots for the calls that read the buffer.
        abi::IpcBuffer& buffer = rt::ipc_buffer();
        for (u64& w : buffer.words) w = random_.next();
        for (u64 i = 0; i < abi::max_message_caps; ++i) {
            buffer.send_caps[i] = random_.one_in(4) ? random_.next() : random_.below(slots_);
            buffer.receive_slots[i] = random_.below(slots_ + 2);
        }
        (void)sys::set_exception_handler(startup::self_thread_slot, ~u64{0});
        (void)sys::set_time_slice(startup::self_thread_slot, 10);
        check_nothing_left();
        if (again) make_blocker();
    }

    // What it holds after a clean-up is what it held after the first: its page tables
    // aside, which stay as long as its domain does.
    void check_nothing_left() {
        rt::DomainInfo d = sys::domain_info(startup::self_domain_slot);
        u64 budget = d.budget_left + d.table_bytes;
        u64 frames = d.free_frames ? d.free_frames + d.table_bytes / page : 0;
        if (cleanups_++ == 0) {
            baseline_budget_ = budget, baseline_frames_ = frames;
            return;
        }
        if (budget != baseline_budget_ && budget_changes_++ == 0)
            rt::print("clean-up %lu: %lu bytes of budget left besides page tables, %lu after the first\n", cleanups_,
                      budget, baseline_budget_);
        if (frames != baseline_frames_ && frame_changes_++ == 0)
            rt::print("clean-up %lu: %lu free frames besides its page tables, %lu after the first\n", cleanups_, frames,
                      baseline_frames_);
    }

    // Whether the last blocker lost what it waited on (or itself) to the random calls.
    void note_blocker() {
        if (!watched_) return;
        abi::DomainStats own{};
        bool gone = kind(watched_) != Kind::blocker;
        if (!gone && sys::domain_stats(startup::self_domain_slot, own) == Error::ok) gone = own.blocked == 0;
        blockers_taken_ += gone;
        watched_ = 0;
    }

    // The blocker's stack, once: mapped for good (the memory lives on in the mapping).
    void prepare_blocker() {
        abi::DomainStats own{};
        (void)sys::domain_stats(startup::self_domain_slot, own);
        blocker_priority_ = own.priority;
        u64 memory = free_slot_from(4);
        if (sys::create(abi::ObjectType::memory, memory, startup::self_domain_slot, 1) == Error::ok) {
            (void)sys::map(startup::self_domain_slot, memory, 0, blocker_stack, 1, abi::rights::read | abi::rights::write);
            (void)sys::cap_delete(memory);
        }
    }

    // A thread of its own blocked in receive, with the endpoint and notification it
    // waits on, all three open to the random calls that follow.
    void make_blocker() {
        u64 e = free_slot_from(4), n = free_slot_from(e + 1), t = free_slot_from(n + 1);
        if (t >= slots_) return;
        const u64 self = startup::self_domain_slot;
        if (sys::create(abi::ObjectType::endpoint, e, self) != Error::ok ||
            sys::create(abi::ObjectType::notification, n, self) != Error::ok ||
            sys::create(abi::ObjectType::thread, t, self, blocker_priority_) != Error::ok)
            return;
        shadow_[e] = {Kind::endpoint, abi::rights::all, true, ++objects_, no_parent};
        shadow_[n] = {Kind::notification, abi::rights::all, true, ++objects_, no_parent};
        shadow_[t] = {Kind::blocker, abi::rights::all, true, ++objects_, no_parent};
        blocker_object_ = shadow_[n].object;
        blocker_endpoint = e, blocker_notification = n;
        if (sys::set_registers(t, reinterpret_cast<u64>(&blocker), blocker_stack + page, 0) != Error::ok ||
            sys::start(t) != Error::ok)
            return;
        ++blockers_made_;
        sys::yield(); // it runs (same priority) and blocks in receive
        watched_ = t;
    }

    // A first empty slot from `from` on (slots_ when none).
    u64 free_slot_from(u64 from) const {
        for (u64 s = from; s < slots_; ++s)
            if (shadow_[s].kind == Kind::empty && s != partner_) return s;
        return slots_;
    }

    Xorshift random_{0x15ca11ed5eed};
    u64 slots_;
    u64 partner_;
    u64 calls_;
    bool pinned_;
    Shadow shadow_[max_slots];
    Call last_map_{}; // the last map that succeeded, for unmap to undo
    u64 last_copy_ = 0; // where the last copy into its own space went, to copy it again
    u64 objects_ = 0;   // objects made so far: each one's number in the shadow
    u64 blocker_object_ = ~u64{0}; // its notification's number in the shadow
    u64 blocker_priority_ = 0, blockers_made_ = 0, blockers_taken_ = 0, watched_ = 0;
    u64 cleanups_ = 0, baseline_budget_ = 0, baseline_frames_ = 0, budget_changes_ = 0, frame_changes_ = 0;
    u64 rejected_ = 0, undefined_ = 0;
    u64 errors_[error_kinds] = {};
    u64 made_[u64(Syscall::count)] = {}, succeeded_[u64(Syscall::count)] = {};
};

int partner(u64 endpoint, u64 cap_slots) {
    const u64 accept[abi::max_message_caps] = {cap_slots - 1, cap_slots - 2, cap_slots - 3, cap_slots - 4};
    rt::accept_caps(accept, abi::max_message_caps);
    u64 messages = 0, caps = 0;
    rt::Message m;
    Error e = rt::receive(endpoint, m);
    for (;;) {
        rt::Message answer(0, 3);
        answer.set_word(0, u64(abi::ExceptionReply::kill));
        if (e == Error::ok) {
            ++messages;
            caps += m.cap_count();
            for (u64 slot : accept) (void)sys::cap_delete(slot);
            if (m.label() == stats_label) answer.set_word(1, messages), answer.set_word(2, caps);
        }
        // A failed receive (a caller that went away) is no reason to stop serving.
        m = answer;
        e = rt::reply_receive(endpoint, m);
    }
}

// The number after "key=" among the space-separated arguments, or `absent`.
u64 argument(const char* args, const char* key, u64 absent) {
    for (const char* word = args; *word;) {
        const char* k = key;
        const char* a = word;
        for (; *k && *a == *k; ++k, ++a) {
        }
        if (!*k && *a >= '0' && *a <= '9') {
            u64 n = 0;
            for (; *a >= '0' && *a <= '9'; ++a) n = n * 10 + u64(*a - '0');
            return n;
        }
        while (*word && *word != ' ') ++word;
        while (*word == ' ') ++word;
    }
    return absent;
}

// "hart=N" (the multi-hart stress system): moves the first thread to hart N and says
// where it runs. False when not asked.
bool move_if_asked(const char* args) {
    u64 hart = argument(args, "hart=", ~u64{0});
    if (hart == ~u64{0}) return false;
    Error e = sys::set_hart(startup::self_thread_slot, hart);
    rt::print("moved to hart %lu: %s, running on hart %lu\n", hart, rt::error_name(e), sys::hart_info().hart);
    return e == Error::ok;
}

} // namespace

int main(const startup::Info& info) {
    const startup::Cap* channel = rt::find_cap("fuzz");
    if (!channel) rt::fatal("no channel 'fuzz'\n");
    bool pinned = move_if_asked(info.args);
    if (channel->rights & abi::rights::read) return partner(channel->slot, info.cap_slots);
    u64 calls = argument(info.args, "calls=", default_calls);
    static Fuzzer f(info.cap_slots, channel->slot, calls, pinned);
    rt::print("%lu calls from seed %lx, %lu capability slots, partner in slot %lu\n", calls, u64(0x15ca11ed5eed),
              info.cap_slots, channel->slot);
    f.run();
    f.report();
    // Still standing and still able to talk: one honest call to the partner.
    rt::Message m(stats_label, 1);
    Error e = rt::call(channel->slot, m);
    rt::print("the partner received %lu messages and %lu capabilities\n", m.word(1), m.word(2));
    rt::print("after fuzzing, a call to the partner: %s, answer %lu\n", rt::error_name(e), m.word(0));
    return f.ok() && e == Error::ok ? 0 : 1;
}

// Revocation. "revoke": the holder of an endpoint hands out copies (a chain ten deep, a
// badged copy, copies in domains of its own making, one granted through IPC) and then
// revokes its capability: every derived copy must be stale at once, its own must still
// work, and a holder of a copy can neither revoke above itself nor outlive the revoke by
// copying again. "revoke-latency": a revoke of a tree of sixty thousand capabilities
// must not hold off a higher-priority thread on its hart, woken every 200 us from the
// other hart, for as long as the revoke takes, nor for a time slice.
#include <isok/rt/counters.hpp>
#include <isok/rt/ipc.hpp>

#include "attack.hpp"

namespace attack {
namespace {

constexpr const char* name = "revoke";
constexpr u64 server_buffer = 0x49000000;

bool live(u64 slot) {
    u64 spare = take_slot();
    Error e = sys::cap_copy(slot, self, spare, rights::all);
    (void)sys::cap_delete(spare);
    return e == Error::ok;
}

// The granting side: receives one capability through its grant endpoint and replies.
struct Grantee {
    u64 endpoint; // read and grant
    u64 slot;     // where the capability goes
};

void receive_one(u64 arg) {
    const auto& g = *reinterpret_cast<const Grantee*>(arg);
    auto& buffer = *reinterpret_cast<isok::abi::IpcBuffer*>(server_buffer);
    buffer.receive_slots[0] = g.slot;
    (void)sys::receive(g.endpoint);
    (void)sys::reply(isok::abi::message_info(0, 0));
    for (;;) (void)sys::receive(g.endpoint);
}

// A copy granted through IPC: a thread of its own receives it, with the grant right.
u64 grant_through_ipc(u64 original) {
    u64 endpoint = make(ObjectType::endpoint);
    static Grantee g;
    g.endpoint = take_slot();
    g.slot = take_slot();
    u64 send = take_slot();
    expect_ok(sys::cap_copy(endpoint, self, g.endpoint, rights::read | rights::grant), "receive capability");
    expect_ok(sys::cap_copy(endpoint, self, send, rights::write | rights::grant), "send capability");
    expect_ok(sys::map(self, make(ObjectType::memory, 1), 0, server_buffer, 1, rw), "server buffer");
    u64 thread = make_thread(receive_one, u64(isok::uptr(&g)), stacks(1, 8192), make(ObjectType::endpoint));
    expect_ok(sys::set_ipc_buffer(thread, server_buffer), "server IPC buffer");
    expect_ok(sys::start(thread), "server start");
    isok::rt::ipc_buffer().send_caps[0] = original;
    isok::rt::Received r = sys::call(send, isok::abi::message_info(0, 0, 1));
    if (r.error != Error::ok) isok::rt::fatal("attacker: grant call: %s\n", isok::rt::error_name(r.error));
    return g.slot;
}

} // namespace

void revoke() {
    bool held = true;
    u64 endpoint = make(ObjectType::endpoint);
    u64 chain[10];
    for (u64 i = 0; i < 10; ++i) {
        chain[i] = take_slot();
        expect_ok(sys::cap_copy(i ? chain[i - 1] : endpoint, self, chain[i], rights::all), "chain copy");
    }
    u64 badged = take_slot();
    expect_ok(sys::cap_copy(endpoint, self, badged, rights::all, 7), "badged copy");
    u64 domains[3], free_before[3];
    for (u64 i = 0; i < 3; ++i) {
        domains[i] = make(ObjectType::domain, 256 * 1024, 64, 100);
        expect_ok(sys::cap_copy(endpoint, domains[i], 5, rights::write), "copy into a domain");
        expect_ok(sys::cap_copy(chain[9], domains[i], 6, rights::write), "copy of a copy into a domain");
        free_before[i] = sys::domain_info(domains[i]).free_slots;
    }
    u64 granted = grant_through_ipc(chain[4]);
    if (!live(granted)) isok::rt::fatal("attacker: the grant did not arrive\n");

    // A holder of a copy revokes it: what it copied goes, nothing above or beside it.
    u64 below = take_slot();
    expect_ok(sys::cap_copy(chain[9], self, below, rights::all), "copy below the chain");
    expect_ok(sys::revoke(chain[9]), "revoke the end of the chain");
    held &= expect_refusal(name, "a copy of the revoked copy", live(below) ? Error::ok : Error::stale, Error::stale);
    held &= expect_refusal(name, "the revoked copy itself", live(chain[9]) ? Error::ok : Error::stale, Error::ok);
    held &= expect_refusal(name, "the original, above it", live(endpoint) ? Error::ok : Error::stale, Error::ok);
    held &= expect_refusal(name, "the badged copy, beside it", live(badged) ? Error::ok : Error::stale, Error::ok);

    // The original is revoked: every copy, in every domain, at once.
    expect_ok(sys::revoke(endpoint), "revoke the original");
    u64 stale = 0;
    for (u64 slot : chain) stale += !live(slot);
    stale += !live(badged) + !live(granted);
    for (u64 i = 0; i < 3; ++i) stale += sys::domain_info(domains[i]).free_slots - free_before[i];
    isok::rt::print("attack %s: after the revoke, %lu of the 18 copies are stale\n", name, stale);
    held &= stale == 18;
    held &= expect_refusal(name, "send on a revoked copy", sys::send(chain[0], isok::abi::message_info(0, 0)),
                           Error::stale);
    held &= expect_refusal(name, "revoke on a revoked copy", sys::revoke(chain[0]), Error::stale);
    held &= expect_refusal(name, "the original after its revoke", live(endpoint) ? Error::ok : Error::stale, Error::ok);
    if (held) refused(name, "every copy derived from a revoked capability is stale, and nothing else");
    else breach(name, "a derived copy outlived the revoke, or the revoke reached beyond its own");
}

namespace {

constexpr const char* latency_name = "revoke-latency";
constexpr u64 tree_domains = 15;
constexpr u64 slots_each = 4096;

struct Watch {
    volatile u64 signalled_at = 0; // rdtime when the ticker last signalled
    volatile u64 wakes = 0;
    volatile u64 longest = 0; // the witness's longest wait after a signal, in timebase ticks
    volatile bool done = false;
    u64 notification = 0;
    u64 period = 0;
};
Watch watch;

// The higher-priority witness: how long after each signal it runs.
void witness(u64) {
    for (;;) {
        if (sys::wait(watch.notification).error != Error::ok) return;
        u64 late = isok::rt::time() - watch.signalled_at;
        if (late > watch.longest) watch.longest = late;
        watch.wakes = watch.wakes + 1;
    }
}

// On the other hart: a signal every period until the revoke is done.
void ticker(u64) {
    while (!watch.done) {
        u64 until = isok::rt::time() + watch.period;
        while (isok::rt::time() < until) {
        }
        watch.signalled_at = isok::rt::time();
        (void)sys::signal(watch.notification);
    }
    for (;;) (void)sys::wait(watch.notification);
}

} // namespace

void revoke_latency() {
    const u64 hz = isok::rt::startup_info().timebase_hz;
    u64 endpoint = make(ObjectType::endpoint);
    // A tree: 64 copies of its own in a chain, and from them 15 domains full of copies.
    u64 roots[64];
    for (u64 i = 0; i < 64; ++i) {
        roots[i] = take_slot();
        expect_ok(sys::cap_copy(i ? roots[i - 1] : endpoint, self, roots[i], rights::all), "tree root");
    }
    u64 domains[tree_domains];
    for (u64 d = 0; d < tree_domains; ++d) {
        domains[d] = make(ObjectType::domain, 200 * 1024, slots_each, 100);
        for (u64 s = 0; s < slots_each; ++s)
            expect_ok(sys::cap_copy(roots[s % 64], domains[d], s, rights::write), "tree leaf");
    }
    const u64 tree = 64 + tree_domains * slots_each;

    watch.notification = make(ObjectType::notification);
    watch.period = hz / 5000; // 200 us
    u64 w = make_thread(witness, 0, stacks(1, 8192), make(ObjectType::endpoint));
    u64 t = make_thread(ticker, 0, stacks(1, 8192), make(ObjectType::endpoint));
    expect_ok(sys::set_hart(t, 1), "ticker on the other hart");
    expect_ok(sys::set_priority(self_thread, 99), "the revoker below the witness");
    expect_ok(sys::start(w), "witness");
    expect_ok(sys::start(t), "ticker");
    while (watch.wakes < 3) (void)sys::yield(); // both run
    watch.longest = 0;

    isok::abi::DomainStats before{}, after{};
    (void)sys::domain_stats(self, before);
    u64 wakes = watch.wakes, start = isok::rt::time();
    Error e = sys::revoke(endpoint);
    u64 took = isok::rt::time() - start;
    wakes = watch.wakes - wakes;
    (void)sys::domain_stats(self, after);
    watch.done = true;

    u64 stale = 0;
    for (u64 d = 0; d < tree_domains; ++d) stale += sys::domain_info(domains[d]).free_slots;
    auto us = [hz](u64 ticks) { return ticks * 1'000'000 / hz; };
    constexpr u64 slice_us = 10 * 10'000; // the witness's time slice: 10 ticks of 10 ms
    isok::rt::print("attack %s: revoking %lu capabilities took %lu us (%s), stopped %lu times for an interrupt or "
                    "another hart; the witness woke %lu times meanwhile, the longest after %lu us\n",
                    latency_name, tree, us(took), isok::rt::error_name(e), after.restarts - before.restarts, wakes,
                    us(watch.longest));
    if (e != Error::ok || stale != tree_domains * slots_each)
        breach(latency_name, "the revoke did not take the whole tree");
    else if (wakes == 0 || us(watch.longest) >= slice_us || watch.longest * 2 > took)
        breach(latency_name, "the revoke held off a higher-priority thread");
    else
        refused(latency_name, "a long revoke stops for a waiting higher-priority thread");
}

} // namespace attack

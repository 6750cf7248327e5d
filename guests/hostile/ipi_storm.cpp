// ipi-storm: every hart storms the others with SBI IPIs and remote fences, malformed calls
// and hart_stop/hart_start races; the first hart prints the totals (README.md).
#include "../mini/csr.hpp"
#include "hostile.hpp"

#include <isok/format.hpp>
#include <isok/guest/sbi.hpp>

namespace hostile {
namespace {

namespace sbi = isok::guest::sbi;
namespace ext = sbi::ext;
namespace csr = mini::csr;
using isok::i64;
using isok::u32;

constexpr u64 default_rounds = 20000;
constexpr u64 stack_size = 8192;
constexpr u32 max_harts = Machine::max_cpus;
constexpr u64 max_stops_seen = 3;
constexpr u64 ssip = 1 << 1; // sip.SSIP, sie.SSIE
enum : u64 { fence_i = 0, sfence_vma = 1, sfence_vma_asid = 2 };
enum : u64 { hart_start = 0, hart_stop = 1, hart_get_status = 2 };

// Results of a call, by SBI error code 0..-8; anything else in the last slot.
constexpr u32 codes = 10;
u32 code_slot(i64 error) { return error <= 0 && error > -i64(codes - 1) ? u32(-error) : codes - 1; }

// The malformed calls, one per round in turn. What a correct SBI answers varies (a
// mask bit for a missing hart is refused by some, ignored by others): they are tallied.
// An ASID fence over a range of 2^64-4096 bytes is not among them: OpenSBI 1.1 fences
// it page by page on every hart, which does not end in any useful time.
const char* const variant_names[] = {
    "send_ipi with mask bits for harts that do not exist",
    "send_ipi with hart_mask_base 2^63",
    "send_ipi with hart_mask_base 2^64-2 and a full mask (base + bit wraps)",
    "remote_sfence_vma of 8 KiB from 0xfffffffffffff000 (wraps around)",
    "remote_sfence_vma of 2^63 bytes from 0",
    "remote_sfence_vma_asid of everything, asid 0xffffffffffffffff",
    "send_ipi to every hart (hart_mask_base -1)",
    "hart_start of a running hart (me)",
    "hart_get_status of hart 0xffffffff",
    "hart_start of a hart that does not exist",
};
constexpr u32 variants = sizeof variant_names / sizeof variant_names[0];

// One per hart, written by that hart alone (ipis_received by its trap handler) and read
// by the first hart once every hart has said it is done.
struct alignas(64) Record {
    u64 hart_id;
    u64 rounds;
    u64 ipis_sent; // one per target hart of a send_ipi that succeeded
    u64 ipis_received;
    u64 fences;
    u64 failed; // well-formed calls that returned an error
    const char* first_failure;
    i64 first_failure_error;
    u64 malformed[variants][codes];
    u64 entries, stops; // times it began to run; times it stopped itself
    u64 entered_with_sie; // entries with sstatus.SIE set, which the SBI must clear
    u64 others_at_stop[3]; // the slowest other hart's rounds at each of its first stops
    u64 restarts, starts_refused; // its hart_starts of the stopped victim
    bool running;
};

struct Storm {
    u32 harts = 0; // records in use
    u32 boot = 0, victim = 0; // indices; the victim stops itself, the others restart it
    u64 rounds = default_rounds;
    u64 stop_every = 0; // the victim stops itself every quarter of its rounds
    u64 all = 0;           // mask of every hart id in use
    u64 started = 0;       // mask of the harts that have begun (atomic)
    u64 live = 0;          // ... and are not stopping: the targets of IPIs and fences (atomic)
    u64 missing_id = 0;    // a hart id the device tree does not list
    u32 expected = 0;      // harts the first hart started, itself included; 0 until known
    u32 finished = 0;      // harts done with their rounds (atomic)
    u32 started_twice = 0; // entries into a hart already running (atomic)
    bool victim_down = false;
    u64 ram_base = 0;
};

Storm storm;
Record records[max_harts];
alignas(16) isok::u8 stacks[max_harts][stack_size];

u64 stack_top(u32 index) { return u64(&stacks[index][stack_size]); }

template <class T> T load(const T& x) { return __atomic_load_n(&x, __ATOMIC_ACQUIRE); }
template <class T> void store(T& x, T v) { __atomic_store_n(&x, v, __ATOMIC_RELEASE); }

u32 popcount(u64 x) { return u32(__builtin_popcountll(x)); }

void expect_success(Record& me, sbi::Ret r, const char* what) {
    if (r.error == 0) return;
    if (!me.failed++) me.first_failure = what, me.first_failure_error = r.error;
}

void malformed(Record& me, u32 index, u64 round) {
    u32 v = u32(round % variants);
    u64 me_bit = u64(1) << me.hart_id, live = load(storm.live);
    sbi::Ret r{};
    switch (v) {
    case 0: r = sbi::call(ext::ipi, 0, (live & ~me_bit) | (u64(1) << storm.missing_id) | (u64(1) << 63), 0); break;
    case 1: r = sbi::call(ext::ipi, 0, 1, u64(1) << 63); break;
    case 2: r = sbi::call(ext::ipi, 0, ~u64(0), ~u64(1)); break;
    case 3: r = sbi::call(ext::rfence, sfence_vma, live, 0, ~u64(0xfff), 0x2000); break;
    case 4: r = sbi::call(ext::rfence, sfence_vma, live, 0, 0, u64(1) << 63); break;
    case 5: r = sbi::call(ext::rfence, sfence_vma_asid, live, 0, 0, ~u64(0), ~u64(0)); break;
    case 6: r = sbi::call(ext::ipi, 0, 0, ~u64(0)); break;
    case 7: r = sbi::call(ext::hsm, hart_start, me.hart_id, u64(&mini_secondary), stack_top(index)); break;
    case 8: r = sbi::call(ext::hsm, hart_get_status, 0xffffffff); break;
    case 9: r = sbi::call(ext::hsm, hart_start, storm.missing_id, u64(&mini_secondary), stack_top(index)); break;
    }
    ++me.malformed[v][code_slot(r.error)];
}

// Any hart but the victim: while the victim says it is going down, try to bring it back.
// Several harts race here, and with the victim's own hart_stop; one start may succeed.
void revive(Record& me, u32 index) {
    if (index == storm.victim || !load(storm.victim_down)) return;
    Record& v = records[storm.victim];
    sbi::Ret r = sbi::call(ext::hsm, hart_start, v.hart_id, u64(&mini_secondary), stack_top(storm.victim));
    if (r.error == 0) ++me.restarts;
    else ++me.starts_refused;
}

// Before the victim stops, no other hart may have a fence for it under way, as an OS takes
// a hart offline: OpenSBI 1.1 waits forever for a hart that stops with a fence pending.
// Out of the mask, it waits until every other hart has ended the round in which it may
// have read the mask before.
void leave_the_targets(Record& me, u32 index) {
    __atomic_fetch_and(&storm.live, ~(u64(1) << me.hart_id), __ATOMIC_SEQ_CST);
    u64 seen[max_harts], slowest = ~u64(0);
    for (u32 i = 0; i < storm.harts; ++i) {
        seen[i] = __atomic_load_n(&records[i].rounds, __ATOMIC_SEQ_CST);
        if (i != index && seen[i] < slowest) slowest = seen[i];
    }
    // How far behind the others are tells whether all harts get through their calls alike.
    if (me.stops < max_stops_seen) me.others_at_stop[me.stops] = slowest;
    for (u32 i = 0; i < storm.harts; ++i) {
        if (i == index || !(load(storm.started) & (u64(1) << records[i].hart_id))) continue;
        while (load(records[i].rounds) == seen[i] && seen[i] < storm.rounds) {
        }
    }
}

// The victim's rounds survive its stops: it goes on where it was when restarted.
void run(Record& me, u32 index) {
    asm volatile("mv tp, %0" ::"r"(&me)); // the trap handler's way to this record
    csr::set_sie(ssip);
    csr::set_sstatus(csr::sstatus_sie);
    u64 me_bit = u64(1) << me.hart_id;
    while (me.rounds < storm.rounds) {
        u64 live = __atomic_load_n(&storm.live, __ATOMIC_SEQ_CST), others = live & ~me_bit;
        sbi::Ret r = sbi::call(ext::ipi, 0, others, 0);
        expect_success(me, r, "send_ipi to the other harts");
        if (r.error == 0) me.ipis_sent += popcount(others);
        expect_success(me, sbi::call(ext::rfence, sfence_vma, live, 0, storm.ram_base, 4096),
                       "remote_sfence_vma of one page on every hart");
        ++me.fences;
        malformed(me, index, me.rounds);
        revive(me, index);
        store(me.rounds, me.rounds + 1);
        if (index == storm.victim && me.rounds % storm.stop_every == 0 && me.rounds < storm.rounds) {
            leave_the_targets(me, index);
            // Every interrupt source masked but sstatus.SIE left set: a restart that
            // keeps sstatus (the SBI must clear SIE) shows, and takes nothing early.
            csr::write_sie(0);
            ++me.stops;
            store(me.running, false);
            store(storm.victim_down, true);
            expect_success(me, sbi::call(ext::hsm, hart_stop), "hart_stop of myself");
            store(me.running, true); // the stop was refused: carry on
            __atomic_fetch_or(&storm.live, me_bit, __ATOMIC_SEQ_CST);
            csr::set_sie(ssip);
        }
    }
    __atomic_fetch_add(&storm.finished, 1, __ATOMIC_ACQ_REL);
}

// The storm starts when every hart the first one started has begun: they overlap.
void wait_for_start() {
    u32 expected;
    while (!(expected = load(storm.expected)) || popcount(load(storm.started)) < expected) {
    }
}

bool all_done() {
    u32 expected = load(storm.expected);
    return expected && load(storm.finished) >= expected;
}

// Until every started hart is done, keep reviving the victim (it may be down still).
void wait_for_all(Record& me, u32 index) {
    while (!all_done()) revive(me, index);
}

void enter(u64 hart_id, u64 sstatus) {
    u32 index = 0;
    while (index < storm.harts && records[index].hart_id != hart_id) ++index;
    if (index == storm.harts) return; // not one this guest started
    Record& me = records[index];
    if (__atomic_exchange_n(&me.running, true, __ATOMIC_ACQ_REL)) {
        __atomic_fetch_add(&storm.started_twice, 1, __ATOMIC_ACQ_REL);
        return; // this stack is the running hart's: leave it at once
    }
    ++me.entries;
    if (sstatus & csr::sstatus_sie) ++me.entered_with_sie;
    if (index == storm.victim) store(storm.victim_down, false);
    __atomic_fetch_or(&storm.live, u64(1) << hart_id, __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&storm.started, u64(1) << hart_id, __ATOMIC_ACQ_REL);
    wait_for_start();
    run(me, index);
    wait_for_all(me, index);
}

u64 sum(u64 Record::*field) {
    u64 total = 0;
    for (u32 i = 0; i < storm.harts; ++i) total += records[i].*field;
    return total;
}

// " <n> accepted, <n> SBI_ERR_..., <n> other" for the codes that occurred.
void tally(const u64 (&by_code)[codes], char* out, isok::usize size) {
    isok::usize used = 0;
    out[0] = 0;
    for (u32 c = 0; c < codes; ++c) {
        if (!by_code[c]) continue;
        const char* name = c == 0 ? "accepted" : c == codes - 1 ? "other" : sbi::error_name(-i64(c));
        used += isok::format_to(out + used, size - used, "%s %lu %s", used ? "," : "", by_code[c], name);
        if (used >= size) break;
    }
}

[[noreturn]] void report() {
    bool sound = load(storm.started_twice) == 0;
    for (u32 i = 0; i < storm.harts; ++i) {
        const Record& r = records[i];
        if (!(load(storm.started) & (u64(1) << r.hart_id))) continue;
        say("ipi-storm: hart %lu: %lu rounds, %lu IPIs sent, %lu received, %lu fences, %lu failed calls, %lu start(s), "
            "%lu stop(s)",
            r.hart_id, r.rounds, r.ipis_sent, r.ipis_received, r.fences, r.failed, r.entries, r.stops);
        if (r.failed)
            say("ipi-storm: hart %lu: first failed call: %s -> error %ld %s", r.hart_id, r.first_failure,
                r.first_failure_error, sbi::error_name(r.first_failure_error));
        if (r.entered_with_sie)
            say("ipi-storm: hart %lu: began %lu time(s) with sstatus.SIE set (hart_start must clear it)", r.hart_id,
                r.entered_with_sie);
        sound = sound && r.rounds == storm.rounds && r.ipis_received > 0 && r.failed == 0 && !r.entered_with_sie;
    }
    u64 kinds[codes] = {};
    for (u32 v = 0; v < variants; ++v) {
        u64 by_code[codes] = {};
        for (u32 i = 0; i < storm.harts; ++i)
            for (u32 c = 0; c < codes; ++c) by_code[c] += records[i].malformed[v][c], kinds[c] += records[i].malformed[v][c];
        char results[160];
        tally(by_code, results, sizeof results);
        say("ipi-storm: %s:%s", variant_names[v], results);
    }
    char results[160];
    tally(kinds, results, sizeof results);
    say("ipi-storm: malformed calls:%s", results);
    const Record& v = records[storm.victim];
    u64 restarts = sum(&Record::restarts);
    say("ipi-storm: hart %lu stopped itself %lu time(s): %lu hart_start(s) brought it back, %lu were refused, %u "
        "start(s) of a running hart",
        v.hart_id, v.stops, restarts, sum(&Record::starts_refused), load(storm.started_twice));
    if (v.stops)
        say("ipi-storm: at its stops (rounds %lu, %lu, %lu) the slowest other hart had done %lu, %lu, %lu rounds",
            storm.stop_every, 2 * storm.stop_every, 3 * storm.stop_every, v.others_at_stop[0], v.others_at_stop[1],
            v.others_at_stop[2]);
    sound = sound && restarts == v.stops && v.entries == v.stops + 1;
    say("ipi-storm: %u hart(s), %lu rounds each: %lu IPIs sent, %lu received, %lu fences, %lu failed calls; %s",
        popcount(load(storm.started)), storm.rounds, sum(&Record::ipis_sent), sum(&Record::ipis_received),
        sum(&Record::fences), sum(&Record::failed), sound ? "survived" : "survived, but the counts are wrong");
    sbi::shutdown(!sound);
}

} // namespace

void software_interrupt() {
    csr::clear_sip(ssip);
    Record* me;
    asm volatile("mv %0, tp" : "=r"(me));
    ++me->ipis_received;
}

void ipi_storm(const Machine& m) {
    isok::guest::arg_number(m.bootargs, "hostile.count", storm.rounds);
    storm.ram_base = m.ram.base;
    storm.stop_every = storm.rounds / 4 ? storm.rounds / 4 : 1;
    u32 listed = m.cpus < max_harts ? m.cpus : max_harts;
    for (u32 i = 0; i < listed; ++i) {
        if (m.hart_ids[i] >= 63) continue; // bit 63 is the missing hart's in variant 0
        records[storm.harts++].hart_id = m.hart_ids[i];
        storm.all |= u64(1) << m.hart_ids[i];
        if (m.hart_ids[i] == m.hart) storm.boot = storm.harts - 1;
    }
    while (storm.all & (u64(1) << storm.missing_id)) ++storm.missing_id;
    storm.victim = storm.harts - 1 == storm.boot ? storm.boot - 1 : storm.harts - 1;
    if (storm.harts < 2 || records[storm.boot].hart_id != m.hart) {
        say("ipi-storm: needs at least two harts the device tree lists, me among them (%u usable of %u)", storm.harts,
            m.cpus);
        sbi::shutdown(true);
    }
    say("ipi-storm: %u harts, %lu rounds each; hart %lu stops itself every %lu rounds", storm.harts, storm.rounds,
        records[storm.victim].hart_id, storm.stop_every);
    Record& me = records[storm.boot];
    me.running = true;
    me.entries = 1;
    __atomic_fetch_or(&storm.live, u64(1) << m.hart, __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&storm.started, u64(1) << m.hart, __ATOMIC_ACQ_REL);
    u32 started = 1;
    for (u32 i = 0; i < storm.harts; ++i) {
        if (i == storm.boot) continue;
        sbi::Ret r = sbi::call(ext::hsm, hart_start, records[i].hart_id, u64(&mini_secondary), stack_top(i));
        if (r.error == 0) ++started;
        else say("ipi-storm: hart_start of hart %lu -> error %ld %s", records[i].hart_id, r.error,
                         sbi::error_name(r.error));
    }
    store(storm.expected, started);
    wait_for_start();
    run(me, storm.boot);
    wait_for_all(me, storm.boot);
    report();
}

} // namespace hostile

extern "C" void mini_secondary_main(hostile::u64 hart, hostile::u64, hostile::u64 sstatus) {
    hostile::enter(hart, sstatus);
    for (;;) asm volatile("wfi");
}

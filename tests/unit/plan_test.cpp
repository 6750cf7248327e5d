// System plan writer and reader: an exact round trip, the byte layout of docs/plan-format.md,
// and hostile plans the reader must refuse without reading out of bounds.
#include "plan_test_util.hpp"

#include <gtest/gtest.h>
#include <isok/plan.hpp>
#include <isok/plan_writer.hpp>
#include <isok/string.hpp>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace plan_test;
using plan::EndpointKind;
using plan::Error;
using plan::Role;

constexpr u32 R = 1, W = 2, G = 8; // abi::rights read, write, grant

// The sample below: 3 processes, 3 endpoints, 7 grants.
constexpr size_t P = 3, E = 3, N = 7;
constexpr size_t process_at(size_t i) { return 88 + 416 * i; }
constexpr size_t endpoint_at(size_t i) { return 88 + 416 * P + 48 * i; }
constexpr size_t grant_at(size_t i) { return 88 + 416 * P + 48 * E + 64 * i; }
constexpr size_t sample_size = 88 + 416 * P + 48 * E + 64 * N;

plan::ProcessSpec process(std::string name, u32 priority) {
    return {.name = name,
            .image = "bin/" + name,
            .budget = 256 * 1024,
            .stack = 16384,
            .priority = priority,
            .time_slice = 10,
            .cap_slots = 64};
}

// A pager that handles ping's and pong's faults and serves "log"; pong serves "pingpong".
// Grants are added out of process order: the writer groups them.
plan::Writer sample_writer() {
    plan::Writer w("pingpong");
    plan::ProcessSpec pager = process("pager", 200);
    pager.max_priority = 230;
    w.add(pager);
    auto ping = process("ping", 100);
    ping.fault_handler = 0, ping.fault_endpoint = 2, ping.fault_badge = 1, ping.stack = 8192;
    w.add(ping);
    auto pong = process("pong", 120);
    pong.fault_handler = 0, pong.fault_endpoint = 2, pong.fault_badge = 2, pong.cap_slots = 16, pong.time_slice = 1000;
    pong.args = "rounds=1000 verbose";
    w.add(pong);
    w.add(plan::EndpointSpec{"pingpong", EndpointKind::channel, 2, true});
    w.add(plan::EndpointSpec{"log", EndpointKind::channel, 0, false});
    w.add(plan::EndpointSpec{"faults", EndpointKind::faults, 0, false});
    w.add(plan::GrantSpec{1, "pingpong", 0, W | G, 1, Role::client});
    w.add(plan::GrantSpec{2, "pingpong", 0, R, 0, Role::server});
    w.add(plan::GrantSpec{0, "log", 1, R, 0, Role::server});
    w.add(plan::GrantSpec{2, "log", 1, W, 1, Role::client});
    w.add(plan::GrantSpec{1, "log", 1, W, 2, Role::client});
    w.add(plan::GrantSpec{0, "faults", 2, R, 0, Role::faults});
    w.add(plan::GrantSpec{1, "log.v2", 1, W, 3, Role::client});
    return w;
}

std::vector<u8> sample() { return bytes_of(sample_writer()); }

Error refusal(const std::vector<u8>& v) {
    auto p = open(v);
    EXPECT_FALSE(p.ok());
    return p.error();
}

TEST(Plan, RoundTripGivesBackEveryValue) {
    const auto bytes = sample();
    auto p = open(bytes);
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    EXPECT_STREQ(p->system(), "pingpong");
    ASSERT_EQ(p->process_count(), 3u);
    ASSERT_EQ(p->endpoint_count(), 3u);
    auto pong = *p->process(2);
    EXPECT_STREQ(pong.name, "pong");
    EXPECT_STREQ(pong.image, "bin/pong");
    EXPECT_EQ(pong.budget, 256u * 1024);
    EXPECT_EQ(pong.stack, 16384u);
    EXPECT_EQ(pong.priority, 120u);
    EXPECT_EQ(pong.max_priority, 120u) << "no maximum given: the priority itself";
    EXPECT_EQ(pong.time_slice, 1000u);
    EXPECT_EQ(pong.cap_slots, 16u);
    EXPECT_EQ(pong.fault_handler, 0u);
    EXPECT_EQ(pong.fault_endpoint, 2u);
    EXPECT_EQ(pong.fault_badge, 2u);
    EXPECT_EQ(pong.grant_count, 2u);
    EXPECT_STREQ(pong.args, "rounds=1000 verbose");
    auto pager = *p->process(0);
    EXPECT_EQ(pager.max_priority, 230u);
    EXPECT_STREQ(pager.args, "");
    EXPECT_EQ(pager.fault_handler, plan::none);
    EXPECT_EQ(pager.fault_endpoint, plan::none);
    EXPECT_EQ(pager.fault_badge, 0u);
    EXPECT_EQ(p->process(1)->stack, 8192u);
    auto e = *p->endpoint(0);
    EXPECT_STREQ(e.name, "pingpong");
    EXPECT_EQ(e.kind, EndpointKind::channel);
    EXPECT_EQ(e.server, 2u);
    EXPECT_TRUE(e.grant);
    EXPECT_EQ(p->endpoint(2)->kind, EndpointKind::faults);
    EXPECT_FALSE(p->endpoint(1)->grant);
}

TEST(Plan, GrantsAreGroupedByProcessWithSlotsFromTwo) {
    const auto bytes = sample();
    auto p = open(bytes);
    ASSERT_TRUE(p.ok());
    struct Want {
        u32 process, index;
        const char* name;
        u64 slot;
        u32 endpoint, rights;
        u64 badge;
        Role role;
    };
    const Want want[] = {
        {0, 0, "log", 2, 1, R, 0, Role::server},          {0, 1, "faults", 3, 2, R, 0, Role::faults},
        {1, 0, "pingpong", 2, 0, W | G, 1, Role::client}, {1, 1, "log", 3, 1, W, 2, Role::client},
        {1, 2, "log.v2", 4, 1, W, 3, Role::client},       {2, 0, "pingpong", 2, 0, R, 0, Role::server},
        {2, 1, "log", 3, 1, W, 1, Role::client},
    };
    for (const Want& w : want) {
        auto g = p->grant(w.process, w.index);
        ASSERT_TRUE(g.ok()) << w.process << "/" << w.index;
        EXPECT_STREQ(g->name, w.name);
        EXPECT_EQ(g->slot, w.slot);
        EXPECT_EQ(g->endpoint, w.endpoint);
        EXPECT_EQ(g->rights, w.rights);
        EXPECT_EQ(g->badge, w.badge);
        EXPECT_EQ(g->role, w.role);
    }
    EXPECT_EQ(p->grant(1, 3).error(), Error::not_found);
    EXPECT_EQ(p->grant(3, 0).error(), Error::not_found);
    EXPECT_EQ(p->process(3).error(), Error::not_found);
    EXPECT_EQ(p->endpoint(3).error(), Error::not_found);
    EXPECT_EQ(*p->find_process("pong"), 2u);
    EXPECT_EQ(p->find_process("po").error(), Error::not_found);
}

TEST(Plan, LayoutMatchesTheDocument) {
    const auto v = sample();
    ASSERT_EQ(v.size(), sample_size);
    EXPECT_EQ(std::memcmp(v.data(), "ISOKPLAN", 8), 0);
    EXPECT_EQ(get32(v, 8), 6u);
    EXPECT_EQ(get32(v, 12), P);
    EXPECT_EQ(get32(v, 16), E);
    EXPECT_EQ(get32(v, 20), N);
    EXPECT_EQ(get64(v, 24), sample_size);
    EXPECT_EQ(get32(v, 64), 0u); // no VMs (plan_vm_test.cpp has them)
    EXPECT_EQ(get32(v, 68), 0u); // no ports, partitions or disks (plan_links_test.cpp has them)
    EXPECT_EQ(get32(v, 72), 0u);
    EXPECT_EQ(get32(v, 76), 0u);
    EXPECT_EQ(get32(v, 80), 0xffffffffu); // no console (plan_console_test.cpp has one)
    EXPECT_EQ(get32(v, 84), 0u);
    EXPECT_STREQ(reinterpret_cast<const char*>(&v[32]), "pingpong");
    const size_t pong = process_at(2);
    EXPECT_STREQ(reinterpret_cast<const char*>(&v[pong]), "pong");
    EXPECT_STREQ(reinterpret_cast<const char*>(&v[pong + 32]), "bin/pong");
    EXPECT_EQ(get64(v, pong + 80), 256u * 1024);
    EXPECT_EQ(get64(v, pong + 88), 16384u);
    EXPECT_EQ(get64(v, pong + 96), 2u);
    EXPECT_EQ(get32(v, pong + 104), 120u);
    EXPECT_EQ(get32(v, pong + 108), 1000u);
    EXPECT_EQ(get32(v, pong + 112), 16u);
    EXPECT_EQ(get32(v, pong + 116), 0u);
    EXPECT_EQ(get32(v, pong + 120), 2u);
    EXPECT_EQ(get32(v, pong + 124), 5u); // after pager's 2 and ping's 3
    EXPECT_EQ(get32(v, pong + 128), 2u);
    EXPECT_STREQ(reinterpret_cast<const char*>(&v[pong + 136]), "rounds=1000 verbose");
    EXPECT_EQ(get32(v, process_at(0) + 116), 0xffffffffu);
    EXPECT_STREQ(reinterpret_cast<const char*>(&v[endpoint_at(0)]), "pingpong");
    EXPECT_EQ(get32(v, endpoint_at(0) + 32), 1u);
    EXPECT_EQ(get32(v, endpoint_at(0) + 36), 2u);
    EXPECT_EQ(get32(v, endpoint_at(0) + 40), 1u);
    EXPECT_EQ(get32(v, endpoint_at(2) + 32), 2u);
    const size_t g = grant_at(2); // ping's first: pingpong, client
    EXPECT_STREQ(reinterpret_cast<const char*>(&v[g]), "pingpong");
    EXPECT_EQ(get64(v, g + 32), 1u);
    EXPECT_EQ(get32(v, g + 40), 2u);
    EXPECT_EQ(get32(v, g + 44), 0u);
    EXPECT_EQ(get32(v, g + 48), W | G);
    EXPECT_EQ(get32(v, g + 52), 2u);
}

TEST(Plan, SameInputsGiveSameBytesAndAnEmptyPlanOpens) {
    EXPECT_EQ(sample(), sample());
    auto bytes = plan::Writer("idle").build();
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(bytes->size(), 88u);
    auto p = open(*bytes);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->process_count(), 0u);
    EXPECT_STREQ(plan::Plan().system(), "");
}

TEST(Plan, TruncationAtEveryLengthIsRefused) {
    const auto v = sample();
    for (size_t n = 0; n < v.size(); ++n) {
        std::vector<u8> cut(v.begin(), v.begin() + long(n));
        EXPECT_EQ(refusal(cut), Error::truncated) << n;
    }
    std::vector<u8> longer = v;
    longer.resize(v.size() + 100, 0xee); // bytes past the declared size are not the plan's
    EXPECT_TRUE(open(longer).ok());
}

TEST(Plan, HeaderFieldsAreChecked) {
    auto v = sample();
    v[0] = 'X';
    EXPECT_EQ(refusal(v), Error::bad_magic);
    for (u32 old : {1u, 2u, 3u, 4u, 5u}) {
        v = sample(), put32(v, 8, old);
        EXPECT_EQ(refusal(v), Error::bad_version);
    }
    v = sample(), put64(v, 24, sample_size + 64);
    EXPECT_EQ(refusal(v), Error::bad_size);
    v = sample(), put32(v, 68, 1); // a port the size does not count
    EXPECT_EQ(refusal(v), Error::bad_size);
    const std::pair<size_t, u32> too_many[] = {{12, 65},   {16, 257},  {20, 4097}, {64, 33},  {68, 2049},
                                               {72, 1025}, {76, 65},   {84, 33},   {12, ~0u}, {64, ~0u},
                                               {68, ~0u},  {72, ~0u},  {76, ~0u},  {84, ~0u}};
    for (auto [field, count] : too_many) {
        v = sample(), put32(v, field, count);
        EXPECT_EQ(refusal(v), Error::too_many) << field << "=" << count;
    }
}

TEST(Plan, ArgsMustBeTerminated) {
    auto v = sample();
    std::memset(&v[process_at(2) + 136], 'a', 256);
    EXPECT_EQ(refusal(v), Error::name_unterminated);
    v = sample(), std::memset(&v[process_at(2) + 136], 'a', 255); // 255 characters and the NUL
    EXPECT_TRUE(open(v).ok());
}

TEST(Plan, NamesMustBeTerminatedPaddedAndWellFormed) {
    const size_t names[] = {32, process_at(1), endpoint_at(1), grant_at(4)};
    for (size_t at : names) {
        auto v = sample();
        std::memset(&v[at], 'a', 32);
        EXPECT_EQ(refusal(v), Error::name_unterminated) << at;
        v = sample(), v[at + 20] = 'x';
        EXPECT_EQ(refusal(v), Error::name_not_padded) << at;
        v = sample(), v[at] = 'A';
        EXPECT_EQ(refusal(v), Error::name_bad) << at;
        v = sample(), std::memset(&v[at], 0, 32);
        EXPECT_EQ(refusal(v), Error::name_bad) << at;
    }
    auto v = sample();
    std::memset(&v[process_at(0) + 32], 'a', 48); // the image name's field is 48 bytes
    EXPECT_EQ(refusal(v), Error::name_unterminated);
    v = sample(), v[32 + 2] = '.'; // "pi.gpong": no dots in the system's name
    EXPECT_EQ(refusal(v), Error::name_bad);
    v = sample(), v[endpoint_at(0) + 2] = '.';
    EXPECT_TRUE(open(v).ok());
    v = sample(), v[process_at(0) + 2] = '.'; // "pa.er": process names may hold dots ("linux.vmm")
    EXPECT_TRUE(open(v).ok());
}

TEST(Plan, DuplicatesAreRefused) {
    auto v = sample();
    std::memcpy(&v[process_at(1)], "pong", 5);
    EXPECT_EQ(refusal(v), Error::name_duplicate);
    v = sample(), std::memcpy(&v[endpoint_at(1)], "pingpong", 9);
    EXPECT_EQ(refusal(v), Error::name_duplicate);
    v = sample(), std::memcpy(&v[grant_at(4)], "log\0\0\0", 6); // ping's "log.v2" -> "log"
    EXPECT_EQ(refusal(v), Error::name_duplicate);
    v = sample(), put64(v, process_at(2) + 96, 1); // pong's fault badge equal to ping's
    EXPECT_EQ(refusal(v), Error::bad_fault_handler);
}

struct Patch {
    const char* what;
    size_t offset;
    u64 value;
    int bytes;
    Error expected;
};

TEST(Plan, EveryFieldIsRangeChecked) {
    const size_t pong = process_at(2);
    const Patch patches[] = {
        {"priority 0", pong + 104, 0, 4, Error::bad_priority},
        {"priority 255", pong + 104, 255, 4, Error::bad_priority},
        {"time slice 0", pong + 108, 0, 4, Error::bad_time_slice},
        {"time slice 1001", pong + 108, 1001, 4, Error::bad_time_slice},
        {"15 slots", pong + 112, 15, 4, Error::bad_cap_slots},
        {"4097 slots", pong + 112, 4097, 4, Error::bad_cap_slots},
        {"budget 0", pong + 80, 0, 8, Error::bad_memory},
        {"budget off page", pong + 80, 4097, 8, Error::bad_memory},
        {"stack 0", pong + 88, 0, 8, Error::bad_memory},
        {"max priority below priority", pong + 132, 119, 4, Error::bad_priority},
        {"max priority 255", pong + 132, 255, 4, Error::bad_priority},
        {"args with a tab", pong + 136 + 6, '\t', 1, Error::bad_args},
        {"args with DEL", pong + 136, 0x7f, 1, Error::bad_args},
        {"args not padded", pong + 136 + 200, 'x', 1, Error::name_not_padded},
        {"handler past the end", pong + 116, 3, 4, Error::bad_fault_handler},
        {"handler itself", pong + 116, 2, 4, Error::bad_fault_handler},
        {"handler whose endpoint it does not serve", pong + 116, 1, 4, Error::bad_fault_handler},
        {"fault endpoint past the end", pong + 120, 3, 4, Error::bad_fault_handler},
        {"fault endpoint a channel", pong + 120, 1, 4, Error::bad_fault_handler},
        {"fault badge 0", pong + 96, 0, 8, Error::bad_fault_handler},
        {"badge without handler", process_at(0) + 96, 5, 8, Error::bad_fault_handler},
        {"first grant off", pong + 124, 4, 4, Error::bad_grant_range},
        {"grant count high", pong + 128, 3, 4, Error::bad_grant_range},
        {"grant count huge", pong + 128, 0xffffffff, 4, Error::bad_grant_range},
        {"endpoint kind 0", endpoint_at(1) + 32, 0, 4, Error::bad_kind},
        {"endpoint kind 3", endpoint_at(1) + 32, 3, 4, Error::bad_kind},
        {"endpoint server past the end", endpoint_at(1) + 36, 3, 4, Error::bad_server},
        {"endpoint flags", endpoint_at(1) + 40, 2, 4, Error::bad_flags},
        {"faults endpoint with grant", endpoint_at(2) + 40, 1, 4, Error::bad_flags},
        {"endpoint reserved", endpoint_at(1) + 44, 1, 4, Error::reserved_not_zero},
        {"grant slot", grant_at(3) + 40, 2, 4, Error::bad_slot},
        {"grant endpoint past the end", grant_at(3) + 44, 3, 4, Error::bad_endpoint},
        {"grant rights", grant_at(3) + 48, 0x20, 4, Error::bad_rights},
        {"grant role 0", grant_at(3) + 52, 0, 4, Error::bad_role},
        {"grant role 4", grant_at(3) + 52, 4, 4, Error::bad_role},
        {"grant reserved", grant_at(3) + 56, 1, 8, Error::reserved_not_zero},
        // Grants in order: pager log, faults; ping pingpong, log, log.v2; pong pingpong, log.
        {"client of the channel it serves", grant_at(0) + 52, 2, 4, Error::bad_server},
        {"server of another's channel", grant_at(5) + 44, 1, 4, Error::bad_server},
        {"faults role on a channel", grant_at(1) + 44, 1, 4, Error::bad_endpoint},
        {"server role on a faults endpoint", grant_at(0) + 44, 2, 4, Error::bad_endpoint},
    };
    for (const Patch& p : patches) {
        auto v = sample();
        if (p.bytes == 1) v[p.offset] = u8(p.value);
        else if (p.bytes == 4) put32(v, p.offset, u32(p.value));
        else put64(v, p.offset, p.value);
        auto result = open(v);
        ASSERT_FALSE(result.ok()) << p.what;
        EXPECT_EQ(result.error(), p.expected) << p.what << ": " << plan::describe(result.error());
    }
}

TEST(Plan, WriterRefusesWhatTheReaderWould) {
    plan::Writer w("x");
    w.add(process(std::string(32, 'a'), 100));
    EXPECT_EQ(w.build().error(), Error::name_too_long);
    plan::Writer image("x");
    auto p = process("a", 100);
    p.image = std::string(48, 'b');
    image.add(p);
    EXPECT_EQ(image.build().error(), Error::name_too_long);
    plan::Writer orphan("x");
    orphan.add(plan::GrantSpec{0, "c", 0, W, 1, Role::client});
    EXPECT_EQ(orphan.build().error(), Error::bad_grant_range);
    plan::Writer full("x");
    full.add(process("a", 100)), full.add(process("b", 100));
    auto small = process("c", 254);
    small.cap_slots = 16;
    full.add(small);
    full.add(plan::EndpointSpec{"ch", EndpointKind::channel, 0, false});
    for (int i = 0; i < 15; ++i) full.add(plan::GrantSpec{2, "ch" + std::to_string(i), 0, W, 1, Role::client});
    EXPECT_EQ(full.build().error(), Error::bad_grant_range); // 2 + 15 slots > 16
    plan::Writer root("x");
    root.add(process("a", 255));
    EXPECT_EQ(root.build().error(), Error::bad_priority);
    plan::Writer args("x");
    auto talker = process("a", 100);
    talker.args = std::string(256, 'a');
    args.add(talker);
    EXPECT_EQ(args.build().error(), Error::bad_args);
    plan::Writer tab("x");
    talker.args = "a\tb";
    tab.add(talker);
    EXPECT_EQ(tab.build().error(), Error::bad_args);
}

// Reads everything an accepted plan offers, the way the root would, and checks the promises
// open() makes: indices in range, names inside the plan and terminated.
void walk(const plan::Plan& p, const u8* begin, const u8* end) {
    auto inside = [&](const char* s) { expect_inside(s, begin, end); };
    inside(p.system());
    for (u32 i = 0; i < p.process_count(); ++i) {
        auto pr = *p.process(i);
        inside(pr.name), inside(pr.image), inside(pr.args);
        if (pr.fault_handler != plan::none) {
            ASSERT_LT(pr.fault_handler, p.process_count());
        }
        for (u32 g = 0; g < pr.grant_count; ++g) {
            auto grant = p.grant(i, g);
            ASSERT_TRUE(grant.ok());
            inside(grant->name);
            ASSERT_LT(grant->endpoint, p.endpoint_count());
            ASSERT_LT(grant->slot, u64(pr.cap_slots));
        }
    }
    for (u32 i = 0; i < p.endpoint_count(); ++i) ASSERT_LT(p.endpoint(i)->server, p.process_count());
}

TEST(Plan, RandomByteFlipsNeverBreakThePromises) {
    const auto original = sample();
    std::mt19937 random(20240611);
    int accepted = 0;
    for (int round = 0; round < 20000; ++round) {
        auto v = original;
        const int flips = 1 + int(random() % 4);
        for (int f = 0; f < flips; ++f) v[random() % v.size()] ^= u8(1 + random() % 255);
        auto p = open(v);
        if (!p.ok()) continue;
        ++accepted;
        walk(*p, v.data(), v.data() + v.size());
    }
    // Some flips land in values any number may take (budgets, badges): those plans still open.
    EXPECT_GT(accepted, 0);
    EXPECT_LT(accepted, 20000);
}

} // namespace

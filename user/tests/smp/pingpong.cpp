// role=client|server over channel "pingpong": the client calls `rounds` times with a
// sequence number and seven payload words (three in registers, four through the IPC
// buffers); the server checks the order and every word and answers with the sequence
// number, a checksum of the payload and the payload inverted, which the client checks.
// Each side moves first to the hart its arguments name.
#include "smp.hpp"

#include <isok/random.hpp>
#include <isok/rt/ipc.hpp>

namespace smp {
namespace {

constexpr u64 words = 8; // word 0: the sequence number; 1..7: payload
constexpr u64 call_label = 1, done_label = 2, bad_label = 3;

u64 payload(u64 seq, u64 i) { return isok::xorshift64(seq * words + i + 1); }

// Over payload words 1..7. The message's words past 3 live in the IPC buffer, which
// building another message would overwrite, so the words are read out first.
u64 checksum(const u64 (&w)[words]) {
    u64 sum = 0;
    for (u64 i = 1; i < words; ++i) sum = (sum ^ w[i]) * 0x100000001b3 + i;
    return sum;
}

void read_words(const isok::rt::Message& m, u64 (&w)[words]) {
    for (u64 i = 0; i < words; ++i) w[i] = m.word(i);
}

} // namespace

int server(u64 endpoint) {
    u64 at = move_to(arg("hart", 1));
    isok::rt::print("server on hart %lu\n", at);
    u64 next = 0, exact = 0;
    isok::rt::Message m;
    Error e = isok::rt::receive(endpoint, m);
    for (;;) {
        expect_ok(e, "server receive");
        if (m.label() == done_label) break;
        u64 w[words];
        read_words(m, w);
        bool good = m.label() == call_label && m.length() == words && w[0] == next;
        for (u64 i = 1; good && i < words; ++i) good = w[i] == payload(next, i);
        exact += good;
        isok::rt::Message answer(good ? call_label : bad_label, words);
        answer.set_word(0, w[0]);
        answer.set_word(1, checksum(w));
        for (u64 i = 2; i < words; ++i) answer.set_word(i, ~w[i]);
        ++next;
        m = answer;
        e = isok::rt::reply_receive(endpoint, m);
    }
    isok::rt::Message answer(done_label, 2);
    answer.set_word(0, exact);
    answer.set_word(1, sys::hart_info().hart);
    expect_ok(isok::rt::reply(answer), "server final reply");
    isok::rt::print("server on hart %lu: %lu calls, %lu in order and exact\n", sys::hart_info().hart, next, exact);
    return 0;
}

int client(u64 endpoint) {
    u64 rounds = arg("rounds", 100'000);
    u64 at = move_to(arg("hart", 0));
    isok::rt::print("client on hart %lu\n", at);
    u64 exact = 0;
    for (u64 seq = 0; seq < rounds; ++seq) {
        isok::rt::Message m(call_label, words);
        m.set_word(0, seq);
        for (u64 i = 1; i < words; ++i) m.set_word(i, payload(seq, i));
        u64 sent[words];
        read_words(m, sent);
        expect_ok(isok::rt::call(endpoint, m), "client call");
        u64 got[words];
        read_words(m, got);
        bool good = m.label() == call_label && m.length() == words && got[0] == seq && got[1] == checksum(sent);
        for (u64 i = 2; good && i < words; ++i) good = got[i] == ~sent[i];
        exact += good;
    }
    isok::rt::Message m(done_label, 0);
    expect_ok(isok::rt::call(endpoint, m), "client final call");
    isok::rt::print("client on hart %lu: %lu round trips, %lu answers exact; the server on hart %lu counted %lu exact\n",
                    sys::hart_info().hart, rounds, exact, m.word(1), m.word(0));
    return 0;
}

} // namespace smp

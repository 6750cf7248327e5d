// bulk: large messages arrive bit-exact. The client (send end of channel "bulk") calls
// with `messages` messages whose lengths run through 1..256 words, filled from a seeded
// xorshift; the server (receive end) folds every word it receives into a CRC-32 and
// echoes the message back, and the client checks each echo word for word. At the end
// the server answers "done" with its CRC and word count; the client compares them
// with its own, and both print them.
#include <isok/crc32.hpp>
#include <isok/random.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>

using namespace isok;
using rt::Error;

namespace {

constexpr u64 messages = 1024;
constexpr u64 data = 1; // the message words; the answer echoes them
constexpr u64 done = 2; // answer: word 0 the server's CRC, word 1 its word count

u64 length_of(u64 i) { return i % abi::max_message_words + 1; } // 1..256, four times over

void add_words(Crc32& crc, const rt::Message& m) {
    for (u64 i = 0; i < m.length(); ++i) {
        u64 w = m.word(i);
        crc.update(Bytes(reinterpret_cast<const u8*>(&w), sizeof w));
    }
}

int serve(u64 endpoint) {
    Crc32 crc;
    u64 words = 0, count = 0;
    rt::Message m;
    Error e = rt::receive(endpoint, m);
    for (;;) {
        if (e != Error::ok) rt::fatal("server: receive failed: %s\n", rt::error_name(e));
        if (m.label() == done) break;
        add_words(crc, m);
        words += m.length();
        ++count;
        // The reply sends the received words back: 0..3 from the registers, the rest
        // from this thread's IPC buffer, where the kernel put them.
        e = rt::reply_receive(endpoint, m);
    }
    rt::print("%lu messages, %lu words, crc32 %08x\n", count, words, crc.value());
    rt::Message answer(done, 2);
    answer.set_word(0, crc.value());
    answer.set_word(1, words);
    if (Error r = rt::reply(answer); r != Error::ok) rt::fatal("server: final reply failed: %s\n", rt::error_name(r));
    return 0;
}

int client(u64 endpoint) {
    Xorshift random{0x1505eed};
    Crc32 crc;
    u64 words = 0, bad_echoes = 0;
    static u64 sent[abi::max_message_words];
    for (u64 i = 0; i < messages; ++i) {
        u64 length = length_of(i);
        rt::Message m(data, length);
        for (u64 w = 0; w < length; ++w) m.set_word(w, sent[w] = random.next());
        add_words(crc, m);
        words += length;
        if (Error e = rt::call(endpoint, m); e != Error::ok) rt::fatal("call %lu failed: %s\n", i, rt::error_name(e));
        bool same = m.label() == data && m.length() == length;
        for (u64 w = 0; same && w < length; ++w) same = m.word(w) == sent[w];
        bad_echoes += !same;
    }
    rt::Message m(done);
    if (Error e = rt::call(endpoint, m); e != Error::ok) rt::fatal("done call failed: %s\n", rt::error_name(e));
    bool match = m.word(0) == crc.value() && m.word(1) == words;
    rt::print("%lu messages, %lu words, crc32 %08x; server crc32 %08lx, %lu words: %s; %lu echoes differ\n",
              messages, words, crc.value(), m.word(0), m.word(1), match ? "match" : "MISMATCH", bad_echoes);
    return match && bad_echoes == 0 ? 0 : 1;
}

} // namespace

int main(const startup::Info&) {
    const startup::Cap* channel = rt::find_cap("bulk");
    if (!channel) rt::fatal("no channel 'bulk'\n");
    return channel->rights & abi::rights::read ? serve(channel->slot) : client(channel->slot);
}

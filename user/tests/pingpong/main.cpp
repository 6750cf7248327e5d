// pingpong: with the receive end of channel "pingpong" it is pong and answers every
// ball with its number plus one; with the send end it is ping and serves `rounds` balls,
// checking every answer, then asks pong for its count. Both print what they counted.
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>

using namespace isok;
using rt::Error;

namespace {

constexpr u64 rounds = 1000;
constexpr u64 ball = 1;  // word 0: the ball's number; the answer carries number + 1
constexpr u64 done = 2;  // the answer carries pong's count in word 0

int pong(u64 endpoint) {
    u64 count = 0;
    rt::Message m;
    Error e = rt::receive(endpoint, m);
    for (;;) {
        if (e != Error::ok) rt::fatal("pong: receive failed: %s\n", rt::error_name(e));
        if (m.label() == done) break;
        ++count;
        rt::Message answer(ball, 1);
        answer.set_word(0, m.word(0) + 1);
        m = answer;
        e = rt::reply_receive(endpoint, m);
    }
    rt::Message answer(done, 1);
    answer.set_word(0, count);
    if (Error r = rt::reply(answer); r != Error::ok) rt::fatal("pong: final reply failed: %s\n", rt::error_name(r));
    rt::print("answered %lu balls\n", count);
    return 0;
}

int ping(u64 endpoint) {
    u64 good = 0;
    for (u64 i = 0; i < rounds; ++i) {
        rt::Message m(ball, 1);
        m.set_word(0, i);
        if (Error e = rt::call(endpoint, m); e != Error::ok) rt::fatal("ping: call %lu failed: %s\n", i, rt::error_name(e));
        good += m.label() == ball && m.word(0) == i + 1;
    }
    rt::Message m(done, 0);
    if (Error e = rt::call(endpoint, m); e != Error::ok) rt::fatal("ping: final call failed: %s\n", rt::error_name(e));
    rt::print("sent %lu balls, %lu answers right, pong counted %lu\n", rounds, good, m.word(0));
    return good == rounds && m.word(0) == rounds ? 0 : 1;
}

} // namespace

int main(const startup::Info&) {
    const startup::Cap* channel = rt::find_cap("pingpong");
    if (!channel) rt::fatal("no channel 'pingpong'\n");
    return channel->rights & abi::rights::read ? pong(channel->slot) : ping(channel->slot);
}

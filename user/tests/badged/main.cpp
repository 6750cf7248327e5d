// badged: with the receive end of channel "echo" it is the server: it answers each
// request with the badge it arrived with and counts requests per badge; a client's
// "done" message carries the client's name, and the server prints that client's count.
// With a send end it is a client: it makes 100 x badge requests (so the two clients of
// a test send different numbers), checks that every answer names its own badge, and
// says done.
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>
#include <isok/string.hpp>

using namespace isok;
using rt::Error;

namespace {

constexpr u64 request = 1; // word 0: a sequence number; answer: word 0 badge, word 1 the number
constexpr u64 done = 2;    // words: the client's name; answer: word 0 the server's count
constexpr u64 max_badge = 16;

int serve(u64 endpoint) {
    u64 counts[max_badge] = {};
    rt::Message m;
    Error e = rt::receive(endpoint, m);
    for (;;) {
        if (e != Error::ok) rt::fatal("server: receive failed: %s\n", rt::error_name(e));
        u64 badge = m.badge();
        u64 count = badge < max_badge ? counts[badge] : 0;
        rt::Message answer(m.label(), 2);
        if (m.label() == request) {
            if (badge < max_badge) ++counts[badge];
            answer.set_word(0, badge);
            answer.set_word(1, m.word(0));
        } else if (m.label() == done) {
            char name[32] = {};
            m.get_bytes(0, name, sizeof(name) - 1);
            rt::print("client '%s' (badge %lu) made %lu requests\n", name, badge, count);
            answer.set_word(0, count);
        } else {
            rt::print("unknown label %lu from badge %lu\n", m.label(), badge);
        }
        m = answer;
        e = rt::reply_receive(endpoint, m);
    }
}

int client(const startup::Cap& cap) {
    u64 requests = 100 * cap.badge;
    u64 mine = 0;
    for (u64 i = 0; i < requests; ++i) {
        rt::Message m(request, 1);
        m.set_word(0, i);
        if (Error e = rt::call(cap.slot, m); e != Error::ok) rt::fatal("call %lu failed: %s\n", i, rt::error_name(e));
        mine += m.word(0) == cap.badge && m.word(1) == i;
    }
    rt::Message m(done);
    const char* name = rt::process_name();
    m.put_bytes(0, name, str_length(name) + 1);
    if (Error e = rt::call(cap.slot, m); e != Error::ok) rt::fatal("done call failed: %s\n", rt::error_name(e));
    rt::print("%lu requests, %lu answers named my badge %lu, server counted %lu\n", requests, mine, cap.badge,
              m.word(0));
    return mine == requests && m.word(0) == requests ? 0 : 1;
}

} // namespace

int main(const startup::Info&) {
    const startup::Cap* echo = rt::find_cap("echo");
    if (!echo) rt::fatal("no channel 'echo'\n");
    return echo->rights & abi::rights::read ? serve(echo->slot) : client(*echo);
}

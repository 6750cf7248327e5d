// hello: greets with its startup name. With a client capability named "echo" it sends
// one message and checks the echo; with the server capability it answers every message
// with the same words (so one image can play both ends of a test system).
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>

using namespace isok;
using rt::Error;

namespace {

constexpr u64 echo_label = 1;

int serve(u64 endpoint) {
    rt::print("serving echo on slot %lu\n", endpoint);
    rt::Message m;
    Error e = rt::receive(endpoint, m);
    for (;;) {
        if (e != Error::ok) {
            rt::print("echo: receive failed: %s\n", rt::error_name(e));
            return 1;
        }
        // The reply carries the request's words back; words 4.. are still in the buffer.
        rt::print("echo: %lu words from badge %lu\n", m.length(), m.badge());
        rt::Message reply(m.label(), m.length());
        for (usize i = 0; i < abi::register_words; ++i) reply.regs[i] = m.regs[i];
        e = rt::reply_receive(endpoint, reply);
        m = reply;
    }
}

int ping(u64 endpoint) {
    const char text[] = "hello, echo: a message longer than the four register words";
    rt::Message m(echo_label);
    m.set_word(0, 42);
    if (!m.put_bytes(1, text, sizeof(text))) return 1;
    Error e = rt::call(endpoint, m);
    if (e != Error::ok) {
        rt::print("echo: call failed: %s\n", rt::error_name(e));
        return 1;
    }
    char back[sizeof(text)] = {};
    usize n = m.get_bytes(1, back, sizeof(back) - 1);
    bool same = m.word(0) == 42 && n == sizeof(text) - 1;
    for (usize i = 0; same && i < n; ++i) same = back[i] == text[i];
    rt::print("echo: %s (reply label %lu, %lu words, \"%s\")\n", same ? "round trip ok" : "reply differs", m.label(),
              m.length(), back);
    return same ? 0 : 1;
}

} // namespace

int main(const startup::Info& info) {
    rt::print("hello from %s (%lu capabilities, %lu slots)\n", rt::process_name(), info.cap_count, info.cap_slots);
    const startup::Cap* echo = rt::find_cap("echo");
    if (!echo) return 0;
    if (echo->rights & abi::rights::read) return serve(echo->slot);
    return ping(echo->slot);
}

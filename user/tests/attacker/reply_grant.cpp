// Capabilities in a reply: the kernel once placed a reply's capabilities into the
// caller's offered slots whatever the server's rights. A server that received through
// a capability without grant replies with a capability attached; only a server whose
// receive capability has grant may (the control case shows the transfer itself works).
#include <isok/rt/ipc.hpp>

#include "attack.hpp"

namespace attack {
namespace {

constexpr const char* name = "reply-grant";
constexpr u64 server_buffer = 0x48000000;

struct Server {
    u64 plain;   // the endpoint, read only
    u64 granted; // the endpoint, read and grant
    u64 prize;   // what the server tries to push into its caller
};

// The server thread: one call through each receive capability, each answered with the
// prize attached. Then it waits for good.
void serve(u64 arg) {
    const auto& s = *reinterpret_cast<const Server*>(arg);
    auto& buffer = *reinterpret_cast<isok::abi::IpcBuffer*>(server_buffer);
    const u64 endpoints[] = {s.plain, s.granted};
    for (u64 endpoint : endpoints) {
        (void)sys::receive(endpoint);
        buffer.send_caps[0] = s.prize;
        (void)sys::reply(isok::abi::message_info(0, 0, 1));
    }
    for (;;) (void)sys::receive(s.plain);
}

// The caller offers `slot` and calls; true when a capability arrived there.
bool call_and_see(u64 endpoint, u64 slot) {
    isok::rt::accept_caps(&slot, 1);
    isok::rt::Received r = sys::call(endpoint, isok::abi::message_info(0, 0));
    if (r.error != Error::ok) isok::rt::fatal("attacker: call: %s\n", isok::rt::error_name(r.error));
    bool arrived = sys::memory_info(slot).error == Error::ok;
    isok::rt::print("attack %s: %s\n", name, arrived ? "a capability arrived" : "nothing arrived");
    return arrived;
}

} // namespace

void reply_grant() {
    u64 endpoint = make(ObjectType::endpoint);
    static Server server;
    server.plain = take_slot();
    server.granted = take_slot();
    server.prize = make(ObjectType::memory, 1);
    u64 send = take_slot();
    (void)sys::cap_copy(endpoint, self, server.plain, rights::read);
    (void)sys::cap_copy(endpoint, self, server.granted, rights::read | rights::grant);
    (void)sys::cap_copy(endpoint, self, send, rights::write);
    u64 page = make(ObjectType::memory, 1);
    (void)sys::map(self, page, 0, server_buffer, 1, rw);
    u64 thread = make_thread(serve, u64(isok::uptr(&server)), stacks(1, 8192), make(ObjectType::endpoint));
    Error e = sys::set_ipc_buffer(thread, server_buffer);
    if (e == Error::ok) e = sys::start(thread);
    if (e != Error::ok) isok::rt::fatal("attacker: server thread: %s\n", isok::rt::error_name(e));

    isok::rt::print("attack %s: a server without grant replies with a capability\n", name);
    bool breached = call_and_see(send, take_slot());
    isok::rt::print("attack %s: a server with grant replies with a capability\n", name);
    bool control = call_and_see(send, take_slot());
    if (breached) breach(name, "a reply without grant placed a capability");
    else if (!control) breach(name, "a reply with grant carried nothing: the check proves nothing");
    else refused(name, "a reply carries capabilities only through a receive capability with grant");
}

} // namespace attack

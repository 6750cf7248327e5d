// A freed IPC buffer: the kernel keeps where it last found a thread's IPC buffer, to
// skip the page walk on the next message. The attacker receives a long message into a
// buffer (so the kernel keeps its page), destroys the memory behind the buffer, lets
// the kernel reuse the frame for its own objects and receives another long message.
// The kernel must find the buffer gone and hand over only the words in registers, not
// write the rest into the freed frame.
#include "attack.hpp"

namespace attack {
namespace {

constexpr const char* name = "stale-buffer";
constexpr u64 sender_buffer = 0x4a000000, receiver_buffer = 0x4a200000;
constexpr u64 length = 20; // words 4..19 go through the buffers

u64 word(u64 round, u64 i) { return 0x5afe000000000000 + round * 0x1000 + i; }

// The sender thread: long messages, round after round.
void send(u64 endpoint) {
    auto& out = *reinterpret_cast<isok::abi::IpcBuffer*>(sender_buffer);
    for (u64 round = 0;; ++round) {
        for (u64 i = isok::abi::register_words; i < length; ++i) out.words[i] = word(round, i);
        (void)sys::call(endpoint, isok::abi::message_info(1, length), round);
    }
}

void map_page(u64 memory, u64 address) {
    if (Error e = sys::map(self, memory, 0, address, 1, rw); e != Error::ok)
        isok::rt::fatal("attacker: map: %s\n", isok::rt::error_name(e));
}

} // namespace

void stale_buffer() {
    u64 endpoint = make(ObjectType::endpoint);
    map_page(make(ObjectType::memory, 1), sender_buffer);
    u64 memory = make(ObjectType::memory, 1);
    map_page(memory, receiver_buffer);
    u64 thread = make_thread(send, endpoint, stacks(1, 8192), make(ObjectType::endpoint));
    Error e = sys::set_ipc_buffer(thread, sender_buffer);
    if (e == Error::ok) e = sys::start(thread);
    if (e == Error::ok) e = sys::set_ipc_buffer(self_thread, receiver_buffer);
    if (e != Error::ok) isok::rt::fatal("attacker: sender thread: %s\n", isok::rt::error_name(e));

    // Round 0, the control: the whole message arrives in the buffer.
    auto& in = *reinterpret_cast<volatile isok::abi::IpcBuffer*>(receiver_buffer);
    isok::rt::Received r = sys::receive(endpoint);
    const bool whole = isok::abi::info_length(r.info) == length && in.words[length - 1] == word(0, length - 1);
    isok::rt::print("attack %s: a %lu-word message into the buffer: %s\n", name, isok::abi::info_length(r.info),
                    whole ? "all of it there" : "not all there");
    (void)sys::reply(isok::abi::message_info(0, 0));

    e = sys::destroy(memory);
    isok::rt::print("attack %s: destroy the buffer's memory: %s\n", name, isok::rt::error_name(e));
    // The kernel's next objects take the freed frame first: a domain's capability array.
    u64 child = make(ObjectType::domain, 256 * 1024, 4096, 1);
    (void)sys::cap_copy(self_thread, child, 7, rights::control);
    r = sys::receive(endpoint);
    const u64 got = isok::abi::info_length(r.info);
    isok::rt::print("attack %s: the next message arrives with %lu words\n", name, got);
    (void)sys::set_ipc_buffer(self_thread, isok::startup::ipc_buffer_address);
    if (!whole) breach(name, "the control message did not arrive whole: the check proves nothing");
    else if (got != isok::abi::register_words) breach(name, "a message was written into a destroyed IPC buffer");
    else refused(name, "a destroyed buffer is not written; only the words in registers arrive");
}

} // namespace attack

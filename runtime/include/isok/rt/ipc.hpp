// Messages over endpoints: words 0..3 travel in registers, words 4.. in the thread's
// IPC buffer at the same index, capabilities through the buffer's send_caps and
// receive_slots. A Message holds the register words and the info word; the other words
// live in the IPC buffer, so receiving a message overwrites what a sent one left there.
#pragma once
#include <isok/rt/syscall.hpp>
#include <isok/startup.hpp>

namespace isok::rt {

// The calling thread's IPC buffer. Every process's first thread has it at
// startup::ipc_buffer_address (TODO: a per-thread pointer once processes make threads).
inline abi::IpcBuffer& ipc_buffer() { return *reinterpret_cast<abi::IpcBuffer*>(startup::ipc_buffer_address); }

class Message {
public:
    Message() = default;
    explicit Message(u64 label, u64 length = 0) : info_(abi::message_info(label, length)) {}

    u64 info() const { return info_; }
    u64 label() const { return abi::info_label(info_); }
    u64 length() const { return abi::info_length(info_); }
    u64 cap_count() const { return abi::info_caps(info_); }
    u64 badge() const { return badge_; } // of the sender, after receive / reply_receive

    void set_label(u64 label) { info_ = abi::message_info(label, length(), cap_count()); }
    void set_length(u64 words) { info_ = abi::message_info(label(), min(words, abi::max_message_words), cap_count()); }

    // Word i (0 when i is past max_message_words); setting it extends the length to i + 1.
    u64 word(usize i) const;
    void set_word(usize i, u64 value);

    // Bytes packed little-endian into words first, first + 1, ...; put extends the length
    // and returns false when they do not fit; get copies at most what the length covers
    // and returns the bytes copied.
    bool put_bytes(usize first, const void* data, usize size);
    usize get_bytes(usize first, void* data, usize size) const;

    // Sends the capability in `slot` along (up to max_message_caps per message; the
    // endpoint capability needs the grant right). False when the message is full.
    bool attach_cap(u64 slot);
    // After receiving: the badge of transferred capability i (it sits in receive_slots[i]).
    u64 received_badge(usize i) const { return i < abi::max_message_caps ? ipc_buffer().received_badges[i] : 0; }

    // Raw access for the stubs below.
    u64 regs[abi::register_words] = {};
    void assign(const Received& r);

private:
    u64 info_ = 0;
    u64 badge_ = 0;
};

// Capabilities later receives may accept, into these empty slots (at most
// max_message_caps). The rest of receive_slots is set to slot 0, which always holds the
// process's own domain and so never accepts anything.
void accept_caps(const u64* slots, usize count);

inline Error send(u64 endpoint, const Message& m) {
    return sys::send(endpoint, m.info(), m.regs[0], m.regs[1], m.regs[2], m.regs[3]);
}
// m is the request; on success it becomes the reply.
inline Error call(u64 endpoint, Message& m) {
    Received r = sys::call(endpoint, m.info(), m.regs[0], m.regs[1], m.regs[2], m.regs[3]);
    if (r.error == Error::ok) m.assign(r);
    return r.error;
}
inline Error receive(u64 endpoint, Message& m) {
    Received r = sys::receive(endpoint);
    if (r.error == Error::ok) m.assign(r);
    return r.error;
}
inline Error reply(const Message& m) { return sys::reply(m.info(), m.regs[0], m.regs[1], m.regs[2], m.regs[3]); }
// m is the reply to the last caller; on success it becomes the next message received.
inline Error reply_receive(u64 endpoint, Message& m) {
    Received r = sys::reply_receive(endpoint, m.info(), m.regs[0], m.regs[1], m.regs[2], m.regs[3]);
    if (r.error == Error::ok) m.assign(r);
    return r.error;
}

} // namespace isok::rt

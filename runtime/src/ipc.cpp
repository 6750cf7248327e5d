// Message word, byte and capability helpers.
#include <isok/rt/ipc.hpp>

namespace isok::rt {

u64 Message::word(usize i) const {
    if (i < abi::register_words) return regs[i];
    return i < abi::max_message_words ? ipc_buffer().words[i] : 0;
}

void Message::set_word(usize i, u64 value) {
    if (i >= abi::max_message_words) return;
    if (i < abi::register_words) regs[i] = value;
    else ipc_buffer().words[i] = value;
    if (i + 1 > length()) set_length(i + 1);
}

bool Message::put_bytes(usize first, const void* data, usize size) {
    if (first > abi::max_message_words || (size + 7) / 8 > abi::max_message_words - first) return false;
    auto* bytes = static_cast<const u8*>(data);
    for (usize w = 0; w * 8 < size; ++w) {
        u64 value = 0;
        for (usize b = 0; b < 8 && w * 8 + b < size; ++b) value |= u64(bytes[w * 8 + b]) << (8 * b);
        set_word(first + w, value);
    }
    return true;
}

usize Message::get_bytes(usize first, void* data, usize size) const {
    if (first >= length()) return 0;
    usize available = (length() - first) * 8;
    usize n = min(size, available);
    auto* bytes = static_cast<u8*>(data);
    for (usize i = 0; i < n; ++i) bytes[i] = u8(word(first + i / 8) >> (8 * (i % 8)));
    return n;
}

bool Message::attach_cap(u64 slot) {
    u64 n = cap_count();
    if (n >= abi::max_message_caps) return false;
    ipc_buffer().send_caps[n] = slot;
    info_ = abi::message_info(label(), length(), n + 1);
    return true;
}

void Message::assign(const Received& r) {
    info_ = r.info;
    badge_ = r.badge;
    for (usize i = 0; i < abi::register_words; ++i) regs[i] = r.words[i];
}

void accept_caps(const u64* slots, usize count) {
    for (usize i = 0; i < abi::max_message_caps; ++i) ipc_buffer().receive_slots[i] = i < count ? slots[i] : 0;
}

} // namespace isok::rt

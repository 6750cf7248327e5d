// The VM's typed-input queue: a ring of bytes with a count of the ones refused.
#include <vmm/console_input.hpp>

namespace isok::vmm {

usize ConsoleInput::push(const u8* bytes, usize n) {
    usize taken = min(n, room());
    for (usize i = 0; i < taken; ++i) bytes_[(head_ + count_ + i) % capacity] = bytes[i];
    count_ += taken;
    dropped_ += n - taken;
    if (taken) changed_ = true;
    return taken;
}

bool ConsoleInput::take(u8& byte) { return take(&byte, 1) == 1; }

usize ConsoleInput::take(u8* out, usize max) {
    usize n = peek(out, max);
    skip(n);
    return n;
}

usize ConsoleInput::peek(u8* out, usize max) const {
    usize n = min(max, count_);
    for (usize i = 0; i < n; ++i) out[i] = bytes_[(head_ + i) % capacity];
    return n;
}

void ConsoleInput::skip(usize n) {
    n = min(n, count_);
    head_ = (head_ + n) % capacity;
    count_ -= n;
    if (n) changed_ = true;
}

} // namespace isok::vmm

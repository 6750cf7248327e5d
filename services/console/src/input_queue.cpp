// A domain's queue of typed bytes (input_queue.hpp).
#include <consoled/input_queue.hpp>

namespace consoled {

void InputQueue::push(u8 byte) {
    if (count_ == capacity) {
        ++dropped_;
        return;
    }
    bytes_[(head_ + count_) % capacity] = byte;
    ++count_;
}

usize InputQueue::pop(u8* out, usize max) {
    usize n = 0;
    for (; n < max && count_; ++n, --count_) {
        out[n] = bytes_[head_];
        head_ = (head_ + 1) % capacity;
    }
    delivered_ += n;
    return n;
}

} // namespace consoled

// The ELF loader's reader (lib/elf) on arbitrary files: an accepted executable keeps every
// promise elf.hpp makes about its segments (inside the file and user space, sorted, no
// shared page, W^X) and its entry point.
#include "fuzz_util.hpp"

#include <isok/elf.hpp>

namespace elf = isok::elf;
using fuzz::check;
using fuzz::inside;
using isok::u64;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    constexpr u64 user_limit = u64(1) << 38; // the lower half of Sv39, as the kernel and root use
    constexpr u64 page = elf::layout::page;
    isok::Bytes file(data, size);
    auto image = elf::Image::open(file, user_limit);
    if (!image) {
        check(elf::describe(image.error()) != nullptr);
        return 0;
    }
    check(image->segment_count() >= 1 && image->segment_count() <= elf::layout::max_segments);
    bool entry_ok = false;
    u64 previous_end = 0;
    for (isok::usize i = 0; i < image->segment_count(); ++i) {
        elf::Segment s = image->segment(i);
        check(s.vaddr >= page && s.mem_size > 0 && s.data.size() <= s.mem_size);
        check(s.vaddr + s.mem_size > s.vaddr && isok::align_up(s.vaddr + s.mem_size, page) <= user_limit);
        check(inside(s.data, file) && (s.data.size() == 0 || s.data.data() == data + s.file_offset));
        check((s.vaddr - s.file_offset) % page == 0 && !(s.write && s.execute));
        check(isok::align_down(s.vaddr, page) >= previous_end); // sorted, no page shared
        previous_end = isok::align_up(s.vaddr + s.mem_size, page);
        check(image->lowest() <= s.vaddr && previous_end <= image->highest());
        entry_ok |= s.execute && image->entry() >= s.vaddr && image->entry() - s.vaddr < s.mem_size;
    }
    check(entry_ok && image->segment(image->segment_count()).mem_size == 0);
    return 0;
}

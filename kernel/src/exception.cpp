// Exception delivery: the kernel writes the message (cause, pc, address, instruction)
// and the faulting thread calls its handler with it, through the ordinary IPC path.
#include <arch/cpu.hpp>
#include <isok/format.hpp>
#include <kernel/endpoint.hpp>
#include <kernel/exception.hpp>
#include <kernel/user_memory.hpp>

namespace kernel {
namespace {

// The faulting instruction's bits, when its page is user-executable; 0 otherwise.
u64 instruction_at(Domain& d, u64 pc) {
    isok::u8* page = user_page(d, pc, false);
    if (!page || (pc & 1)) return 0;
    u64 off = pc % frame_size;
    u64 low = u64(page[off]) | u64(page[off + 1]) << 8;
    if ((low & 3) != 3 || off + 4 > frame_size) return low; // compressed, or the rest is on the next page
    return low | u64(page[off + 2]) << 16 | u64(page[off + 3]) << 24;
}

bool usable_handler(const Capability& h) {
    return !h.empty() && !h.stale() && h.object->type == ObjectType::endpoint && h.has(isok::abi::rights::write);
}

} // namespace

void raise_exception(Thread& t, u64 cause, u64 pc, u64 address) {
    t.exception_words[0] = cause;
    t.exception_words[1] = pc;
    t.exception_words[2] = address;
    t.exception_words[3] = instruction_at(*t.domain, pc);
    t.exception_length = 4;
    deliver_exception(t);
}

void deliver_exception(Thread& t) {
    if (!usable_handler(t.exception_handler)) {
        char why[112];
        isok::format_to(why, sizeof why, "%s: %s at address %lx", t.vcpu ? "stopped" : "killed",
                        arch::exception_name(t.exception_words[0]), t.exception_words[2]);
        kill_thread(t, why);
        return;
    }
    (void)ipc_send_exception(t, t.exception_handler);
}

} // namespace kernel

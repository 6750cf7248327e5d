// Exceptions of threads and vCPUs: the kernel writes the message (exception_message in
// isok/abi.hpp), the faulter calls its handler with it through the ordinary IPC path,
// and the handler's answer resumes it, steps it past an emulated instruction, hands a
// vCPU's guest an exception of its own, or ends it.
#include <arch/exception_message.hpp>
#include <arch/mmio_decode.hpp>
#include <isok/format.hpp>
#include <arch/guest_exception.hpp>
#include <kernel/endpoint.hpp>
#include <kernel/exception.hpp>
#include <kernel/hart.hpp>
#include <kernel/user_memory.hpp>

namespace kernel {
namespace {

namespace abi = isok::abi;
using R = MessageRegisters;

// The faulting instruction's bits, when its page is user-executable; 0 otherwise.
u64 instruction_at(Domain& d, u64 pc) {
    isok::u8* page = user_page(d, pc, false);
    if (!page || (pc & 1)) return 0;
    u64 off = pc % frame_size;
    u64 low = u64(page[off]) | u64(page[off + 1]) << 8;
    if ((low & 3) != 3 || off + 4 > frame_size) return low; // compressed, or the rest is on the next page
    return low | u64(page[off + 2]) << 16 | u64(page[off + 3]) << 24;
}

// Out of line: what it keeps across its calls would cost every other answer its registers.
[[gnu::noinline]] bool inject(Thread& faulter, const arch::TrapFrame& reply) {
    // The VS CSRs change: wherever they are still loaded, they come back here first.
    harts::unload_vcpu(faulter.guest);
    arch::TrapFrame& f = faulter.frame();
    u64 tval = reply.a(R::word0 + 3) & abi::inject_trap_tval ? f.stval : reply.a(R::word0 + 2);
    arch::inject_guest_exception(faulter.guest, f, reply.a(R::word0 + 1), tval);
    ++faulter.counters.injected;
    return true;
}

bool usable_handler(const Capability& h) {
    return h.live() && h.object->type == ObjectType::endpoint && h.has(abi::rights::write);
}

} // namespace

void raise_exception(Thread& t) {
    arch::TrapFrame& f = t.frame();
    u64 instruction = instruction_at(*t.domain, f.sepc);
    // A load or store is decoded for the handler as for a VMM, so that it may answer
    // "emulated" with the value (a pager serving device-like memory, a debugger).
    arch::describe_trap(t.exception_words, f, f.stval, instruction, arch::decode_access(isok::u32(instruction), false));
    deliver_exception(t, t.counters.faults);
}

void deliver_exception(Thread& t, u64& tally) {
    namespace message = abi::exception_message;
    if (!usable_handler(t.exception_handler)) {
        char why[112];
        isok::format_to(why, sizeof why, "%s: %s at address %lx", t.vcpu ? "stopped" : "killed",
                        arch::exception_name(t.exception_words[message::cause]), t.exception_words[message::address]);
        kill_thread(t, why);
        return;
    }
    ++tally;
    (void)ipc_send_exception(t, t.exception_handler);
}

void exit_thread(Thread& t, u64 code) {
    if (usable_handler(t.exception_handler)) {
        // The notice is an ordinary one-word send from the thread's registers, so that it
        // queues and is delivered like any message; it does not expect a reply.
        arch::TrapFrame& f = t.frame();
        f.a(R::info) = abi::message_info(abi::exit_label, 1);
        f.a(R::word0) = code;
        t.exiting = true;
        if (ipc_send(t, t.exception_handler, false) == blocked) return;
    }
    kill_thread(t, nullptr);
}

Error check_answer(const Thread& faulter, const arch::TrapFrame& reply) {
    using Reply = abi::ExceptionReply;
    switch (Reply(reply.a(R::word0))) {
    case Reply::resume:
    case Reply::emulated:
    case Reply::kill: return Error::ok;
    case Reply::inject:
        return faulter.vcpu && arch::guest_takes_exception(reply.a(R::word0 + 1)) ? Error::ok : Error::bad_argument;
    }
    return Error::bad_argument;
}

bool answer_resumes(const arch::TrapFrame& reply) {
    u64 action = reply.a(R::word0);
    return action == u64(abi::ExceptionReply::resume) || action == u64(abi::ExceptionReply::emulated);
}

bool answer_exception(Thread& faulter, const arch::TrapFrame& reply) {
    faulter.in_exception = false;
    u64 action = reply.a(R::word0);
    arch::TrapFrame& f = faulter.frame();
    if (action == u64(abi::ExceptionReply::emulated)) {
        arch::complete_emulation(f, faulter.exception_words, reply.a(R::word0 + 2), reply.a(R::word0 + 3));
        return true;
    }
    if (action == u64(abi::ExceptionReply::resume)) {
        if (u64 pc = reply.a(R::word0 + 1)) f.sepc = pc;
        return true;
    }
    if (action == u64(abi::ExceptionReply::inject)) return inject(faulter, reply);
    kill_thread(faulter, "stopped by its exception handler");
    return false;
}

} // namespace kernel

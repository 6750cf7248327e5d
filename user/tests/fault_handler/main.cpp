// fault_handler: the `fault_handler` of other processes in the manifest. Their exceptions
// arrive on its "faults" endpoint as calls from the kernel, badged with each process's
// 1-based place among those it handles; it prints cause, pc and address, and answers
// "kill".
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>

using namespace isok;
using rt::Error;

namespace {

const char* cause_name(u64 cause) {
    switch (cause) {
    case 2: return "illegal instruction";
    case 5: return "load access fault";
    case 7: return "store access fault";
    case 12: return "instruction page fault";
    case 13: return "load page fault";
    case 15: return "store page fault";
    default: return "exception";
    }
}

} // namespace

int main(const startup::Info&) {
    u64 faults = rt::cap_slot("faults");
    if (faults == ~u64{0}) rt::fatal("no 'faults' endpoint: no process names me as its fault handler\n");
    u64 handled = 0;
    rt::Message m;
    Error e = rt::receive(faults, m);
    for (;;) {
        if (e != Error::ok) rt::fatal("receive failed: %s\n", rt::error_name(e));
        rt::Message answer(0, 1);
        if (m.label() == abi::exception_label) {
            ++handled;
            rt::print("fault %lu from badge %lu: %s (cause %lu) at pc %p, address %p; killing it\n", handled,
                      m.badge(), cause_name(m.word(0)), m.word(0), reinterpret_cast<void*>(m.word(1)),
                      reinterpret_cast<void*>(m.word(2)));
            answer.set_word(0, u64(abi::ExceptionReply::kill));
        } else if (m.label() == abi::exit_label) {
            rt::print("badge %lu exited with code %lu\n", m.badge(), m.word(0)); // nothing to answer
        } else {
            rt::print("unexpected label %lu from badge %lu\n", m.label(), m.badge());
        }
        m = answer;
        e = rt::reply_receive(faults, m);
    }
}

// Device windows: the kernel once turned any mapped page into a pointer into its own
// direct map, device registers included, and panicked on the load. A process that
// holds a device window (here a disk's, as its block service) points the kernel at
// it three ways: as text to write, as its IPC buffer, and as the pc of a thread.
#include <isok/links.hpp>

#include "attack.hpp"

namespace attack {
namespace {

constexpr const char* name = "device-window";
constexpr u64 window = 0x800000000;

u64 device_memory() {
    const auto& l = *reinterpret_cast<const isok::links::Links*>(isok::links::address);
    if (l.magic != isok::links::magic || l.device_memory == isok::abi::no_slot)
        isok::rt::fatal("attacker: the Links page names no device window\n");
    return l.device_memory;
}

// A thread started at the window: its instruction fetch faults, and the kernel, which
// reads the faulting instruction for the handler, must not read it from the device.
bool fault_at_a_pc_in_the_window() {
    u64 handler = make(ObjectType::endpoint);
    u64 thread = make_thread(reinterpret_cast<void (*)(u64)>(window), 0, stacks(1, 4096), handler);
    if (Error e = sys::start(thread); e != Error::ok) isok::rt::fatal("attacker: start: %s\n", isok::rt::error_name(e));
    isok::rt::Received r = sys::receive(handler);
    bool ok = r.error == Error::ok && r.words[1] == window && r.words[3] == 0;
    isok::rt::print("attack %s: a thread runs at the window: its handler gets cause %lu at %lx, instruction %lx\n",
                    name, r.words[0], r.words[1], r.words[3]);
    (void)sys::reply(isok::abi::message_info(0, 1), u64(isok::abi::ExceptionReply::kill));
    if (!ok) breach(name, "the fault at a pc in the window did not reach its handler as it should");
    return ok;
}

} // namespace

void device_window() {
    if (Error e = sys::map(self, device_memory(), 0, window, 1, rw); e != Error::ok)
        isok::rt::fatal("attacker: map the device window: %s\n", isok::rt::error_name(e));
    isok::rt::print("attack %s: the disk's registers mapped at %lx\n", name, window);
    bool ok = expect_refusal(name, "debug_write from the window",
                             sys::debug_write(reinterpret_cast<const char*>(window), 16), Error::bad_address);
    ok &= expect_refusal(name, "the window as the IPC buffer", sys::set_ipc_buffer(self_thread, window),
                         Error::bad_address);
    ok &= fault_at_a_pc_in_the_window();
    if (ok) refused(name, "the kernel never reads or writes a device window for a process");
}

} // namespace attack

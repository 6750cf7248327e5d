// intruder: a process that shares a system with a channel it holds no capability to.
// It tries every slot it was not given, slots outside its capability space, capabilities
// of the wrong type, re-badging and widening the one endpoint capability it does hold
// (a badged send capability to channel "echo"), and prints the error each attempt gets.
// The kernel must refuse every one with the error named in the ABI. Last, it calls
// "echo" the honest way: the server still sees the badge the manifest gave it.
#include <isok/format.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>
#include <isok/string.hpp>

using namespace isok;
using rt::Error;
namespace sys = rt::sys;

namespace {

u64 attempts = 0, unexpected = 0;

void expect(const char* what, Error got, Error want) {
    ++attempts;
    if (got != want) ++unexpected;
    rt::print("%s: %s%s%s\n", what, rt::error_name(got), got == want ? "" : ", expected ", got == want ? "" : rt::error_name(want));
}

// Every operation on a channel, on every slot in [first, end) that holds nothing: the
// capability to the other processes' channel is in none of them.
void sweep(const char* what, u64 first, u64 end, Error want) {
    u64 total = 0, as_expected = 0;
    for (u64 slot = first; slot < end; ++slot) {
        Error results[] = {
            sys::send(slot, abi::message_info(1, 0)),
            sys::call(slot, abi::message_info(1, 0)).error,
            sys::receive(slot).error,
            sys::reply_receive(slot, abi::message_info(1, 0)).error,
            sys::cap_copy(slot, startup::self_domain_slot, slot, abi::rights::all),
        };
        for (Error e : results) {
            ++total;
            as_expected += e == want;
        }
    }
    attempts += total;
    unexpected += total - as_expected;
    rt::print("send, call, receive, reply_receive, cap_copy on %s: %lu attempts, %lu %s\n", what, total, as_expected,
              rt::error_name(want));
}

} // namespace

int main(const startup::Info& info) {
    const startup::Cap* echo = rt::find_cap("echo");
    if (!echo) rt::fatal("no channel 'echo'\n");
    const u64 mine = echo->slot, spare = info.cap_slots - 1;
    rt::print("holding 'echo' in slot %lu (rights %x, badge %lu) of %lu slots\n", mine, echo->rights, echo->badge,
              info.cap_slots);

    // Slots it was not given: empty inside the space, bad outside it.
    sweep("slots it was not given", mine + 1, info.cap_slots, Error::empty_slot);
    const u64 outside[] = {info.cap_slots, 4096, u64(1) << 32, ~u64{0}};
    for (u64 slot : outside) {
        char what[64];
        format_to(what, sizeof what, "send on slot %lu, outside its space", slot);
        expect(what, sys::send(slot, abi::message_info(1, 0)), Error::bad_slot);
        format_to(what, sizeof what, "receive on slot %lu, outside its space", slot);
        expect(what, sys::receive(slot).error, Error::bad_slot);
    }

    // The capability it holds: no receiving, no new badge, no more rights, no destroying.
    expect("receive on its send-only capability", sys::receive(mine).error, Error::no_rights);
    expect("re-badge its badged capability", sys::cap_copy(mine, startup::self_domain_slot, spare, abi::rights::all, 99),
           Error::bad_argument);
    expect("copy it asking for all rights", sys::cap_copy(mine, startup::self_domain_slot, spare, abi::rights::all),
           Error::ok);
    expect("receive on that copy", sys::receive(spare).error, Error::no_rights);
    expect("re-badge that copy", sys::cap_copy(spare, startup::self_domain_slot, spare - 1, abi::rights::all, 7),
           Error::bad_argument);
    expect("destroy the endpoint", sys::destroy(mine), Error::no_rights);
    expect("delete the copy", sys::cap_delete(spare), Error::ok);

    // Capabilities of the wrong type.
    expect("send on its domain capability", sys::send(startup::self_domain_slot, abi::message_info(1, 0)),
           Error::wrong_type);
    expect("receive on its thread capability", sys::receive(startup::self_thread_slot).error, Error::wrong_type);
    expect("start the endpoint as a thread", sys::start(mine), Error::wrong_type);
    expect("map the endpoint as memory", sys::map(startup::self_domain_slot, mine, 0, 0x10000000, 1, abi::rights::read),
           Error::wrong_type);
    expect("copy into the endpoint as a domain", sys::cap_copy(mine, mine, 3, abi::rights::write), Error::wrong_type);

    // The honest way still works, under the badge the manifest gave.
    rt::Message m(1, 1);
    m.set_word(0, 7);
    Error e = rt::call(mine, m);
    expect("call 'echo' the honest way", e, Error::ok);
    rt::print("the server saw badge %lu\n", m.word(0));
    if (m.word(0) != echo->badge) ++unexpected;
    rt::Message bye(2);
    bye.put_bytes(0, rt::process_name(), str_length(rt::process_name()) + 1);
    (void)rt::call(mine, bye);
    rt::print("%lu attempts, %lu unexpected results\n", attempts, unexpected);
    return unexpected == 0 ? 0 : 1;
}

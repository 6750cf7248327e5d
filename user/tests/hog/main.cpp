// hog: spends its whole budget. With the send end of channel "budget" it is the hog:
// it creates one-page memory objects, then endpoints, each until create fails, and
// prints its budget before and after. Then it asks the witness (the receive end) to
// create objects of its own: the witness's budget is untouched, so it can. Last, the
// hog destroys what it made and shows the budget refunded to the byte. (First it asks
// for a domain too poor for its own page table: that must fail with no_budget, refund
// the budget, and not bring the kernel down.)
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>

using namespace isok;
using rt::Error;
namespace sys = rt::sys;
using abi::ObjectType;

namespace {

constexpr u64 self = startup::self_domain_slot;

rt::DomainInfo show(const char* when) {
    rt::DomainInfo d = sys::domain_info(self);
    if (d.error != Error::ok) rt::fatal("domain_info: %s\n", rt::error_name(d.error));
    rt::print("%s: budget %lu of %lu bytes left, %lu free slots\n", when, d.budget_left, d.budget_total, d.free_slots);
    return d;
}

// Creates objects of `type` in free slots from `next` on until create fails; returns
// how many it made and the error that stopped it.
u64 exhaust(ObjectType type, u64 args, u64& next, u64 end, Error& stop) {
    u64 made = 0;
    for (stop = Error::ok; next < end; ++next, ++made) {
        stop = sys::create(type, next, self, args);
        if (stop != Error::ok) return made;
    }
    stop = Error::bad_slot; // ran out of slots before the budget ran out
    return made;
}

int hog(u64 witness, const startup::Info& info) {
    rt::DomainInfo before = show("before");
    u64 first = startup::first_grant_slot + info.cap_count - 2; // past the grants
    u64 next = first;
    // A domain whose budget pays for its capability space but not for its page table.
    Error tiny = sys::create(ObjectType::domain, next, self, 4096, 16);
    rt::DomainInfo after_tiny = sys::domain_info(self);
    rt::print("creating a domain with 4096 bytes, too few for its own page table: %s; budget left %lu\n",
              rt::error_name(tiny), after_tiny.budget_left);
    Error stop;
    u64 memories = exhaust(ObjectType::memory, 1, next, info.cap_slots, stop);
    rt::print("created %lu one-page memory objects, then: %s\n", memories, rt::error_name(stop));
    Error memory_stop = stop;
    u64 endpoints = exhaust(ObjectType::endpoint, 0, next, info.cap_slots, stop);
    rt::print("created %lu endpoints, then: %s\n", endpoints, rt::error_name(stop));
    Error endpoint_stop = stop;
    Error domain = sys::create(ObjectType::domain, next, self, 4096, 16);
    rt::print("creating a domain with a 4096-byte budget: %s\n", rt::error_name(domain));
    show("after");

    rt::Message m(1);
    Error e = rt::call(witness, m);
    rt::print("the witness, asked now: %s (endpoint %s, memory %s)\n", rt::error_name(e),
              rt::error_name(Error(m.word(0))), rt::error_name(Error(m.word(1))));

    u64 destroyed = 0;
    for (u64 slot = first; slot < next; ++slot) destroyed += sys::destroy(slot) == Error::ok;
    rt::DomainInfo released = show("released");
    rt::print("destroyed %lu objects; refunded to the byte: %s\n", destroyed,
              released.budget_left == before.budget_left ? "yes" : "no");
    bool ok = tiny == Error::no_budget && after_tiny.budget_left == before.budget_left && memory_stop == Error::no_budget && endpoint_stop == Error::no_budget && domain == Error::no_budget &&
              e == Error::ok && m.word(0) == 0 && m.word(1) == 0 && destroyed == memories + endpoints &&
              released.budget_left == before.budget_left;
    return ok ? 0 : 1;
}

// Answers each call with the results of creating an endpoint and a memory object in
// its own budget (then destroys both).
int witness(u64 endpoint, const startup::Info& info) {
    const u64 a = info.cap_slots - 1, b = info.cap_slots - 2;
    rt::Message m;
    Error e = rt::receive(endpoint, m);
    for (;;) {
        if (e != Error::ok) rt::fatal("receive failed: %s\n", rt::error_name(e));
        Error made_endpoint = sys::create(ObjectType::endpoint, a, self);
        Error made_memory = sys::create(ObjectType::memory, b, self, 1);
        rt::print("asked by badge %lu: creating an endpoint: %s, a memory page: %s\n", m.badge(),
                  rt::error_name(made_endpoint), rt::error_name(made_memory));
        (void)sys::destroy(a);
        (void)sys::destroy(b);
        rt::Message answer(1, 2);
        answer.set_word(0, u64(made_endpoint));
        answer.set_word(1, u64(made_memory));
        m = answer;
        e = rt::reply_receive(endpoint, m);
    }
}

} // namespace

int main(const startup::Info& info) {
    const startup::Cap* channel = rt::find_cap("budget");
    if (!channel) rt::fatal("no channel 'budget'\n");
    return channel->rights & abi::rights::read ? witness(channel->slot, info) : hog(channel->slot, info);
}

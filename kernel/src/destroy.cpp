// Destruction by object type: each kind first undoes what links it to the rest. A
// domain takes everything it pays for with it, nested domains included, without
// recursion: the kernel stack stays the same however deep a user builds the tree.
#include <kernel/destroy.hpp>
#include <kernel/endpoint.hpp>
#include <kernel/interrupt.hpp>
#include <kernel/memory_object.hpp>
#include <kernel/notification.hpp>

namespace kernel {
namespace {

bool is_domain(const KernelObject& o) { return o.type == ObjectType::domain || o.type == ObjectType::vm; }

void destroy_leaf(KernelObject& object) {
    switch (object.type) {
    case ObjectType::thread: destroy_thread(static_cast<Thread&>(object)); return;
    case ObjectType::endpoint: destroy_endpoint(static_cast<Endpoint&>(object)); return;
    case ObjectType::notification: destroy_notification(static_cast<Notification&>(object)); return;
    case ObjectType::memory: destroy_memory(static_cast<Memory&>(object)); return;
    case ObjectType::interrupt: destroy_interrupt(static_cast<Interrupt&>(object)); return;
    case ObjectType::none: destroy_mapping(static_cast<Mapping&>(object)); return;
    case ObjectType::vm:
    case ObjectType::domain: break;
    }
}

// Depth first through the tree of domains paying for domains: enter a child domain
// before anything else, release a domain once it pays for nothing, then carry on in
// its payer. The work is linear in the objects destroyed.
void destroy_domain(Domain& top) {
    Domain* d = &top;
    for (;;) {
        if (KernelObject* o = d->paid.front()) {
            if (is_domain(*o))
                d = static_cast<Domain*>(o);
            else
                destroy_leaf(*o);
            continue;
        }
        Domain* payer = d->payer;
        bool done = d == &top;
        d->teardown();
        release_object(*d, sizeof(Domain));
        if (done) return;
        d = payer;
    }
}

} // namespace

void destroy(KernelObject& object) {
    if (is_domain(object))
        destroy_domain(static_cast<Domain&>(object));
    else
        destroy_leaf(object);
}

} // namespace kernel

// The reclamation queue (see reclaim.hpp).
#include <kernel/assert.hpp>
#include <kernel/capability.hpp>
#include <kernel/destroy.hpp>
#include <kernel/reclaim.hpp>

namespace kernel::reclaim {
namespace {
List<KernelObject, Unheld> unheld;
} // namespace

void queue(KernelObject& object) {
    if (object.queued) return;
    object.queued = true;
    unheld.push_front(object);
}

void forget(KernelObject& object) {
    if (!object.queued) return;
    object.queued = false;
    unheld.remove(object);
}

bool pending() { return !unheld.empty(); }

void run() {
    // destroy() takes each object off the queue (release_object), and may queue more.
    while (KernelObject* object = unheld.front()) {
        KERNEL_ASSERT(!object->caps && object->holds == 0);
        destroy(*object);
    }
}

void hold(KernelObject& object) { ++object.holds; }

void release(KernelObject& object) {
    KERNEL_ASSERT(object.holds > 0);
    if (--object.holds == 0 && !object.caps) queue(object);
}

} // namespace kernel::reclaim

// Reclamation: an object that no capability names and nothing else holds is destroyed,
// its memory returned to the budget that paid for it. Objects are queued when their last
// reference goes and destroyed before the kernel returns to user mode, one after the
// other rather than from inside each other: a chain of ten thousand domains, each
// holding the last capability to the next, takes ten thousand steps and no more stack.
#pragma once
#include <kernel/object.hpp>

namespace kernel::reclaim {

void queue(KernelObject& object);
// Takes an object off the queue (it is being destroyed by other means).
void forget(KernelObject& object);
bool pending();
// Destroys every queued object, and whatever their destruction leaves unheld.
void run();

// A reference other than a capability taken and dropped (a mapping of a memory object).
void hold(KernelObject& object);
void release(KernelObject& object);

} // namespace kernel::reclaim

// What every kernel object shares: its type, the capabilities that name it, the domain
// whose budget pays for it, and its place on the queue of objects nothing names any more.
#pragma once
#include <isok/abi.hpp>
#include <kernel/list.hpp>

namespace kernel {

using isok::u32;
using isok::u64;
using isok::usize;
using isok::abi::Error;
using isok::abi::ObjectType;

class Domain;
struct Capability;

struct PaidBy; // the list of objects a domain pays for
struct Unheld; // the queue of objects to reclaim (reclaim.hpp)

struct KernelObject : ListLink<KernelObject, PaidBy>, ListLink<KernelObject, Unheld> {
    ObjectType type = ObjectType::none;
    bool queued = false; // on the reclamation queue
    // References that keep the object alive besides capabilities: a memory object's
    // mappings. The object is reclaimed when it has neither (reclaim.hpp).
    u32 holds = 0;
    // Every capability to the object, in the order of its derivation tree (capability.hpp).
    // Destruction makes each of them stale, so no capability outlives its object.
    Capability* caps = nullptr;
    Domain* payer = nullptr; // whose budget the object is charged to
    u64 charged = 0;         // bytes charged, refunded on destruction
};

using PaidList = List<KernelObject, PaidBy>;

} // namespace kernel

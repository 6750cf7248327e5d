// What every kernel object shares: its type, the generation that makes capabilities
// to a destroyed object stale, and the domain whose budget pays for it.
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

struct PaidBy; // the list of objects a domain pays for

struct KernelObject : ListLink<KernelObject, PaidBy> {
    ObjectType type = ObjectType::none;
    // Bumped on destruction and kept across reuse of the memory (see kmem.hpp), so a
    // capability minted for an earlier object at this address can never match. 64
    // bits: at one create/destroy pair per 100 instructions it wraps after 10^19.
    u64 generation = 0;
    Domain* payer = nullptr;         // whose budget the object is charged to
    u64 charged = 0;                 // bytes charged, refunded on destruction
};

using PaidList = List<KernelObject, PaidBy>;

} // namespace kernel

// What every kernel object shares: its type, the generation that makes capabilities
// to a destroyed object stale, and the domain whose budget pays for it.
#pragma once
#include <isok/abi.hpp>

namespace kernel {

using isok::u32;
using isok::u64;
using isok::usize;
using isok::abi::Error;
using isok::abi::ObjectType;

class Domain;

struct KernelObject {
    ObjectType type = ObjectType::none;
    // Bumped on destruction and kept across reuse of the memory (see kmem.hpp), so a
    // capability minted for an earlier object at this address can never match.
    u32 generation = 0;
    Domain* payer = nullptr;       // whose budget the object is charged to
    u64 charged = 0;               // bytes charged, refunded on destruction
    KernelObject* next_paid = nullptr; // the payer's list of what it pays for
};

} // namespace kernel

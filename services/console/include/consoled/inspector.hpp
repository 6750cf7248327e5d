// What the control shell may see of other domains: the kernel's counters of each
// process and VM the root let the service read (domain_stats). main.cpp asks the kernel;
// tests give figures of their own.
#pragma once
#include <isok/abi.hpp>
#include <isok/types.hpp>

namespace consoled {

class Inspector {
public:
    virtual isok::u32 count() const = 0;
    virtual const char* name(isok::u32 index) const = 0;
    // false when the kernel refuses (the domain is gone, say).
    virtual bool stats(isok::u32 index, isok::abi::DomainStats& out) = 0;

protected:
    ~Inspector() = default;
};

} // namespace consoled

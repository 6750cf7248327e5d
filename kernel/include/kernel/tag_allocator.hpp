// Address-space tags (RISC-V VMIDs, later ASIDs) handed out by generation: a tag is
// never given to a second address space until every TLB entry made under it has been
// flushed, so a stale translation can never reach another domain. Works for any tag
// width the hart has, zero bits included (then every switch flushes).
#pragma once
#include <isok/types.hpp>

namespace kernel {

// What an address space remembers of its tag: valid while `generation` is current.
struct TagLease {
    isok::u64 generation = 0;
    isok::u64 tag = 0;
};

class TagAllocator {
public:
    // bits: how many tag bits the hart implements (probed). Tag 0 is used only when
    // there are no others.
    void init(unsigned bits) {
        last_ = bits == 0 ? 0 : (isok::u64{1} << bits) - 1;
        first_ = bits == 0 ? 0 : 1;
        next_ = first_;
        generation_ = 1;
    }

    // The tag for an address space about to run. flush_all() is called, before the tag
    // is returned, whenever tags start over: entries of the previous generation go.
    template <class Flush> isok::u64 tag_for(TagLease& lease, Flush flush_all) {
        if (lease.generation == generation_) return lease.tag;
        if (next_ > last_) {
            ++generation_;
            next_ = first_;
            flush_all();
        }
        lease.tag = next_++;
        lease.generation = generation_;
        return lease.tag;
    }

    isok::u64 generation() const { return generation_; }
    isok::u64 tags() const { return last_ - first_ + 1; }

private:
    isok::u64 first_ = 0, last_ = 0, next_ = 0;
    isok::u64 generation_ = 1;
};

} // namespace kernel

// Intrusive doubly linked lists. Any member leaves its list in constant time, which
// keeps destruction linear in what is destroyed, whatever else the list holds.
#pragma once

namespace kernel {

// The links of T in the lists named by Tag; T derives from one ListLink per list kind
// it can be in, and is in at most one list of each kind at a time.
template <class T, class Tag> struct ListLink {
    T* next_ = nullptr;
    T* prev_ = nullptr;
};

template <class T, class Tag> class List {
    using Link = ListLink<T, Tag>;
    static Link& link(T& item) { return static_cast<Link&>(item); }

public:
    bool empty() const { return head_ == nullptr; }
    T* front() const { return head_; }
    static T* next(T& item) { return link(item).next_; }

    void push_front(T& item) {
        Link& l = link(item);
        l.prev_ = nullptr;
        l.next_ = head_;
        if (head_) link(*head_).prev_ = &item;
        head_ = &item;
    }

    void remove(T& item) {
        Link& l = link(item);
        if (l.prev_)
            link(*l.prev_).next_ = l.next_;
        else
            head_ = l.next_;
        if (l.next_) link(*l.next_).prev_ = l.prev_;
        l = {};
    }

private:
    T* head_ = nullptr;
};

} // namespace kernel

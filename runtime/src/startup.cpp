// Reading the startup page. It is read-only and written by the root, but bounded reads
// keep a bad page from sending a lookup past it.
#include <isok/rt/startup.hpp>
#include <isok/string.hpp>

namespace isok::rt {
namespace detail {
extern const startup::Info* info;
} // namespace detail

const startup::Info& startup_info() { return *detail::info; }

const char* process_name() {
    const startup::Info& i = *detail::info;
    // Unterminated names are cut at the field (print stops at the NUL of a copy).
    static char name[startup::name_bytes];
    if (!name[0]) {
        usize n = str_length_bounded(i.process, startup::name_bytes - 1);
        for (usize k = 0; k < n; ++k) name[k] = i.process[k];
        name[n] = 0;
        if (!n) name[0] = '?', name[1] = 0;
    }
    return name;
}

const startup::Cap* find_cap(const char* wanted) {
    const startup::Info& i = *detail::info;
    usize count = min(i.cap_count, u64(startup::max_caps));
    usize length = str_length(wanted);
    if (length >= startup::name_bytes) return nullptr;
    for (usize k = 0; k < count; ++k) {
        const startup::Cap& cap = i.caps[k];
        if (str_length_bounded(cap.name, startup::name_bytes) != length) continue;
        bool same = true;
        for (usize c = 0; c < length && same; ++c) same = cap.name[c] == wanted[c];
        if (same) return &cap;
    }
    return nullptr;
}

u64 cap_slot(const char* name, u64 missing) {
    const startup::Cap* cap = find_cap(name);
    return cap ? cap->slot : missing;
}

} // namespace isok::rt

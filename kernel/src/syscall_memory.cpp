// Memory system calls: map memory into a domain, unmap it.
#include <kernel/memory_object.hpp>
#include <kernel/syscall.hpp>

namespace kernel {
namespace {
namespace rights = isok::abi::rights;
constexpr u64 access_rights = rights::read | rights::write | rights::execute;
} // namespace

Error sys_map(Thread& t, arch::TrapFrame& f) {
    auto domain = t.domain->caps.find<Domain>(f.a(0), rights::control);
    if (!domain) return domain.error();
    u64 wanted = f.a(5);
    if (wanted & ~access_rights) return Error::bad_argument;
    // A mapping can never allow more than the memory capability does.
    auto memory = t.domain->caps.find<Memory>(f.a(1), wanted);
    if (!memory) return memory.error();
    return map_memory(**domain, **memory, f.a(2), f.a(3), f.a(4), wanted);
}

Error sys_unmap(Thread& t, arch::TrapFrame& f) {
    auto domain = t.domain->caps.find<Domain>(f.a(0), rights::control);
    if (!domain) return domain.error();
    return unmap_memory(**domain, f.a(1), f.a(2));
}

} // namespace kernel

// From crt0 to main and back out: checks the startup page, runs static constructors,
// calls main and exits with its result.
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>

int main(const isok::startup::Info& info);

extern "C" void (*__init_array_start[])(), (*__init_array_end[])();

namespace isok::rt {
namespace {
const startup::Info empty_info = {0, "?", "", 0, 0, 0, {}, ""};
} // namespace

namespace detail {
const startup::Info* info = &empty_info;
} // namespace detail

} // namespace isok::rt

extern "C" [[noreturn]] void isok_rt_start(const isok::startup::Info* info) {
    using namespace isok;
    bool valid = info && info->magic == startup::magic;
    if (valid) rt::detail::info = info;
    if (!valid) rt::print("runtime: no valid startup page at %p\n", static_cast<const void*>(info));
    for (auto* ctor = __init_array_start; ctor != __init_array_end; ++ctor) (*ctor)();
    int code = main(*rt::detail::info);
    rt::sys::exit(u64(i64(code)));
}

// Programs exit without running destructors of static objects; there is no heap.
extern "C" int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
extern "C" void* __dso_handle = nullptr;
extern "C" void __cxa_pure_virtual() { isok::rt::fatal("runtime: pure virtual call"); }
void operator delete(void*) noexcept { isok::rt::fatal("runtime: operator delete without a heap"); }
void operator delete(void*, isok::usize) noexcept { isok::rt::fatal("runtime: operator delete without a heap"); }

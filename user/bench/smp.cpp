// The IPC round trip on a two-hart machine (bench_smp.toml, -smp 2 under -icount): to a
// server on this hart, where the kernel lock is taken on every entry although nobody
// contends for it, and to a server on the other hart. Under -icount rdinstret counts
// the instructions of the whole machine, both harts', so the cross-hart figure is all
// that both harts execute per round trip (a hart waiting in WFI retires nothing).
#include "bench.hpp"

#include <isok/rt/console.hpp>

namespace bench {

namespace {

u64 server_hart(u64 endpoint) {
    rt::Received r = rt::sys::call(endpoint, abi::message_info(hart_label, 1));
    if (r.error != rt::Error::ok) rt::fatal("call: %s\n", rt::error_name(r.error));
    return r.words[0];
}

} // namespace

int smp_client(u64 local, u64 remote) {
    u64 here = rt::sys::hart_info().hart, near = server_hart(local), far = server_hart(remote);
    if (near != here || far == here) rt::fatal("servers on harts %lu and %lu, client on %lu\n", near, far, here);
    const u64 info = abi::message_info(1, abi::register_words);
    u64 empty = measure([] { asm volatile("" ::: "memory"); });
    u64 same = measure([&] { (void)rt::sys::call(local, info, 1, 2, 3, 4); }) - empty;
    u64 cross = measure([&] { (void)rt::sys::call(remote, info, 1, 2, 3, 4); }) - empty;
    bench_count("ipc_call_reply_smp2", same, "instructions");
    bench_count("ipc_call_reply_cross_hart", cross, "instructions");
    rt::print("done: client on hart %lu, servers on harts %lu and %lu, %lu iterations per figure\n", here, near, far,
              iterations);
    return 0;
}

} // namespace bench

// What a process finds at start: the root process maps one read-only page at
// startup_address into every process it builds and passes its address in a0. It
// names the capabilities the manifest granted, so programs find channels by name.
#pragma once
#include <isok/types.hpp>

namespace isok::startup {

inline constexpr u64 magic = 0x5055545241545349; // "ISTARTUP"
inline constexpr u64 startup_address = 0x3f200000;
inline constexpr u64 ipc_buffer_address = 0x3f100000;
inline constexpr u64 stack_top = 0x3f000000;
inline constexpr usize name_bytes = 32;
inline constexpr usize max_caps = 64;
inline constexpr usize args_bytes = 256;

// Slots every process gets; granted capabilities follow from first_grant_slot.
inline constexpr u64 self_domain_slot = 0;
inline constexpr u64 self_thread_slot = 1;
inline constexpr u64 first_grant_slot = 2;

enum class CapKind : u32 { none = 0, endpoint = 1, notification = 2, memory = 3, domain = 4, thread = 5, interrupt = 6 };

struct Cap {
    char name[name_bytes]; // NUL-terminated: the channel or object name from the manifest
    u64 slot;
    CapKind kind;
    u32 rights;
    u64 badge; // for a client's send capability: the badge the server sees
};

struct Info {
    u64 magic;
    char process[name_bytes];
    char isa[96];      // the host hart's ISA string (from the device tree)
    u64 timebase_hz;   // of the host timer (the time CSR)
    u64 cap_slots; // size of the capability space
    u64 cap_count;
    Cap caps[max_caps];
    char args[args_bytes]; // the manifest's `args` for the process, NUL-terminated ("" for none)
};
static_assert(sizeof(Info) <= 4096);

} // namespace isok::startup

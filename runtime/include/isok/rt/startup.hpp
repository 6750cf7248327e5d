// What the runtime makes of the startup page: the process name and the capabilities
// the manifest granted, found by name.
#pragma once
#include <isok/startup.hpp>

namespace isok::rt {

// The startup page crt0 received. When a0 did not point to a valid one (wrong magic),
// an empty Info named "?" with no capabilities.
const startup::Info& startup_info();
const char* process_name();

// The capability granted under `name` (slot, kind, rights, badge), or nullptr.
const startup::Cap* find_cap(const char* name);
// Its slot, or `missing` when there is none.
u64 cap_slot(const char* name, u64 missing = ~u64{0});

} // namespace isok::rt

// The riscv,isa string a guest's device tree carries: the host hart's, minus what the
// guest does not get. A device tree must describe what the hypervisor really provides,
// since a guest acts on it (with "sstc" it writes stimecmp itself, for instance).
#pragma once
#include <isok/types.hpp>

namespace isok::vmm {

// Writes the guest's ISA string for host_isa (read up to host_max bytes) into out.
// False when host_isa is not an ISA string ("rv32"/"rv64", then letters, digits, '_')
// or the result does not fit.
bool guest_isa(const char* host_isa, usize host_max, char* out, usize out_size);

} // namespace isok::vmm

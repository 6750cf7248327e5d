// The device tree a VMM writes into guest RAM for its guest: memory, harts, timebase,
// the PLIC, the devices the VM was given (and only those), and /chosen.
#pragma once
#include <isok/result.hpp>
#include <isok/types.hpp>

namespace isok::vmm {

struct GuestDescription {
    u64 ram_base = 0;
    u64 ram_size = 0;
    u32 vcpus = 1;
    u64 devices = 0; // vm::device bits, already cut to what the VMM emulates
    u64 timebase_hz = 0;
    const char* host_isa = ""; // the guest's riscv,isa is derived from it (guest_isa.hpp)
    usize host_isa_max = 0;
    const char* bootargs = "";
    usize bootargs_max = 0;
    u64 initrd_start = 0; // initrd_end == initrd_start: no initrd
    u64 initrd_end = 0;
};

enum class DeviceTreeError : u8 {
    bad_isa = 1,  // the host ISA string is not one
    bad_vcpus,    // zero or more than vm::max_vcpus
    bad_timebase, // zero, or beyond the 32-bit cell Linux reads
    no_space,     // the buffer is too small
    writer,       // any other writer error (a bug here)
};

const char* describe(DeviceTreeError e);

// Writes the blob into buffer; returns its size.
Result<usize, DeviceTreeError> write_device_tree(const GuestDescription& guest, u8* buffer, usize capacity);

} // namespace isok::vmm

// System plan reader, the virtual-machine table: every VM names its kernel (and maybe
// initrd) in the boot image, a guest RAM size the root can map, and a VMM among the
// plan's processes that serves it alone and has the slots for the VM's capabilities.
#include <isok/abi.hpp>
#include <isok/plan.hpp>
#include <isok/startup.hpp>
#include <isok/string.hpp>
#include "plan_internal.hpp"

namespace isok::plan {
namespace detail {
namespace {

using namespace layout;

constexpr HartFields vm_harts{vm_field::hart_count, vm_field::hart_reserved, vm_field::harts};

Status<Error> check_vm_limits(Bytes r) {
    u64 memory = load64(r, vm_field::memory), budget = load64(r, vm_field::budget);
    if (memory < min_vm_memory || memory > max_vm_memory || !is_aligned(memory, page)) return fail(Error::bad_memory);
    // The VM's domain pays for its guest RAM, so its budget covers at least that.
    if (budget < memory || !is_aligned(budget, page)) return fail(Error::bad_memory);
    u32 vcpus = load32(r, vm_field::vcpus);
    if (vcpus == 0 || vcpus > vm::max_vcpus) return fail(Error::bad_vcpus);
    u32 priority = load32(r, vm_field::priority);
    if (priority == 0 || priority >= abi::max_priority) return fail(Error::bad_priority);
    u32 slice = load32(r, vm_field::time_slice);
    if (slice == 0 || slice > max_time_slice) return fail(Error::bad_time_slice);
    if (load32(r, vm_field::devices) & ~known_devices) return fail(Error::bad_devices);
    return {};
}

// Boot arguments go into the guest's device tree as a string: printable ASCII only.
Status<Error> check_bootargs(Bytes r) { return check_text(r, vm_field::bootargs, bootargs_bytes, Error::bad_bootargs); }

// The VMM holds its plan grants, then "vm", "memory", "exits" and one capability per vCPU;
// its startup page lists them all after its domain and thread (what it holds for the VM's
// port and partition follows them: check_links counts it).
Status<Error> check_vmm(Bytes plan, const Counts& c, Bytes r) {
    u32 vmm = load32(r, vm_field::vmm);
    if (vmm >= c.processes) return fail(Error::bad_vmm);
    Bytes p = process_record(plan, vmm);
    u64 caps = startup::first_grant_slot + u64(load32(p, process_field::grant_count)) + vm_build::vmm_caps +
               load32(r, vm_field::vcpus);
    if (caps > load32(p, process_field::cap_slots) || caps > startup::max_caps) return fail(Error::bad_vmm);
    return {};
}

Status<Error> check_vm(Bytes plan, const Counts& c, u32 index) {
    Bytes r = vm_record(plan, c, index);
    if (auto s = check_name(r, vm_field::name, Alphabet::plain); !s) return s;
    if (auto s = check_entry_name(r, vm_field::kernel, false); !s) return s;
    if (auto s = check_entry_name(r, vm_field::initrd, true); !s) return s;
    if (load32(r, vm_field::reserved)) return fail(Error::reserved_not_zero);
    if (auto s = check_vm_limits(r); !s) return s;
    if (auto s = check_harts(r, vm_harts); !s) return s;
    if (auto s = check_bootargs(r); !s) return s;
    return check_vmm(plan, c, r);
}

// VM names share the namespace of processes; no process is the VMM of two VMs.
Status<Error> check_vm_pairs(Bytes plan, const Counts& c, u32 index) {
    Bytes a = vm_record(plan, c, index);
    for (u32 p = 0; p < c.processes; ++p)
        if (str_equal(text(a, vm_field::name), text(process_record(plan, p), process_field::name)))
            return fail(Error::name_duplicate);
    for (u32 j = index + 1; j < c.vms; ++j) {
        Bytes b = vm_record(plan, c, j);
        if (str_equal(text(a, vm_field::name), text(b, vm_field::name))) return fail(Error::name_duplicate);
        if (load32(a, vm_field::vmm) == load32(b, vm_field::vmm)) return fail(Error::bad_vmm);
    }
    return {};
}

} // namespace

Status<Error> check_vms(Bytes plan, const Counts& c) {
    for (u32 i = 0; i < c.vms; ++i)
        if (auto s = check_vm(plan, c, i); !s) return s;
    for (u32 i = 0; i < c.vms; ++i)
        if (auto s = check_vm_pairs(plan, c, i); !s) return s;
    return {};
}

} // namespace detail

using namespace detail;

Bytes Plan::vm_record(u32 index) const {
    return detail::vm_record(plan_, Counts{processes_, endpoints_, grants_, vms_, 0, 0, 0}, index);
}

Result<Vm, Error> Plan::vm(u32 index) const {
    if (index >= vms_) return fail(Error::not_found);
    Bytes r = vm_record(index);
    return Vm{
        .name = text(r, layout::vm_field::name),
        .kernel = text(r, layout::vm_field::kernel),
        .initrd = text(r, layout::vm_field::initrd),
        .memory = load64(r, layout::vm_field::memory),
        .budget = load64(r, layout::vm_field::budget),
        .vcpus = load32(r, layout::vm_field::vcpus),
        .priority = load32(r, layout::vm_field::priority),
        .time_slice = load32(r, layout::vm_field::time_slice),
        .devices = load32(r, layout::vm_field::devices),
        .vmm = load32(r, layout::vm_field::vmm),
        .bootargs = text(r, layout::vm_field::bootargs),
        .harts = load_harts(r, vm_harts),
    };
}

Result<u32, Error> Plan::vm_of(u32 process) const {
    for (u32 i = 0; i < vms_; ++i)
        if (load32(vm_record(i), layout::vm_field::vmm) == process) return i;
    return fail(Error::not_found);
}

} // namespace isok::plan

// The machine's virtio-blk devices. The kernel gives the root, by name on its startup page,
// each virtio-mmio window ("virtio<k>", one page) and its interrupt line ("virtio<k>.irq").
// The root looks at each window's identification registers through a read-only mapping
// that it removes at once, and keeps the block devices in QEMU's command-line order.
#include "root.hpp"
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/format.hpp>
#include <isok/string.hpp>
#include <isok/virtio/device.hpp>
#include <isok/virtio/mmio.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;
namespace su = isok::startup;

// "virtio<k>" -> k; false for anything else ("virtio3.irq" included).
bool window_index(const char* name, u32& index) {
    const char prefix[] = "virtio";
    for (usize i = 0; i + 1 < sizeof prefix; ++i)
        if (name[i] != prefix[i]) return false;
    u64 k = 0;
    if (!isok::str_to_decimal(name + sizeof prefix - 1, 10000, k)) return false;
    index = u32(k);
    return true;
}

u32 read32(u64 offset) { return *reinterpret_cast<volatile const u32*>(device_window + offset); }

struct Identity {
    u32 magic, version, device;
};

bool identify(u64 memory, Identity& id) {
    Error e = sys::map(self_domain, memory, 0, device_window, 1, isok::abi::rights::read);
    if (e != Error::ok) return false;
    id = {read32(isok::virtio::reg_magic), read32(isok::virtio::reg_version), read32(isok::virtio::reg_device_id)};
    (void)sys::unmap(self_domain, device_window, 1);
    return true;
}

} // namespace

// QEMU's virt machine plugs the first -device into the virtio-mmio window at the highest
// address, the next one below it; the kernel numbers the windows in address order. So the
// n-th block device on QEMU's command line is the n-th from the highest k.
u32 find_block_devices(BlockDevice* out, u32 max) {
    const su::Info& own = isok::rt::startup_info();
    u32 found = 0;
    for (u64 c = 0; c < own.cap_count && c < su::max_caps; ++c) {
        const su::Cap& cap = own.caps[c];
        u32 k = 0;
        if (cap.kind != su::CapKind::memory || !window_index(cap.name, k)) continue;
        Identity id{};
        if (!identify(cap.slot, id)) {
            isok::rt::print("%s: cannot map its window to look at it\n", cap.name);
            continue;
        }
        if (id.magic != isok::virtio::magic || id.device != isok::virtio::device_block) continue;
        char irq_name[su::name_bytes];
        isok::format_to(irq_name, sizeof irq_name, "%s.irq", cap.name);
        BlockDevice d{k, cap.slot, isok::rt::cap_slot(irq_name, no_slot), id.version};
        // Insertion by descending k; the kernel lists at most a few dozen windows.
        usize at = found < max ? found : max;
        while (at > 0 && out[at - 1].index < k) {
            if (at < max) out[at] = out[at - 1];
            --at;
        }
        if (at < max) out[at] = d;
        if (found < max) ++found;
    }
    return found;
}

} // namespace root

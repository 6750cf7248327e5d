// Virtual disks. Each disk is served by one block service on one endpoint, charged to the
// service; its n-th virtio-blk device (QEMU's n-th -drive) goes to the n-th disk's service:
// the window and the interrupt line, named in its Links page. Each partition has a buffer
// shared by service and client, charged to the client and mapped read-write into both; the
// client calls the endpoint with a capability badged with the partition's place among the
// service's partitions + 1. A partition whose client was not built, or that cannot be made,
// is left out and said so; a disk without a device is served without one (the service says so).
#include "root.hpp"
#include <isok/rt/console.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/string.hpp>
#include <isok/virtio/mmio.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;
namespace rights = isok::abi::rights;
namespace su = isok::startup;
namespace links = isok::links;
using isok::abi::ObjectType;

constexpr u64 buffer_pages = links::buffer_bytes / page;

struct Service {
    const isok::plan::Disk* disk;
    Child* child;
    u64 endpoint = no_slot; // the root's capability
    u64 in_service = no_slot;
};

void give_device(Service& s, const BlockDevice* device) {
    if (!device) {
        isok::rt::print("disk '%s': no virtio-blk device on this machine (QEMU -drive file=F,if=none,format=raw,id=d0 "
                        "-device virtio-blk-device,drive=d0 -global virtio-mmio.force-legacy=false; isotool run --disk "
                        "F); '%s' starts without one\n",
                        s.disk->name, s.child->plan.name);
        return;
    }
    if (device->version != isok::virtio::version_modern)
        isok::rt::print("disk '%s': virtio%u is a legacy (version %u) device; QEMU needs -global "
                        "virtio-mmio.force-legacy=false\n",
                        s.disk->name, device->index, device->version);
    char name[su::name_bytes];
    link_cap_name(name, s.disk->name, ".device");
    s.child->links->device_memory =
        give_cap(*s.child, device->memory, rights::read | rights::write, 0, name, su::CapKind::memory);
    if (device->interrupt != no_slot) {
        link_cap_name(name, s.disk->name, ".irq");
        s.child->links->device_interrupt =
            give_cap(*s.child, device->interrupt, rights::control, 0, name, su::CapKind::interrupt);
    }
    isok::rt::print("disk '%s': virtio%u for '%s'\n", s.disk->name, device->index, s.child->plan.name);
}

bool say(const isok::plan::Partition& part, Error e, const char* what) {
    if (e == Error::ok) return true;
    isok::rt::print("partition '%s' is not made: %s: %s\n", part.name, what, isok::rt::error_name(e));
    return false;
}

void describe(links::Partition& to, const isok::plan::Partition& part, u64 first_sector, u32 index, u64 endpoint,
              u64 badge) {
    isok::str_copy(to.name, part.name, links::name_bytes);
    to.sectors = part.sectors;
    to.first_sector = first_sector;
    to.buffer = links::buffer_window + u64(index) * links::buffer_stride;
    to.buffer_bytes = links::buffer_bytes;
    to.endpoint = endpoint;
    to.badge = badge;
}

bool give_partition(Service& s, const isok::plan::Partition& part, Child& client, u64 buffer) {
    const u32 k = s.child->links->partition_count, j = client.links->partition_count;
    const u64 badge = u64(k) + 1;
    char name[su::name_bytes];
    link_cap_name(name, part.name, ".buffer");
    u64 s_buffer = give_cap(*s.child, buffer, rights::read | rights::write, 0, name, su::CapKind::memory);
    u64 c_endpoint = give_cap(client, s.endpoint, rights::write, badge, part.name, su::CapKind::endpoint);
    u64 c_buffer = give_cap(client, buffer, rights::read | rights::write, 0, name, su::CapKind::memory);
    if (s_buffer == no_slot || c_endpoint == no_slot || c_buffer == no_slot) return false;
    describe(s.child->links->partitions[k], part, part.first_sector, k, s.in_service, badge);
    describe(client.links->partitions[j], part, 0, j, c_endpoint, badge);
    ++s.child->links->partition_count;
    ++client.links->partition_count;
    return true;
}

void build_partition(Service& s, const isok::plan::Partition& part, Child* children) {
    Child& client = children[part.member];
    if (!client.ok) {
        isok::rt::print("partition '%s' is not made: '%s' was not built\n", part.name, client.plan.name);
        return;
    }
    if (!client.links || client.links->partition_count >= links::max_partitions ||
        s.child->links->partition_count >= links::max_partitions)
        return; // the plan reader refuses such plans
    const u64 k = s.child->links->partition_count, j = client.links->partition_count;
    u64 buffer = no_slot;
    LinkStep made = make_link_memory(
        buffer, client.domain, buffer_pages, "its buffer",
        {s.child->domain, links::buffer_window + k * links::buffer_stride, "mapping its buffer into the service"},
        {client.domain, links::buffer_window + j * links::buffer_stride, "mapping its buffer into the client"});
    bool ok = say(part, made.error, made.what) && give_partition(s, part, client, buffer);
    if (!ok && buffer != no_slot) (void)sys::destroy(buffer); // undoes the mappings, stales the copies
    slots::release(buffer);
}

// The disk's endpoint, its device and its partitions, when its service is there.
void build_disk(const isok::plan::Plan& plan, u32 index, Child* children, const BlockDevice* device) {
    auto disk = plan.disk(index);
    if (!disk) return;
    Service s{&*disk, &children[disk->service]};
    if (!s.child->ok || !s.child->links) {
        isok::rt::print("disk '%s' is not served: '%s' was not built\n", disk->name, s.child->plan.name);
        return;
    }
    Error e = slots::create(ObjectType::endpoint, s.endpoint, s.child->domain);
    if (e != Error::ok) {
        isok::rt::print("disk '%s' is not served: its endpoint: %s\n", disk->name, isok::rt::error_name(e));
        return;
    }
    s.in_service = give_cap(*s.child, s.endpoint, rights::read, 0, disk->name, su::CapKind::endpoint);
    if (s.in_service != no_slot) {
        give_device(s, device);
        for (u32 i = 0; i < plan.partition_count(); ++i) {
            auto part = plan.partition(i);
            if (part && part->disk == index) build_partition(s, *part, children);
        }
    }
    slots::release(s.endpoint); // the service and its clients hold theirs
}

} // namespace

void build_disks(const isok::plan::Plan& plan, Child* children) {
    if (plan.disk_count() == 0) return;
    BlockDevice devices[max_block_devices];
    const u32 found = find_block_devices(devices, max_block_devices);
    for (u32 d = 0; d < plan.disk_count(); ++d) build_disk(plan, d, children, d < found ? &devices[d] : nullptr);
}

} // namespace root

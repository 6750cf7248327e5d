// blockd: the block service of one disk. It drives the disk's virtio-blk device (the
// register window and interrupt line its Links page names) and serves the partitions
// listed there, all on one endpoint, one call at a time:
//   receive (label Op, badge = partition) -> BlockService::handle -> reply_receive
//   with (Status, sectors, buffer bytes).
// Start-up: map the window, make DMA memory of its own (one control page and a 128 KiB
// bounce buffer, smaller when the budget cannot cover it; physical address from
// memory_info), bind a notification to the interrupt, bring the device up, take the
// partitions that fit the disk. It prints "blockd: disk <sectors> sectors, <n>
// partitions", one line per partition, and ends with a message when the device is not
// a usable modern virtio-blk device (a legacy one: QEMU needs
// -global virtio-mmio.force-legacy=false).
// Device I/O is synchronous: while a request waits for the disk, callers queue on the
// endpoint. Everything but the system calls is in isok_block and unit-tested on the host.
#include <blockd/block_service.hpp>
#include <blockd/partition_table.hpp>
#include <blockd/virtio_blk_driver.hpp>
#include <isok/links.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>

using namespace isok;
using rt::Error;

namespace {

// Where blockd maps what it makes for itself, clear of the windows the root uses.
constexpr u64 window_address = 0x800000000; // the device's 4 KiB register window
constexpr u64 dma_address = 0x800100000;    // control page, then the bounce buffer
constexpr u64 page_bytes = 4096;
constexpr u64 bounce_pages = links::buffer_bytes / page_bytes; // a whole shared buffer per device request

// Device registers: `fence w,o` orders DMA memory written before a register write that
// hands it to the device; `fence i,r` orders a register read before the memory reads
// it vouches for.
class WindowRegisters final : public blockd::MmioRegisters {
public:
    u32 read(u64 offset) override {
        u32 value = *reinterpret_cast<volatile u32*>(window_address + offset);
        asm volatile("fence i, r" ::: "memory");
        return value;
    }
    void write(u64 offset, u32 value) override {
        asm volatile("fence w, o" ::: "memory");
        *reinterpret_cast<volatile u32*>(window_address + offset) = value;
    }
};

// The interrupt line signals a notification of ours; it stays masked until acknowledged.
class NotifiedInterrupt final : public blockd::InterruptLine {
public:
    u64 interrupt = abi::no_slot;
    u64 notification = abi::no_slot;

    bool wait() override { return rt::sys::wait(notification).error == Error::ok; }
    void acknowledge() override {
        if (Error e = rt::sys::interrupt_ack(interrupt); e != Error::ok)
            rt::print("blockd: acknowledging the interrupt failed: %s\n", rt::error_name(e));
    }
};

void console_line(void*, const char* line) { rt::print("%s\n", line); }

// Creates an object in the highest free slot (the root fills them from the bottom);
// the slot, or abi::no_slot with the error.
u64 create_in_free_slot(abi::ObjectType type, u64 arg, Error& e) {
    e = Error::slot_in_use;
    for (u64 slot = rt::startup_info().cap_slots; slot-- > startup::first_grant_slot;) {
        e = rt::sys::create(type, slot, startup::self_domain_slot, arg);
        if (e == Error::ok) return slot;
        if (e != Error::slot_in_use && e != Error::bad_slot) break;
    }
    return abi::no_slot;
}

// Memory the device reaches by DMA: one page for the rings, then the bounce buffer,
// which shrinks (and requests go in more pieces) when the budget cannot cover it.
blockd::DmaArea make_dma() {
    for (u64 pages = 1 + bounce_pages; pages >= 2; pages = 1 + (pages - 1) / 2) {
        Error e;
        u64 slot = create_in_free_slot(abi::ObjectType::memory, pages, e);
        if (e == Error::no_budget || e == Error::no_memory) continue;
        if (e != Error::ok) rt::fatal("blockd: cannot create DMA memory: %s\n", rt::error_name(e));
        e = rt::sys::map(startup::self_domain_slot, slot, 0, dma_address, pages, abi::rights::read | abi::rights::write);
        if (e == Error::no_budget || e == Error::no_memory) {
            (void)rt::sys::destroy(slot);
            continue;
        }
        if (e != Error::ok) rt::fatal("blockd: cannot map DMA memory: %s\n", rt::error_name(e));
        auto info = rt::sys::memory_info(slot);
        if (info.error != Error::ok || info.pages < pages)
            rt::fatal("blockd: no physical address for DMA memory: %s\n", rt::error_name(info.error));
        if (pages < 1 + bounce_pages) rt::print("blockd: budget allows a %lu KiB bounce buffer only\n", (pages - 1) * 4);
        return {reinterpret_cast<u8*>(dma_address), info.physical, pages * page_bytes};
    }
    rt::fatal("blockd: no budget for two pages of DMA memory\n");
}

const links::Links& links_page() {
    const auto& l = *reinterpret_cast<const links::Links*>(links::address);
    if (l.magic != links::magic) rt::fatal("blockd: no Links page at %lx\n", links::address);
    if (l.device_memory == abi::no_slot || l.device_interrupt == abi::no_slot)
        rt::fatal("blockd: the Links page names no disk device\n");
    return l;
}

void bind_interrupt(NotifiedInterrupt& irq, u64 interrupt) {
    Error e;
    irq.interrupt = interrupt;
    irq.notification = create_in_free_slot(abi::ObjectType::notification, 0, e);
    if (e != Error::ok) rt::fatal("blockd: cannot create a notification: %s\n", rt::error_name(e));
    if (e = rt::sys::interrupt_bind(interrupt, irq.notification); e != Error::ok)
        rt::fatal("blockd: cannot bind the disk's interrupt: %s\n", rt::error_name(e));
}

int serve(blockd::BlockService& service, u64 endpoint) {
    rt::Message m;
    Error e = rt::receive(endpoint, m);
    for (;;) {
        if (e != Error::ok) {
            rt::print("blockd: receive failed: %s\n", rt::error_name(e));
            return 1;
        }
        blockd::Reply r = service.handle({m.badge(), m.label(), m.word(0), m.word(1), m.word(2)});
        rt::Message reply(0, 3);
        reply.regs[0] = u64(r.status);
        reply.regs[1] = r.word1;
        reply.regs[2] = r.word2;
        e = rt::reply_receive(endpoint, reply);
        m = reply;
    }
}

} // namespace

int main(const startup::Info&) {
    const links::Links& l = links_page();
    if (Error e = rt::sys::map(startup::self_domain_slot, l.device_memory, 0, window_address, 1,
                               abi::rights::read | abi::rights::write);
        e != Error::ok)
        rt::fatal("blockd: cannot map the device window: %s\n", rt::error_name(e));
    static WindowRegisters registers;
    static NotifiedInterrupt irq;
    bind_interrupt(irq, l.device_interrupt);
    static blockd::VirtioBlkDriver driver(registers, irq, make_dma());
    if (auto s = driver.start(); !s) rt::fatal("blockd: cannot use the disk: %s\n", blockd::describe(s.error()));

    static blockd::Log log(console_line, nullptr);
    static blockd::PartitionTable table;
    table.load(l, driver.sectors(), log);
    log.line("blockd: disk %lu sectors, %zu partitions", driver.sectors(), table.count());
    log.line("blockd: flush %s, %s, %lu KiB per device request", driver.can_flush() ? "supported" : "not needed",
             driver.read_only() ? "read-only" : "writable", driver.buffer_bytes() / KiB);
    table.report(log);
    if (table.count() == 0) {
        log.line("blockd: no partitions to serve");
        return 0;
    }
    static blockd::BlockService service(driver, table, log);
    return serve(service, table.endpoint());
}

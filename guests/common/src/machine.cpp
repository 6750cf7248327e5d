// Device tree and command line reading for the test guests.
#include <isok/fdt.hpp>
#include <isok/guest/machine.hpp>
#include <isok/string.hpp>

namespace isok::guest {
namespace {

using fdt::Node;

constexpr u64 max_blob = 2 * MiB;

// The first string of a compatible list is the most specific one.
void copy_first_string(const fdt::Property& p, char* out, usize size) {
    Bytes v = p.value();
    usize n = 0;
    while (n + 1 < size && n < v.size() && v.data()[n]) {
        out[n] = char(v.data()[n]);
        ++n;
    }
    out[n] = 0;
}

void read_device(const Node& node, Machine& m) {
    auto compatible = node.property("compatible");
    auto reg = node.reg(0);
    if (!compatible || !reg || m.device_count == Machine::max_devices) return;
    Device& d = m.devices[m.device_count++];
    d.reg = {reg->address, reg->size};
    copy_first_string(*compatible, d.compatible, sizeof d.compatible);
}

bool is_digit(char c, u64 radix, u64& digit) {
    if (c >= '0' && c <= '9') digit = u64(c - '0');
    else if (c >= 'a' && c <= 'f') digit = u64(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') digit = u64(c - 'A' + 10);
    else return false;
    return digit < radix;
}

} // namespace

const Device* Machine::find(const char* name) const {
    for (u32 i = 0; i < device_count; ++i)
        if (str_equal(devices[i].compatible, name)) return &devices[i];
    return nullptr;
}

bool Machine::lists(u64 address) const {
    for (u32 i = 0; i < device_count; ++i)
        if (address >= devices[i].reg.base && address - devices[i].reg.base < devices[i].reg.size) return true;
    return false;
}

const char* read_device_tree(u64 hart, u64 dtb, Machine& m) {
    m.hart = hart;
    u32 total = 0;
    if (!Bytes(reinterpret_cast<const u8*>(dtb), 8).be32(4, total) || total > max_blob) return "implausible size";
    auto tree = fdt::Tree::open(Bytes(reinterpret_cast<const u8*>(dtb), total));
    if (!tree) return fdt::describe(tree.error());

    tree->for_each_node([&](const Node& n) {
        auto type = n.property("device_type");
        if (type && type->has_string("memory")) {
            if (auto reg = n.reg(0); reg && m.ram.size == 0) m.ram = {reg->address, reg->size};
        } else if (type && type->has_string("cpu")) {
            if (!n.is_enabled()) return;
            if (auto reg = n.reg(0); reg && m.cpus < Machine::max_cpus) m.hart_ids[m.cpus] = reg->address;
            ++m.cpus;
        } else if (n.is_enabled()) {
            read_device(n, m);
        }
    });
    if (auto cpus = tree->find("/cpus"))
        if (auto tb = cpus->property("timebase-frequency"); tb && tb->number()) m.timebase_hz = *tb->number();
    if (auto chosen = tree->find("/chosen"))
        if (auto args = chosen->property("bootargs"); args && args->string())
            str_copy(m.bootargs, *args->string(), sizeof m.bootargs);
    if (m.ram.size == 0) return "no memory node";
    if (m.cpus == 0) return "no enabled cpu";
    return nullptr;
}

bool arg(const char* bootargs, const char* key, char* out, usize size) {
    usize key_length = str_length(key);
    for (const char* p = bootargs; *p;) {
        while (*p == ' ') ++p;
        const char* end = p;
        while (*end && *end != ' ') ++end;
        if (usize(end - p) > key_length && str_starts_with(p, key) && p[key_length] == '=') {
            const char* value = p + key_length + 1;
            usize n = 0;
            for (; n + 1 < size && value + n < end; ++n) out[n] = value[n];
            if (size) out[n] = 0;
            return true;
        }
        p = end;
    }
    return false;
}

bool arg_number(const char* bootargs, const char* key, u64& out) {
    char text[24];
    if (!arg(bootargs, key, text, sizeof text)) return false;
    const char* p = text;
    u64 radix = 10, digit = 0, value = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) radix = 16, p += 2;
    if (!*p) return false;
    for (; *p; ++p) {
        if (!is_digit(*p, radix, digit) || value > (~u64(0) - digit) / radix) return false;
        value = value * radix + digit;
    }
    out = value;
    return true;
}

} // namespace isok::guest

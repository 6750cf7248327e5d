// MAC and IPv4 address types: parsing is strict, formatting round-trips.
#include <gtest/gtest.h>
#include <isok/net/ipv4_addr.hpp>
#include <isok/net/mac_addr.hpp>

#include <string>

using isok::u8;
using namespace isok::net;

namespace {

bool mac_ok(const std::string& s) { return parse_mac(s.data(), s.size()).ok(); }
bool ip_ok(const std::string& s) { return parse_ipv4_addr(s.data(), s.size()).ok(); }
bool interface_ok(const std::string& s) { return parse_ipv4_interface(s.data(), s.size()).ok(); }

} // namespace

TEST(NetAddress, ParsesAndFormatsMac) {
    std::string text = "02:00:0a:FF:00:01";
    auto mac = parse_mac(text.data(), text.size());
    ASSERT_TRUE(mac.ok());
    EXPECT_EQ(mac->octets[0], 0x02);
    EXPECT_EQ(mac->octets[3], 0xff);
    EXPECT_EQ(mac->octets[5], 0x01);
    char out[mac_text_bytes];
    format_mac(*mac, out);
    EXPECT_STREQ(out, "02:00:0a:ff:00:01");
}

TEST(NetAddress, RefusesMalformedMac) {
    for (const char* bad : {"", "02:00:00:00:00", "02:00:00:00:00:01:", "02-00-00-00-00-01", "02:00:00:00:00:0g",
                            "2:00:00:00:00:001", "02:00:00:00:00:01 ", " 02:00:00:00:00:01", "02:00:00:00:0001"})
        EXPECT_FALSE(mac_ok(bad)) << bad;
    // A parse reads only `length` bytes: the prefix of a valid text is not valid.
    EXPECT_FALSE(parse_mac("02:00:00:00:00:01", 16).ok());
}

TEST(NetAddress, MacKinds) {
    EXPECT_TRUE(MacAddr::broadcast().is_broadcast());
    EXPECT_TRUE(MacAddr::broadcast().is_group());
    EXPECT_TRUE((MacAddr{{0x01, 0x00, 0x5e, 0, 0, 1}}).is_group());
    EXPECT_FALSE((MacAddr{{0x02, 0, 0, 0, 0, 1}}).is_group());
    EXPECT_TRUE(MacAddr{}.is_zero());
    u8 wire[6];
    MacAddr m{{1, 2, 3, 4, 5, 6}};
    m.store(wire);
    EXPECT_EQ(MacAddr::load(wire), m);
}

TEST(NetAddress, ParsesAndFormatsIpv4) {
    std::string text = "10.0.255.3";
    auto a = parse_ipv4_addr(text.data(), text.size());
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->value, 0x0a00ff03u);
    char out[ipv4_text_bytes];
    format_ipv4(*a, out);
    EXPECT_EQ(std::string(out), text);
    format_ipv4(Ipv4Addr::broadcast(), out);
    EXPECT_STREQ(out, "255.255.255.255");
    format_ipv4(Ipv4Addr{}, out);
    EXPECT_STREQ(out, "0.0.0.0");
    u8 wire[4];
    a->store(wire);
    EXPECT_EQ(wire[0], 10);
    EXPECT_EQ(wire[3], 3);
    EXPECT_EQ(Ipv4Addr::load(wire), *a);
}

TEST(NetAddress, RefusesMalformedIpv4) {
    for (const char* bad : {"", "10", "10.0.0", "10.0.0.", "10.0.0.1.", "10.0.0.256", "10.0.0.1000", "010.0.0.1",
                            "10..0.1", "a.b.c.d", "10.0.0.-1", " 10.0.0.1", "10.0.0.1 ", "10.0.0.1/24", "1.2.3.4.5"})
        EXPECT_FALSE(ip_ok(bad)) << bad;
    EXPECT_TRUE(ip_ok("0.0.0.0"));
    EXPECT_TRUE(ip_ok("255.255.255.255"));
}

TEST(NetAddress, ParsesInterface) {
    std::string text = "10.0.0.3/24";
    auto i = parse_ipv4_interface(text.data(), text.size());
    ASSERT_TRUE(i.ok());
    EXPECT_EQ(i->address.value, 0x0a000003u);
    EXPECT_EQ(i->prefix_length, 24);
    EXPECT_EQ(i->mask(), 0xffffff00u);
    EXPECT_TRUE(i->on_link(Ipv4Addr{0x0a0000fe}));
    EXPECT_FALSE(i->on_link(Ipv4Addr{0x0a000103}));
    EXPECT_EQ(i->subnet_broadcast().value, 0x0a0000ffu);
    for (const char *bad :
         {"10.0.0.3", "10.0.0.3/", "10.0.0.3/33", "10.0.0.3/024", "10.0.0.3/2a", "/24", "10.0.0.3/24/"})
        EXPECT_FALSE(interface_ok(bad)) << bad;
    EXPECT_EQ(parse_ipv4_interface("0.0.0.0/0", 9)->mask(), 0u);
    EXPECT_EQ(parse_ipv4_interface("1.2.3.4/32", 10)->subnet_broadcast().value, 0x01020304u);
}

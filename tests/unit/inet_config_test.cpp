// The IPv4 endpoint's args: every key, defaults, and each kind of bad word reported at
// its position.
#include <gtest/gtest.h>
#include <inet/config.hpp>

#include <string>

using namespace isok::inet;

namespace {

isok::Result<Config, ArgsError> parse(const std::string& s) { return parse_args(s.data(), s.size()); }

} // namespace

TEST(InetConfig, FullArgs) {
    auto c = parse("ip=10.0.0.3/24 ping=10.0.0.1,10.0.0.2  echo=7007\tsink=9000 barrier=3");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->interface.address.value, 0x0a000003u);
    EXPECT_EQ(c->interface.prefix_length, 24);
    ASSERT_EQ(c->peer_count, 2u);
    EXPECT_EQ(c->peers[0].value, 0x0a000001u);
    EXPECT_EQ(c->peers[1].value, 0x0a000002u);
    EXPECT_EQ(c->echo_port, 7007);
    EXPECT_EQ(c->sink_port, 9000);
    EXPECT_EQ(c->barrier, 3u);
}

TEST(InetConfig, Defaults) {
    auto c = parse("  ip=192.168.1.2/16  ");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->peer_count, 0u);
    EXPECT_EQ(c->echo_port, 7);
    EXPECT_EQ(c->sink_port, 0);
    EXPECT_EQ(c->barrier, 0u);
    EXPECT_TRUE(parse("ip=10.0.0.3/24 echo=0").ok()) << "port 0 turns the echo server off";
}

TEST(InetConfig, BadWordsAreLocated) {
    struct Case {
        const char* text;
        ArgsProblem problem;
        const char* word;
    };
    for (const Case& k : {
             Case{"", ArgsProblem::no_ip, ""},
             Case{"ping=10.0.0.1", ArgsProblem::no_ip, ""},
             Case{"ip=10.0.0.3", ArgsProblem::bad_value, "ip=10.0.0.3"},
             Case{"ip=10.0.0.3/24 ip", ArgsProblem::not_key_value, "ip"},
             Case{"ip=10.0.0.3/24 mtu=9000", ArgsProblem::unknown_key, "mtu=9000"},
             Case{"ip=0.0.0.0/24", ArgsProblem::bad_value, "ip=0.0.0.0/24"},
             Case{"ip=10.0.0.3/24 echo=65536", ArgsProblem::bad_value, "echo=65536"},
             Case{"ip=10.0.0.3/24 sink=-1", ArgsProblem::bad_value, "sink=-1"},
             Case{"ip=10.0.0.3/24 sink=", ArgsProblem::bad_value, "sink="},
             Case{"ip=10.0.0.3/24 barrier=65", ArgsProblem::bad_value, "barrier=65"},
             Case{"ip=10.0.0.3/24 barrier=99999999999", ArgsProblem::bad_value, "barrier=99999999999"},
             Case{"ip=10.0.0.3/24 ping=10.0.0.1,", ArgsProblem::bad_value, "ping=10.0.0.1,"},
             Case{"ip=10.0.0.3/24 ping=", ArgsProblem::bad_value, "ping="},
             Case{"ip=10.0.0.3/24 ping=1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,1.1.1.6,1.1.1.7,1.1.1.8,1.1.1.9",
                  ArgsProblem::too_many_peers, nullptr},
             Case{"=5 ip=10.0.0.3/24", ArgsProblem::unknown_key, "=5"},
         }) {
        std::string text = k.text;
        auto c = parse(text);
        ASSERT_FALSE(c.ok()) << text;
        EXPECT_EQ(c.error().problem, k.problem) << text;
        if (k.word) {
            EXPECT_EQ(text.substr(c.error().offset, c.error().length), k.word) << text;
        }
        EXPECT_NE(describe(c.error().problem), nullptr);
    }
}

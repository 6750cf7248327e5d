// One screen for every writer: whole lines stay whole, a line another writer interrupts
// goes on later under its own prefix, unfinished lines show at once, and writer markers
// split between two reads of the log are understood.
#include <consoled/multiplexer.hpp>
#include <gtest/gtest.h>
#include <string>

namespace {

using consoled::Multiplexer;

class StringScreen final : public consoled::Screen {
public:
    void write(const char* text, isok::usize length) override { out.append(text, length); }
    std::string out;
};

std::string marker(isok::u32 id) {
    std::string m(1, char(isok::abi::console_log_writer));
    for (int shift = 0; shift < 32; shift += 8) m += char((id >> shift) & 0xff);
    return m;
}

struct MultiplexerTest : ::testing::Test {
    StringScreen screen;
    Multiplexer mux{screen};
    void log(const std::string& s) { mux.log(s.data(), s.size()); }
};

TEST_F(MultiplexerTest, WholeLinesOfDifferentWritersPassUnchanged) {
    log(marker(3) + "[a] one\n" + marker(4) + "[b] two\n" + marker(3) + "[a] three\n");
    EXPECT_EQ(screen.out, "[a] one\n[b] two\n[a] three\n");
}

TEST_F(MultiplexerTest, AnInterruptedLineEndsAndGoesOnUnderItsPrefix) {
    log(marker(3) + "[vm1] echo> ");
    EXPECT_EQ(screen.out, "[vm1] echo> ") << "a prompt shows at once";
    log(marker(4) + "[vm2] booting\n");
    log(marker(3) + "alpha\n");
    EXPECT_EQ(screen.out, "[vm1] echo> \n[vm2] booting\n[vm1] alpha\n");
}

TEST_F(MultiplexerTest, ALineThatGoesOnUninterruptedGetsNoSecondPrefix) {
    log(marker(3) + "[vm1] echo> ");
    log(marker(3) + "a");
    log("b\n");
    EXPECT_EQ(screen.out, "[vm1] echo> ab\n");
}

TEST_F(MultiplexerTest, TheServicesOwnWordsTakeTurnsLikeAnyWriter) {
    log(marker(3) + "[echo] echo> ");
    const std::string said = "[console] focus: echo\n";
    mux.write(Multiplexer::self, said.data(), said.size());
    log(marker(3) + "hi\n");
    EXPECT_EQ(screen.out, "[echo] echo> \n[console] focus: echo\n[echo] hi\n");
}

TEST_F(MultiplexerTest, AMarkerSplitBetweenReadsIsUnderstood) {
    std::string m = marker(0x01020304);
    log(m.substr(0, 2));
    log(m.substr(2) + "[x] whole\n");
    log(marker(5) + "[y] other\n");
    EXPECT_EQ(screen.out, "[x] whole\n[y] other\n");
}

TEST_F(MultiplexerTest, ALineWithoutAPrefixGoesOnWithoutOne) {
    log(marker(3) + "no prefix ");
    log(marker(4) + "[b] x\n");
    log(marker(3) + "here\n");
    EXPECT_EQ(screen.out, "no prefix \n[b] x\nhere\n");
}

TEST_F(MultiplexerTest, ManyWritersEvictTheOldestWithoutMixingLines) {
    for (isok::u32 id = 1; id <= Multiplexer::max_writers + 10; ++id)
        log(marker(id) + "[w" + std::to_string(id) + "] begun ");
    log(marker(1) + "end\n"); // writer 1 was evicted: its line goes on without a prefix
    std::string last = screen.out.substr(screen.out.rfind("begun ") + 6);
    EXPECT_EQ(last, "\nend\n");
}

} // namespace

// The benchmark system (`make bench`): it prints its figures as lines of exactly
// "BENCH <name> <value> <unit>". Only presence and form are checked here, not values.
#include "system_test.hpp"

#include <cstdio>
#include <map>
#include <regex>
#include <sstream>

using namespace isok::test;

namespace {
class BenchTest : public SystemTest {};
} // namespace

namespace {

// name -> (value, unit) for every BENCH line, in order; a malformed BENCH line fails.
std::map<std::string, std::pair<std::string, std::string>> bench_lines(const std::string& text) {
    std::map<std::string, std::pair<std::string, std::string>> lines;
    std::istringstream in(text);
    std::string line;
    const std::regex form(R"(BENCH ([a-z0-9_]+) ([0-9]+(\.[0-9]+)?) ([a-z]+))");
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind("BENCH", 0) != 0) continue;
        std::smatch m;
        EXPECT_TRUE(std::regex_match(line, m, form)) << "malformed: '" << line << "'";
        if (!m.empty()) lines[m[1]] = {m[2], m[4]};
    }
    return lines;
}

void expect_all_figures(const std::map<std::string, std::pair<std::string, std::string>>& lines) {
    EXPECT_EQ(lines.size(), 4u);
    for (const char* name : {"null_syscall", "ipc_call_reply", "ipc_call_reply_256b"}) {
        auto it = lines.find(name);
        ASSERT_NE(it, lines.end()) << name;
        EXPECT_TRUE(std::regex_match(it->second.first, std::regex("[1-9][0-9]*"))) << name << " " << it->second.first;
        EXPECT_EQ(it->second.second, "instructions") << name;
    }
    auto ratio = lines.find("ipc_null_ratio");
    ASSERT_NE(ratio, lines.end());
    EXPECT_TRUE(std::regex_match(ratio->second.first, std::regex("[0-9]+\\.[0-9]{2}"))) << ratio->second.first;
    EXPECT_EQ(ratio->second.second, "x");
}

} // namespace

TEST_F(BenchTest, BenchSystemPrintsEveryFigureWellFormed) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = ISOK_BENCH_IMAGE_PATH;
    c.harts = 1;
    c.until = "[bench] done";
    c.timeout = std::chrono::seconds(120);
    QemuRun run = boot(c);
    ASSERT_TRUE(run.reached_until);
    expect_all_figures(bench_lines(run.console));
}

TEST_F(BenchTest, MakeBenchScriptPrintsOnlyTheBenchLines) {
    std::string command = std::string(ISOK_BENCH_SCRIPT) + " " + ISOK_BUILD_DIR + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    int status = pclose(pipe);
    SCOPED_TRACE(out);
    EXPECT_EQ(status, 0);
    std::istringstream in(out);
    int lines = 0;
    for (std::string line; std::getline(in, line); ++lines) EXPECT_EQ(line.rfind("BENCH ", 0), 0u) << line;
    EXPECT_EQ(lines, 4);
    expect_all_figures(bench_lines(out));
}

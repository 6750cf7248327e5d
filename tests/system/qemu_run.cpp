// QEMU runner for system tests: fork/exec with pipes, a poll loop with a deadline,
// optional console input, and a kill at the timeout so that a hang is a failure.
#include "qemu_run.hpp"

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <regex>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace isok::test {
namespace {

std::vector<std::string> qemu_arguments(const QemuConfig& c) {
    std::vector<std::string> a = {"qemu-system-riscv64", "-M", "virt", "-bios", "default", "-m", c.memory,
                                  "-smp", std::to_string(c.harts)};
    if (c.parallel) a.insert(a.end(), {"-accel", "tcg,thread=multi"});
    else a.insert(a.end(), {"-icount", c.skip_idle ? "shift=0,sleep=off" : "shift=0"});
    a.insert(a.end(), {"-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot", "-kernel", c.kernel});
    if (!c.boot_image.empty()) a.insert(a.end(), {"-initrd", c.boot_image});
    if (!c.bootargs.empty()) a.insert(a.end(), {"-append", c.bootargs});
    a.insert(a.end(), c.extra.begin(), c.extra.end());
    return a;
}

[[noreturn]] void exec_child(const std::vector<std::string>& args, int in_fd, int out_fd) {
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    std::vector<char*> argv;
    for (const auto& s : args) argv.push_back(const_cast<char*>(s.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
}

// Whether `text` has appeared (with c.whole_lines: and its line has ended).
bool appeared(const QemuConfig& c, const QemuRun& run, const std::string& text) {
    auto at = run.console.find(text);
    if (at == std::string::npos) return false;
    return !c.whole_lines || run.console.find('\n', at + text.size()) != std::string::npos;
}

// Whether everything the run waits for has appeared (nothing to wait for: never).
bool reached(const QemuConfig& c, const QemuRun& run) {
    if (c.until.empty() && c.until_all.empty()) return false;
    if (!c.until.empty() && !appeared(c, run, c.until)) return false;
    for (const auto& text : c.until_all)
        if (!appeared(c, run, text)) return false;
    return true;
}

std::string join(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
    return s;
}

} // namespace

QemuRun run_qemu(const QemuConfig& config) {
    QemuRun run;
    auto args = qemu_arguments(config);
    run.command = join(args);
    int in_pipe[2], out_pipe[2];
    if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) {
        run.console = "cannot create pipes: " + std::string(strerror(errno));
        return run;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(in_pipe[1]);
        close(out_pipe[0]);
        exec_child(args, in_pipe[0], out_pipe[1]);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
    // Typing never blocks the loop: QEMU takes input only as fast as the guest's UART
    // does, and must be read from meanwhile.
    fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);

    std::vector<QemuConfig::Typing> steps;
    if (!config.input.empty()) steps.push_back({config.input_after, config.input});
    steps.insert(steps.end(), config.typing.begin(), config.typing.end());
    std::size_t next_step = 0, search_from = 0;
    std::string typing; // what is still to be written of the current step

    auto deadline = std::chrono::steady_clock::now() + config.timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            run.timed_out = true;
            kill(pid, SIGKILL);
            break;
        }
        pollfd p{out_pipe[0], POLLIN, 0};
        if (poll(&p, 1, int(std::min<long>(left.count(), 200))) > 0) {
            char buf[4096];
            ssize_t n = read(out_pipe[0], buf, sizeof buf);
            if (n > 0) run.console.append(buf, size_t(n));
            else if (n == 0) break; // QEMU closed its output: it is exiting
        }
        if (reached(config, run)) {
            run.reached_until = true;
            kill(pid, SIGKILL);
            break;
        }
        if (typing.empty() && next_step < steps.size() &&
            run.console.find(steps[next_step].after, search_from) != std::string::npos) {
            typing = steps[next_step++].text;
            search_from = run.console.size();
        }
        if (!typing.empty()) {
            ssize_t n = write(in_pipe[1], typing.data(), typing.size());
            if (n > 0) typing.erase(0, size_t(n));
        }
    }
    close(in_pipe[1]);
    close(out_pipe[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!run.timed_out && WIFEXITED(status)) run.exit = WEXITSTATUS(status);
    return run;
}

std::vector<std::string> QemuRun::match(const std::string& regex) const {
    std::smatch m;
    std::vector<std::string> groups;
    if (std::regex_search(console, m, std::regex(regex)))
        for (const auto& g : m) groups.push_back(g.str());
    return groups;
}

std::vector<std::string> QemuRun::lines_of(const std::string& name) const {
    std::vector<std::string> lines;
    std::istringstream in(console);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("[" + name + "] ", 0) == 0) lines.push_back(line);
    return lines;
}

std::string QemuRun::report() const {
    std::ostringstream o;
    o << "command: " << command << "\n"
      << "exit: "
      << (exit ? std::to_string(*exit)
               : timed_out ? "killed at the timeout" : reached_until ? "stopped at the expected output" : "killed")
      << "\n"
      << "---- console ----\n"
      << console << "\n---- end of console ----\n";
    return o.str();
}

} // namespace isok::test

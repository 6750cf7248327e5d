// Boots a system image in QEMU, under -icount shift=0 unless asked for parallel harts,
// and captures its serial console.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace isok::test {

struct QemuConfig {
    std::string kernel;
    std::string boot_image;        // loaded as the initrd; empty for none
    std::string bootargs;          // -append
    std::string memory = "256M";
    int harts = 2;
    // Harts in parallel (multi-threaded TCG, no -icount): real concurrency, but neither
    // instruction counts nor interleavings repeat from run to run.
    bool parallel = false;
    // Under -icount, skip idle time (sleep=off): when every hart waits, virtual time jumps
    // to the next deadline instead of following the host's clock, so a timer measured in
    // the guest does not depend on how busy the host is. Not for a system that waits for
    // the host (typed input, a disk's I/O): its timeouts would pass at once.
    bool skip_idle = false;
    std::vector<std::string> extra; // further QEMU arguments (e.g. -cpu, -dtb)
    std::chrono::seconds timeout{60};
    // Typed on the console once `input_after` has appeared in the output.
    std::string input_after;
    std::string input;
    // Typed in turn, as a person would: each text once its `after` has appeared in the
    // output since the previous text was typed (after `input`, when there is one).
    struct Typing {
        std::string after;
        std::string text;
    };
    std::vector<Typing> typing;
    // Stop QEMU as soon as this appears (for systems that run forever); empty: run to exit.
    std::string until;
    // ... or as soon as all of these have appeared, in any order (with `until`, too).
    std::vector<std::string> until_all;
    // The texts above count only once the line they are on has ended, so that a text
    // may be the start of a line whose rest the test reads too.
    bool whole_lines = false;
};

struct QemuRun {
    std::string console;     // everything QEMU wrote to the serial console
    std::optional<int> exit; // QEMU's exit status; empty when killed at the timeout
    bool timed_out = false;
    bool reached_until = false; // stopped because `until` appeared
    std::string command;     // the command line, for reports

    bool contains(const std::string& text) const { return console.find(text) != std::string::npos; }
    // How often text occurs in the console (occurrences that do not overlap).
    std::size_t count(const std::string& text) const {
        std::size_t n = 0;
        for (auto at = console.find(text); at != std::string::npos; at = console.find(text, at + text.size())) ++n;
        return n;
    }
    // The first match of regex in the console, with its capture groups (empty when none).
    std::vector<std::string> match(const std::string& regex) const;
    // Every line of the console written by `name`: those that start with "[name] ".
    std::vector<std::string> lines_of(const std::string& name) const;
    // A human-readable account of the run, printed when a check fails.
    std::string report() const;
};

QemuRun run_qemu(const QemuConfig& config);

} // namespace isok::test

// Typed input, for a process that the manifest lists among the console's inputs: the
// bytes typed while it has focus (isok/console.hpp), as they were typed (no echo, no
// line editing: the program does what a terminal program does).
#pragma once
#include <isok/rt/syscall.hpp>

namespace isok::rt {

struct InputRead {
    Error error; // no_rights when the process takes no input (no "console" capability)
    usize bytes;
};

// Waits until something was typed to this process, then moves up to max bytes to buffer.
InputRead read_input(void* buffer, usize max);

} // namespace isok::rt

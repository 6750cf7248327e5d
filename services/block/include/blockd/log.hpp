// Where the block service's lines go: the console on the target, a vector in unit tests.
#pragma once
#include <isok/types.hpp>

namespace isok::blockd {

class Log {
public:
    using Output = void (*)(void* context, const char* line);

    Log() = default;
    Log(Output output, void* context) : output_(output), context_(context) {}

    // One line, printf-style (isok::format), without the newline; long lines are cut.
    void line(const char* fmt, ...) __attribute__((format(printf, 2, 3)));

private:
    Output output_ = nullptr;
    void* context_ = nullptr;
};

} // namespace isok::blockd

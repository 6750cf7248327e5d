// Formats a service line into a bounded buffer and hands it to the output.
#include <blockd/log.hpp>
#include <isok/format.hpp>

namespace isok::blockd {

void Log::line(const char* fmt, ...) {
    if (!output_) return;
    char text[200];
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    (void)vformat_to(text, sizeof text, fmt, args);
    __builtin_va_end(args);
    output_(context_, text);
}

} // namespace isok::blockd

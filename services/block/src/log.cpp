// Formats a service line into a bounded buffer and hands it to the output.
#include <blockd/log.hpp>
#include <isok/format.hpp>

namespace isok::blockd {
namespace {

struct Sink {
    char* text;
    usize size;
    usize used;
};

void put(void* context, char c) {
    auto* s = static_cast<Sink*>(context);
    if (s->used + 1 < s->size) s->text[s->used++] = c;
}

} // namespace

void Log::line(const char* fmt, ...) {
    if (!output_) return;
    char text[200];
    Sink sink{text, sizeof text, 0};
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    (void)vformat(put, &sink, fmt, args);
    __builtin_va_end(args);
    text[sink.used] = 0;
    output_(context_, text);
}

} // namespace isok::blockd

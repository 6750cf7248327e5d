// A whole line printed above the line being typed, which is then shown again as it was:
// what the network reports arrives while someone may be typing.
#pragma once

namespace echo {

void notice(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace echo

// A seeded generator of test data: the same seed always makes the same bytes.
#include "init.h"

#include <string.h>

// splitmix64: every seed gives a different, well-mixed stream.
static uint64_t next_random(uint64_t* state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void fill_random(uint64_t seed, unsigned char* out, size_t n) {
    uint64_t state = seed;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t r = next_random(&state);
        memcpy(out + i, &r, n - i < 8 ? n - i : 8);
    }
}

// printf-style formatter used by the kernel console, native processes and host tools.
#include <isok/format.hpp>

namespace isok {
namespace {

struct Spec {
    bool zero_pad = false;
    bool left = false;
    u32 width = 0;
    u32 length = 0; // number of 'l' (z counts as 2)
};

usize emit_padded(PutChar put, void* ctx, const char* digits, usize n, const Spec& spec, bool negative) {
    usize total = n + (negative ? 1 : 0);
    usize pad = spec.width > total ? spec.width - total : 0;
    usize out = 0;
    if (!spec.left && !spec.zero_pad)
        for (; pad; --pad, ++out) put(ctx, ' ');
    if (negative) put(ctx, '-'), ++out;
    if (!spec.left && spec.zero_pad)
        for (; pad; --pad, ++out) put(ctx, '0');
    for (usize i = 0; i < n; ++i, ++out) put(ctx, digits[i]);
    for (; pad; --pad, ++out) put(ctx, ' ');
    return out;
}

usize emit_unsigned(PutChar put, void* ctx, u64 v, u32 base, bool upper, const Spec& spec, bool negative) {
    char tmp[24];
    usize n = 0;
    const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = alphabet[v % base];
        v /= base;
    } while (v);
    char digits[24];
    for (usize i = 0; i < n; ++i) digits[i] = tmp[n - 1 - i];
    return emit_padded(put, ctx, digits, n, spec, negative);
}

// va_list is an array on some ABIs; a struct around it can be passed by reference everywhere.
struct Args {
    __builtin_va_list list;
};

u64 fetch_unsigned(Args& a, u32 length) {
    if (length >= 1) return __builtin_va_arg(a.list, unsigned long);
    return __builtin_va_arg(a.list, unsigned int);
}

i64 fetch_signed(Args& a, u32 length) {
    if (length >= 1) return __builtin_va_arg(a.list, long);
    return __builtin_va_arg(a.list, int);
}

const char* parse_spec(const char* f, Spec& spec) {
    for (;; ++f) {
        if (*f == '0') spec.zero_pad = true;
        else if (*f == '-') spec.left = true;
        else break;
    }
    for (; *f >= '0' && *f <= '9'; ++f) spec.width = spec.width * 10 + u32(*f - '0');
    for (;; ++f) {
        if (*f == 'l') spec.length++;
        else if (*f == 'z') spec.length = 2;
        else break;
    }
    return f;
}

} // namespace


namespace {
usize vformat_args(PutChar put, void* ctx, const char* f, Args& args) {
    usize out = 0;
    for (; *f; ++f) {
        if (*f != '%') {
            put(ctx, *f), ++out;
            continue;
        }
        Spec spec;
        f = parse_spec(f + 1, spec);
        switch (*f) {
        case 'c': put(ctx, char(__builtin_va_arg(args.list, int))), ++out; break;
        case 's': {
            const char* s = __builtin_va_arg(args.list, const char*);
            if (!s) s = "(null)";
            usize n = 0;
            while (s[n]) ++n;
            out += emit_padded(put, ctx, s, n, Spec{false, spec.left, spec.width, 0}, false);
            break;
        }
        case 'd':
        case 'i': {
            i64 v = fetch_signed(args, spec.length);
            u64 mag = v < 0 ? u64(0) - u64(v) : u64(v);
            out += emit_unsigned(put, ctx, mag, 10, false, spec, v < 0);
            break;
        }
        case 'u': out += emit_unsigned(put, ctx, fetch_unsigned(args, spec.length), 10, false, spec, false); break;
        case 'x': out += emit_unsigned(put, ctx, fetch_unsigned(args, spec.length), 16, false, spec, false); break;
        case 'X': out += emit_unsigned(put, ctx, fetch_unsigned(args, spec.length), 16, true, spec, false); break;
        case 'p': {
            put(ctx, '0'), put(ctx, 'x'), out += 2;
            Spec p{true, false, 16, 2};
            out += emit_unsigned(put, ctx, u64(uptr(__builtin_va_arg(args.list, void*))), 16, false, p, false);
            break;
        }
        case '%': put(ctx, '%'), ++out; break;
        case 0: return out;
        default: put(ctx, '%'), put(ctx, *f), out += 2; break;
        }
    }
    return out;
}
} // namespace

usize vformat(PutChar put, void* ctx, const char* f, __builtin_va_list list) {
    Args args;
    __builtin_va_copy(args.list, list);
    usize out = vformat_args(put, ctx, f, args);
    __builtin_va_end(args.list);
    return out;
}

usize format(PutChar put, void* ctx, const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    usize n = vformat(put, ctx, fmt, args);
    __builtin_va_end(args);
    return n;
}

namespace {
struct BufferSink {
    char* buf;
    usize size;
    usize pos;
};
void buffer_put(void* ctx, char c) {
    auto* s = static_cast<BufferSink*>(ctx);
    if (s->pos + 1 < s->size) s->buf[s->pos] = c;
    s->pos++;
}
} // namespace

usize vformat_to(char* buf, usize size, const char* fmt, __builtin_va_list args) {
    BufferSink sink{buf, size, 0};
    usize n = vformat(buffer_put, &sink, fmt, args);
    if (size) buf[min(sink.pos, size - 1)] = 0;
    return n;
}

usize format_to(char* buf, usize size, const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    usize n = vformat_to(buf, size, fmt, args);
    __builtin_va_end(args);
    return n;
}

} // namespace isok

// Slab allocator for kernel objects: one list per 64-byte size class of the pages that
// have room, each page with its own free list. A page whose last object goes returns
// to the frame allocator at once, so kernel memory shrinks back as objects go.
#include <arch/layout.hpp>
#include <kernel/assert.hpp>
#include <kernel/kmem.hpp>
#include <kernel/list.hpp>
#include <kernel/placement.hpp>

namespace kernel::kmem {
namespace {

constexpr usize granule = 64;
constexpr usize classes = frame_size / granule;

struct FreeObject {
    FreeObject* next;
};

struct WithRoom; // the list of a class's slab pages that have a free slot

// The first granule of every slab page.
struct Slab : ListLink<Slab, WithRoom> {
    FreeObject* free = nullptr;
    u32 used = 0;
};
static_assert(sizeof(Slab) <= granule);
static_assert(max_object_size == frame_size - granule);

FrameAllocator* allocator = nullptr;
List<Slab, WithRoom> with_room[classes + 1];
usize slab_pages = 0;

usize class_of(usize size) { return (size + granule - 1) / granule; }

Slab& slab_of(void* object) {
    return *reinterpret_cast<Slab*>(reinterpret_cast<u64>(object) & ~u64(frame_size - 1));
}

Slab* new_slab(usize cls) {
    auto frame = allocator->allocate();
    if (!frame) return nullptr;
    auto* page = static_cast<isok::u8*>(arch::phys_to_virt(*frame));
    __builtin_memset(page, 0, frame_size);
    auto* s = new (page) Slab();
    usize size = cls * granule;
    for (usize off = granule; off + size <= frame_size; off += size) {
        auto* f = reinterpret_cast<FreeObject*>(page + off);
        f->next = s->free;
        s->free = f;
    }
    ++slab_pages;
    return s;
}

} // namespace

void init(FrameAllocator& frames) { allocator = &frames; }

usize slot_size(usize size) { return class_of(size) * granule; }

FrameAllocator& frames() { return *allocator; }

usize pages() { return slab_pages; }

void* take(usize size) {
    KERNEL_ASSERT(size > 0 && size <= max_object_size);
    usize cls = class_of(size);
    Slab* s = with_room[cls].front();
    if (!s) {
        s = new_slab(cls);
        if (!s) return nullptr;
        with_room[cls].push_front(*s);
    }
    FreeObject* f = s->free;
    s->free = f->next;
    ++s->used;
    if (!s->free) with_room[cls].remove(*s);
    return f;
}

void give(void* object, usize size) {
    usize cls = class_of(size);
    Slab& s = slab_of(object);
    KERNEL_ASSERT(s.used > 0);
    bool was_full = !s.free;
    auto* f = static_cast<FreeObject*>(object);
    f->next = s.free;
    s.free = f;
    if (was_full) with_room[cls].push_front(s);
    if (--s.used > 0) return;
    with_room[cls].remove(s);
    --slab_pages;
    (void)allocator->free(arch::virt_to_phys(&s));
}

} // namespace kernel::kmem

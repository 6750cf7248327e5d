// Slab allocator for kernel objects: one free list per 64-byte size class, refilled a
// page at a time from the frame allocator. Pages are never returned (type stability).
#include <arch/layout.hpp>
#include <kernel/assert.hpp>
#include <kernel/kmem.hpp>

namespace kernel::kmem {
namespace {

constexpr usize granule = 64;
constexpr usize classes = frame_size / granule;

struct FreeObject {
    FreeObject* next;
};
// A free slot's link must not overwrite the generation of the object that was there.
static_assert(__builtin_offsetof(KernelObject, generation) >= sizeof(FreeObject));

FrameAllocator* allocator = nullptr;
FreeObject* free_lists[classes + 1];

usize class_of(usize size) { return (size + granule - 1) / granule; }

bool refill(usize cls) {
    auto frame = allocator->allocate();
    if (!frame) return false;
    auto* page = static_cast<isok::u8*>(arch::phys_to_virt(*frame));
    __builtin_memset(page, 0, frame_size);
    usize size = cls * granule;
    for (usize off = 0; off + size <= frame_size; off += size) {
        auto* f = reinterpret_cast<FreeObject*>(page + off);
        f->next = free_lists[cls];
        free_lists[cls] = f;
    }
    return true;
}

} // namespace

void init(FrameAllocator& frames) { allocator = &frames; }

usize slot_size(usize size) { return class_of(size) * granule; }

FrameAllocator& frames() { return *allocator; }

void* take(usize size) {
    KERNEL_ASSERT(size > 0 && size <= frame_size);
    usize cls = class_of(size);
    if (!free_lists[cls] && !refill(cls)) return nullptr;
    FreeObject* f = free_lists[cls];
    free_lists[cls] = f->next;
    return f;
}

void give(void* object, usize size) {
    usize cls = class_of(size);
    auto* f = static_cast<FreeObject*>(object);
    f->next = free_lists[cls];
    free_lists[cls] = f;
}

} // namespace kernel::kmem

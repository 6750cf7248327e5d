// Destroying any kernel object: what each type must undo before its memory is reused.
#pragma once
#include <kernel/object.hpp>

namespace kernel {

void destroy(KernelObject& object);

} // namespace kernel

// Access to a domain's user memory from the kernel, through its page table: the
// kernel never dereferences a user pointer, so a bad one is an error, not a fault.
#pragma once
#include <kernel/domain.hpp>

namespace kernel {

// The kernel's view of the user page holding address, when it is mapped for user
// access with the needed permission; null otherwise.
isok::u8* user_page(Domain& domain, u64 address, bool write);

Error copy_from_user(Domain& domain, void* to, u64 from, usize length);
Error copy_to_user(Domain& domain, u64 to, const void* from, usize length);

} // namespace kernel

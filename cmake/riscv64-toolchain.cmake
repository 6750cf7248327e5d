# Cross toolchain for everything that runs on the target: clang + lld, bare-metal riscv64.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(triple riscv64-unknown-elf)

set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET ${triple})
set(CMAKE_CXX_COMPILER_TARGET ${triple})
set(CMAKE_ASM_COMPILER_TARGET ${triple})
set(CMAKE_LINKER ld.lld)
find_program(ISOK_OBJCOPY NAMES llvm-objcopy llvm-objcopy-14 REQUIRED)
set(CMAKE_OBJCOPY ${ISOK_OBJCOPY})

# Compiler checks would try to link a hosted program; a static library is enough.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

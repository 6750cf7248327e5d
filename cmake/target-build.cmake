# The nested cross build: this same source tree configured with the riscv64
# toolchain. Rebuilt on every host build so that edits to target code are seen.
include(ExternalProject)
set(ISOK_TARGET_DIR ${CMAKE_BINARY_DIR}/target)
ExternalProject_Add(target
    SOURCE_DIR ${CMAKE_SOURCE_DIR}
    BINARY_DIR ${ISOK_TARGET_DIR}
    CMAKE_ARGS
        -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/riscv64-toolchain.cmake
        -DISOK_TARGET=ON
        -DCMAKE_BUILD_TYPE=Release
    CMAKE_GENERATOR ${CMAKE_GENERATOR}
    BUILD_ALWAYS ON
    INSTALL_COMMAND ""
    USES_TERMINAL_BUILD ON)

set(ISOK_KERNEL ${ISOK_TARGET_DIR}/kernel/isokernel.elf)
set(ISOK_KERNEL_TEST ${ISOK_TARGET_DIR}/kernel/isokernel-test.elf)

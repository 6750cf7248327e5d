# Flags for freestanding target code. Two flavours: the kernel never touches
# floating-point registers (it does not save them on a trap); user programs may.
set(ISOK_FREESTANDING_FLAGS
    -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-stack-protector
    -fno-common -fno-pic -mcmodel=medany -mno-relax -nostdlib -nostdinc++
    -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -O2 -g)
set(ISOK_KERNEL_FLAGS ${ISOK_FREESTANDING_FLAGS} -march=rv64imac -mabi=lp64)
set(ISOK_USER_FLAGS ${ISOK_FREESTANDING_FLAGS} -march=rv64gc -mabi=lp64d -flto=thin)

# isok_target(<name> KERNEL|USER): apply the flavour's flags to a target.
function(isok_target name flavour)
    if(flavour STREQUAL "KERNEL")
        target_compile_options(${name} PRIVATE ${ISOK_KERNEL_FLAGS})
    else()
        target_compile_options(${name} PRIVATE ${ISOK_USER_FLAGS})
    endif()
endfunction()

# isok_executable(<name> KERNEL|USER LINKER_SCRIPT <file> SOURCES ... LIBS ...)
function(isok_executable name flavour)
    cmake_parse_arguments(ARG "" "LINKER_SCRIPT" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    isok_target(${name} ${flavour})
    set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS ${ARG_LINKER_SCRIPT})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS})
    target_link_options(${name} PRIVATE -fuse-ld=lld -nostdlib -static -Wl,--gc-sections
        -Wl,-T,${ARG_LINKER_SCRIPT} -Wl,-Map,$<TARGET_FILE_DIR:${name}>/${name}.map)
    if(flavour STREQUAL "KERNEL")
        target_link_options(${name} PRIVATE -march=rv64imac -mabi=lp64)
    else()
        target_link_options(${name} PRIVATE -march=rv64gc -mabi=lp64d -flto=thin -Wl,-mllvm,-target-abi=lp64d)
    endif()
endfunction()

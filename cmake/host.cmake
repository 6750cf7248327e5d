# Host build: tools and tests, with the distribution's libraries.
find_package(GTest REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
find_package(Threads REQUIRED)

set(ISOK_HOST_WARNINGS -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter)

# isok_host_target(<name>): project warnings for a host target.
function(isok_host_target name)
    target_compile_options(${name} PRIVATE ${ISOK_HOST_WARNINGS})
endfunction()

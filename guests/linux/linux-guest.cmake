# The Linux guest, included by systems/CMakeLists.txt. Target linux_guest runs
# guests/linux/build.sh, which builds into ${ISOK_CACHE:-~/.cache/isokernel}/linux-<hash>
# (minutes, once per configuration) and copies the Image to ISOK_LINUX_IMAGE (instant
# when the cache is warm; not run at all when nothing it depends on changed).
# -DISOK_BUILD_LINUX=OFF -DISOK_LINUX_IMAGE=/path/Image uses a prebuilt Image instead.
option(ISOK_BUILD_LINUX "Build the Linux guest with guests/linux/build.sh" ON)
set(ISOK_LINUX_IMAGE ${CMAKE_BINARY_DIR}/guests/linux/Image CACHE FILEPATH "The Linux guest's kernel Image")

if(ISOK_BUILD_LINUX)
    file(GLOB ISOK_LINUX_INIT_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/init/*)
    add_custom_command(OUTPUT ${ISOK_LINUX_IMAGE}
        COMMAND ${CMAKE_CURRENT_LIST_DIR}/build.sh ${ISOK_LINUX_IMAGE}
        DEPENDS ${CMAKE_CURRENT_LIST_DIR}/build.sh ${CMAKE_CURRENT_LIST_DIR}/isokernel.config
                ${ISOK_LINUX_INIT_SOURCES} ${CMAKE_SOURCE_DIR}/scripts/setup-linux.sh
        COMMENT "Linux guest: guests/linux/build.sh (a few minutes unless cached)"
        USES_TERMINAL VERBATIM)
    add_custom_target(linux_guest DEPENDS ${ISOK_LINUX_IMAGE})
else()
    add_custom_target(linux_guest)
endif()

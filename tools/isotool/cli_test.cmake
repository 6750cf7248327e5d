# isotool command-line tests, one CASE per ctest test: run the tool like a user and
# check its exit status and what it prints. Invoked with -DISOTOOL= -DCASE= -DWORK_DIR=.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
file(WRITE ${WORK_DIR}/hello.elf "not really an ELF, but bytes all the same\n")
file(WRITE ${WORK_DIR}/system.toml "[system]\nname = \"demo\"\n")

# run(<expected: ok|fail> <pattern the output must match> args...)
function(run expected pattern)
    execute_process(COMMAND ${ISOTOOL} ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message(STATUS "isotool ${ARGN} -> ${status}\n${out}${err}")
    if(expected STREQUAL "ok" AND NOT status EQUAL 0)
        message(FATAL_ERROR "expected success, got exit status ${status}")
    elseif(expected STREQUAL "fail" AND (status EQUAL 0 OR NOT status MATCHES "^[0-9]+$"))
        message(FATAL_ERROR "expected a non-zero exit status, got '${status}'")
    endif()
    if(NOT "${out}${err}" MATCHES "${pattern}")
        message(FATAL_ERROR "output does not match '${pattern}'")
    endif()
endfunction()

set(img ${WORK_DIR}/boot.img)

# A real riscv64 executable, compiled with -DCLANG=, for the manifest cases' images and root.
function(sample_elf path)
    get_filename_component(folder ${path} DIRECTORY)
    file(MAKE_DIRECTORY ${folder})
    file(WRITE ${WORK_DIR}/sample.c "void _start(void) { for (;;) {} }\n")
    execute_process(COMMAND ${CLANG} --target=riscv64-unknown-elf -march=rv64gc -mabi=lp64d -nostdlib
        -ffreestanding -fuse-ld=lld -Wl,--image-base=0x10000 -o ${path} ${WORK_DIR}/sample.c RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "cannot compile the sample ELF with '${CLANG}'")
    endif()
endfunction()

# pingpong.toml: ping and pong from one sample image, a channel between them.
function(pingpong_manifest image)
    file(WRITE ${WORK_DIR}/pingpong.toml "[system]\nname = \"pingpong\"\n\n"
        "[[process]]\nname = \"ping\"\nimage = \"${image}\"\n\n"
        "[[process]]\nname = \"pong\"\nimage = \"${image}\"\npriority = 120\n\n"
        "[[channel]]\nname = \"pingpong\"\nserver = \"pong\"\nclients = [\"ping\"]\n")
endfunction()
if(CASE STREQUAL "pack_and_list")
    run(ok "" pack --output ${img} --entry manifest:system=${WORK_DIR}/system.toml
        --entry program:hello=${WORK_DIR}/hello.elf)
    # Sizes and CRC32s of the two files above, as zlib computes them.
    run(ok "system +manifest +0x1000 +23 0x48792e79\nhello +program +0x2000 +42 0x4a3dd1cd\n" list ${img})
    file(SIZE ${img} size)
    if(NOT size EQUAL 12288)
        message(FATAL_ERROR "expected a 12288-byte image, got ${size}")
    endif()
elseif(CASE STREQUAL "bad_kind")
    run(fail "unknown kind 'rom'" pack -o ${img} --entry rom:hello=${WORK_DIR}/hello.elf)
    run(fail "expected KIND:NAME=PATH" pack -o ${img} --entry hello.elf)
elseif(CASE STREQUAL "missing_file")
    run(fail "cannot read '.*absent.elf'" pack -o ${img} --entry program:hello=${WORK_DIR}/absent.elf)
    if(EXISTS ${img})
        message(FATAL_ERROR "a failed pack left ${img} behind")
    endif()
    run(fail "cannot read" list ${WORK_DIR}/absent.img)
elseif(CASE STREQUAL "duplicate_name")
    run(fail "--entry data:hello=.*: two entries have the same name" pack -o ${img}
        --entry program:hello=${WORK_DIR}/hello.elf --entry data:hello=${WORK_DIR}/system.toml)
elseif(CASE STREQUAL "bad_name")
    string(REPEAT "n" 48 long)
    run(fail "longer than 47" pack -o ${img} --entry program:${long}=${WORK_DIR}/hello.elf)
    run(fail "character outside" pack -o ${img} --entry "program:he llo=${WORK_DIR}/hello.elf")
elseif(CASE STREQUAL "corrupt_image")
    run(fail "not a boot image" list ${WORK_DIR}/hello.elf)
elseif(CASE STREQUAL "bad_invocation")
    run(fail "" )
    run(fail "" pack --entry program:hello=${WORK_DIR}/hello.elf)
elseif(CASE STREQUAL "manifest_check")
    sample_elf(${WORK_DIR}/sample.elf)
    pingpong_manifest(sample.elf)
    run(ok "system pingpong: 2 processes, 1 endpoint.*process pong: .*slot 2: pingpong \\(server, receive\\)"
        check --manifest ${WORK_DIR}/pingpong.toml)
elseif(CASE STREQUAL "manifest_build")
    sample_elf(${WORK_DIR}/bin/sample.elf)
    pingpong_manifest(sample.elf)
    run(fail "image 'sample.elf' not found" build -m ${WORK_DIR}/pingpong.toml -o ${img} -r ${WORK_DIR}/bin/sample.elf)
    run(ok "" build -m ${WORK_DIR}/pingpong.toml -o ${img} -r ${WORK_DIR}/bin/sample.elf --search ${WORK_DIR}/bin)
    run(ok "plan +manifest .*\nroot +program .*\nping +program .*\npong +program " list ${img})
elseif(CASE STREQUAL "manifest_errors")
    sample_elf(${WORK_DIR}/sample.elf)
    file(WRITE ${WORK_DIR}/bad.toml "[system]\nname = \"demo\"\n[[process]]\nname = \"ping\"\n"
        "image = \"sample.elf\"\nprio = 3\n[[channel]]\nname = \"x\"\nserver = \"pong\"\nclients = [\"ping\"]\n")
    run(fail "bad.toml:6: process 'ping': unknown key 'prio'" check -m ${WORK_DIR}/bad.toml)
    file(WRITE ${WORK_DIR}/bad.toml "[system]\nname = \"demo\"\n[[process]]\nname = \"ping\"\n"
        "image = \"sample.elf\"\nbudget = \"8K\"\n[[channel]]\nname = \"x\"\nserver = \"pong\"\nclients = [\"ping\"]\n")
    set(too_small "bad.toml:6: process 'ping': budget 8K is too small")
    run(fail "${too_small}.*bad.toml:9: channel 'x': server 'pong' is not a process"
        build -m ${WORK_DIR}/bad.toml -o ${img} -r ${WORK_DIR}/sample.elf)
    if(EXISTS ${img})
        message(FATAL_ERROR "a failed build left ${img} behind")
    endif()
    run(fail "system.toml: no .*process.*: a system needs at least one process" check -m ${WORK_DIR}/system.toml)
    run(fail "cannot read '.*absent.toml'" check -m ${WORK_DIR}/absent.toml)
elseif(CASE STREQUAL "manifest_bad_root")
    sample_elf(${WORK_DIR}/sample.elf)
    pingpong_manifest(sample.elf)
    run(fail "--root '.*hello.elf' is not an ELF file"
        build -m ${WORK_DIR}/pingpong.toml -o ${img} -r ${WORK_DIR}/hello.elf)
    run(fail "--root is required" build -m ${WORK_DIR}/pingpong.toml -o ${img})
elseif(CASE STREQUAL "manifest_vm")
    # A VM beside a process: the kernel and initrd are any bytes, the VMM a sample ELF found
    # through --search under the default name vmm.elf.
    sample_elf(${WORK_DIR}/sample.elf)
    sample_elf(${WORK_DIR}/bin/vmm.elf)
    file(WRITE ${WORK_DIR}/Image "a raw kernel image\n")
    file(WRITE ${WORK_DIR}/rootfs.cpio "an initrd\n")
    file(WRITE ${WORK_DIR}/vm.toml "[system]\nname = \"guests\"\n\n"
        "[[process]]\nname = \"hello\"\nimage = \"sample.elf\"\n\n"
        "[[vm]]\nname = \"linux\"\nkernel = \"Image\"\ninitrd = \"rootfs.cpio\"\nmemory = \"16M\"\nvcpus = 2\n"
        "devices = [\"uart\", \"virtio-console\"]\nbootargs = \"console=ttyS0\"\n")
    run(fail "vm 'linux': VMM image 'vmm.elf' not found" check -m ${WORK_DIR}/vm.toml)
    run(ok "system guests: 1 process, 0 endpoints, 1 VM, .*vm linux: kernel .*Image \\(19 bytes\\), initrd .*, memory 16M, 2 vCPUs, priority 100, time slice 10, devices uart, virtio-console\n.*vmm linux.vmm: image .*bin/vmm.elf, priority 101.*bootargs \"console=ttyS0\""
        check -m ${WORK_DIR}/vm.toml --search ${WORK_DIR}/bin)
    run(ok "" build -m ${WORK_DIR}/vm.toml -o ${img} -r ${WORK_DIR}/sample.elf --search ${WORK_DIR}/bin)
    run(ok "plan +manifest .*\nroot +program .*\nhello +program .*\nvmm.elf +program .*\nlinux.kernel +guest-kernel .*\nlinux.initrd +guest-initrd "
        list ${img})
elseif(CASE STREQUAL "manifest_disks")
    # A block service and a client with two partitions: their layout from the manifest and
    # from the boot image, and the disk image `run` makes for them.
    sample_elf(${WORK_DIR}/sample.elf)
    file(WRITE ${WORK_DIR}/disk.toml "[system]\nname = \"disks\"\n\n"
        "[[process]]\nname = \"blockd\"\nimage = \"sample.elf\"\n\n"
        "[[process]]\nname = \"client\"\nimage = \"sample.elf\"\nbudget = \"1M\"\nargs = \"seed=3\"\n\n"
        "[[disk]]\nname = \"disk0\"\nservice = \"blockd\"\npartitions = [\n"
        "    { name = \"data\", domain = \"client\", size = \"1M\" },\n"
        "    { name = \"logs\", domain = \"client\", size = \"4K\" },\n]\n")
    set(layout "disk0 data first_sector 2048 sectors 2048\ndisk0 logs first_sector 4096 sectors 8\n")
    run(ok "^${layout}$" disks --manifest ${WORK_DIR}/disk.toml)
    run(ok "system disks: 2 processes, 0 endpoints, 1 disk, .*args \"seed=3\".*disk disk0: service blockd, image of 3M\n  partition data for client: sectors 2048\\+2048 \\(1M\\)"
        check -m ${WORK_DIR}/disk.toml)
    run(ok "" build -m ${WORK_DIR}/disk.toml -o ${img} -r ${WORK_DIR}/sample.elf)
    run(ok "^${layout}$" disks --boot-image ${img})
    run(fail "" disks)
    # 1 MiB, 1M and 4K, rounded up to 1 MiB: a sparse 3 MiB file, made once.
    # (The command is on stdout, the note on stderr: out comes first.)
    run(ok "-global virtio-mmio.force-legacy=false -drive file=.*sys-disk0.img,if=none,format=raw,id=disk0 -device virtio-blk-device,drive=disk0\n.*created .*sys-disk0.img \\(3M, sparse\\)"
        run --kernel ${WORK_DIR}/sample.elf --boot-image ${img} --disk-prefix ${WORK_DIR}/sys --dry-run)
    file(SIZE ${WORK_DIR}/sys-disk0.img size)
    if(NOT size EQUAL 3145728)
        message(FATAL_ERROR "expected a 3 MiB disk image, got ${size} bytes")
    endif()
    run(ok "drive=disk0" run -k ${WORK_DIR}/sample.elf -b ${img} --disk ${WORK_DIR}/sys-disk0.img --dry-run)
    file(WRITE ${WORK_DIR}/small.img "too small")
    run(fail "small.img' holds 9 bytes, but disk 'disk0' needs 3145728" run -k ${WORK_DIR}/sample.elf -b ${img}
        --disk ${WORK_DIR}/small.img --dry-run)
    run(fail "2 --disk files, but the system has 1 disk" run -k ${WORK_DIR}/sample.elf -b ${img}
        --disk ${WORK_DIR}/a.img --disk ${WORK_DIR}/b.img --dry-run)
    run(ok "disk 'disk0' gets no device" run -k ${WORK_DIR}/sample.elf -b ${img} --dry-run)
    run(ok "created .*other.img \\(64M, sparse\\)" run -k ${WORK_DIR}/sample.elf --disk ${WORK_DIR}/other.img
        --disk-size 64M --dry-run)
    run(fail "size of disk 0 is unknown" run -k ${WORK_DIR}/sample.elf --disk ${WORK_DIR}/third.img --dry-run)
elseif(CASE STREQUAL "manifest_console")
    # A console service, a process and a VM taking input: what check prints of them.
    sample_elf(${WORK_DIR}/sample.elf)
    sample_elf(${WORK_DIR}/vmm.elf)
    file(WRITE ${WORK_DIR}/Image "a raw kernel image\n")
    file(WRITE ${WORK_DIR}/console.toml "[system]\nname = \"typed\"\n\n"
        "[[process]]\nname = \"console\"\nimage = \"sample.elf\"\n\n"
        "[[process]]\nname = \"shell\"\nimage = \"sample.elf\"\n\n"
        "[[vm]]\nname = \"linux\"\nkernel = \"Image\"\nmemory = \"4M\"\n\n"
        "[console]\nservice = \"console\"\ninputs = [\"shell\", \"linux\"]\n")
    run(ok "console: service console \\(uart, uart.irq\\), 2 inputs\n  input 1: shell\n  input 2: linux, taken by linux.vmm\n"
        check -m ${WORK_DIR}/console.toml)
    file(APPEND ${WORK_DIR}/console.toml "colour = 1\n")
    run(fail "console.toml:20: \\[console\\]: unknown key 'colour'" check -m ${WORK_DIR}/console.toml)
else()
    message(FATAL_ERROR "unknown CASE '${CASE}'")
endif()

# The two commands of the README, and the few others a developer uses.
#   make run    install what is missing, build, boot the default system in QEMU
#               (SYSTEM=linux: the system with a Linux VM beside native processes)
#   make test   install what is missing, build, run every test (unit and system)
#   make bench  build and print the benchmark figures
#   make fuzz   fuzz every parser of untrusted input, FUZZ_SECONDS each (scripts/fuzz.sh)
BUILD ?= build
JOBS ?= $(shell nproc)
SYSTEM ?= default
# A 128 MiB Linux VM needs one contiguous 128 MiB run of RAM beside the boot image.
QEMU_MEMORY ?= $(if $(filter linux,$(SYSTEM)),512M,256M)
QEMU_HARTS ?= 2
FUZZ_SECONDS ?= 60

.PHONY: all setup build run test bench fuzz clean

all: build

setup:
	@scripts/setup.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# A system with [[disk]]s gets $(BUILD)/$(SYSTEM)-<disk>.img for each, made on the first run.
run: build
	$(BUILD)/tools/isotool/isotool run --kernel $(BUILD)/target/kernel/isokernel.elf \
	    --boot-image $(BUILD)/$(SYSTEM).img --memory $(QEMU_MEMORY) --harts $(QEMU_HARTS) \
	    --disk-prefix $(BUILD)/$(SYSTEM)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The benchmark system under -icount shift=0: lines "BENCH <name> <value> <unit>".
bench: build
	@scripts/bench.sh $(BUILD)

# libFuzzer with AddressSanitizer and UndefinedBehaviorSanitizer, in its own clang build
# tree (build-fuzz); lines "FUZZ <name> <executions> execs, <N> crashes", then "N passed, M failed".
fuzz: setup
	@scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)

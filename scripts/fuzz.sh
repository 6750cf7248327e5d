#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, AddressSanitizer, UndefinedBehaviorSanitizer) of every
# parser of untrusted input, tests/fuzz/*_fuzz.cpp: configures and builds the clang build
# tree $FUZZ_BUILD (default build-fuzz), runs each target for the given seconds from a copy
# of its seed corpus, tests/fuzz/corpus/<name>/ (which it never writes), and prints
#   FUZZ <name> <executions> execs, <N> crashes
# per target, then "N passed, M failed". A crash, leak or timeout fails the run; its input
# is left in $FUZZ_BUILD/fuzz-runs/<name>/, the fuzzer's output in .../log.
#   scripts/fuzz.sh <seconds-per-target> [name...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: scripts/fuzz.sh <seconds-per-target> [name...]}
shift
build=${FUZZ_BUILD:-build-fuzz}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for source in tests/fuzz/*_fuzz.cpp; do
        name=$(basename "$source" _fuzz.cpp)
        targets+=("$name")
    done
fi

cmake -S . -B "$build" -G Ninja -DISOK_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null

passed=0
failed=0
for name in "${targets[@]}"; do
    run="$build/fuzz-runs/$name"
    rm -rf "$run"
    mkdir -p "$run/corpus" "$run/findings"
    [ -d "tests/fuzz/corpus/$name" ] && cp -R "tests/fuzz/corpus/$name/." "$run/corpus/"
    # -timeout: one input taking seconds is a finding (a loop a hostile input can cause).
    status=0
    "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$run/findings/" "$run/corpus" >"$run/log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -n 1)
    findings=$(find "$run/findings" -type f | wc -l)
    # A fuzzer that stopped with an error of its own but wrote no input is a failure too.
    if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then findings=1; fi
    echo "FUZZ $name ${executions:-0} execs, $findings crashes"
    if [ "$findings" -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        grep -m 3 -E '^(==[0-9]+==ERROR|SUMMARY)|runtime error' "$run/log" | sed 's/^/    /' || true
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

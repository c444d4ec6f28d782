#!/bin/sh
# Fuzzes wvm's loader, verifier and VM through LLVMFuzzerTestOneInput
# (vm/wvm.c built with -DWVM_FUZZ: no output, no file system, small limits,
# a step limit).  Seeds: fuzz/corpus (the conformance .whbc files).
#
# usage: fuzz.sh smoke|long [SECONDS]
#   smoke  ~45 s, for `make fuzz-smoke`
#   long   600 s by default, for fuzz/run-10min.sh
# Needs clang with libFuzzer (Debian: clang + libclang-rt-14-dev); otherwise
# falls back to afl++ (afl-clang-fast) or prints why it is skipped and exits 0.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=$ROOT/build
mode=${1:-smoke}
case $mode in
smoke) seconds=${2:-45} ;;
long) seconds=${2:-600} ;;
*) echo "usage: $0 smoke|long [SECONDS]" >&2; exit 2 ;;
esac
mkdir -p "$BUILD/fuzz-corpus" "$BUILD/fuzz-artifacts"
FLAGS="-std=c11 -g -O1 -DWVM_FUZZ -fno-omit-frame-pointer"

if command -v clang >/dev/null 2>&1 &&
    echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }' >"$BUILD/probe.c" &&
    clang -fsanitize=fuzzer "$BUILD/probe.c" -o "$BUILD/probe" 2>/dev/null; then
    clang $FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -o "$BUILD/wvm-fuzz" "$ROOT/vm/wvm.c" -lm || exit 1
    echo "fuzz: libFuzzer, $seconds s, corpus build/fuzz-corpus + fuzz/corpus"
    # -timeout catches hangs; -rss_limit_mb catches runaway memory.
    "$BUILD/wvm-fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$BUILD/fuzz-artifacts/" \
        "$BUILD/fuzz-corpus" "$HERE/corpus"
    exit $?
fi

if command -v afl-clang-fast >/dev/null 2>&1 && command -v afl-fuzz >/dev/null 2>&1; then
    # afl++ drives the same entry point through its persistent-mode driver.
    AFL_USE_ASAN=1 afl-clang-fast $FLAGS -fsanitize=fuzzer -o "$BUILD/wvm-afl" "$ROOT/vm/wvm.c" -lm || exit 1
    echo "fuzz: afl++, $seconds s"
    AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
        afl-fuzz -V "$seconds" -i "$HERE/corpus" -o "$BUILD/afl-out" -- "$BUILD/wvm-afl"
    exit $?
fi

echo "fuzz-$mode: skipped (needs clang with libFuzzer, e.g. apt-get install clang libclang-rt-14-dev, or afl++)"
exit 0

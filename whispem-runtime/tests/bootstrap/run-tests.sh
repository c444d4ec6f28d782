#!/bin/sh
# Tests of the self-hosted compiler compiler/wsc.whbc running on a VM:
#   1. every conformance program: output byte-identical to the reference .whbc, or, for programs
#      that do not compile, the same diagnostic and exit status 1 with no file written;
#   2. tests/bootstrap/cases: edge cases (errors, limits, Unicode, nesting) whose expected
#      .whbc / .err were produced by the Java reference compiler;
#   3. the bootstrap fixed point (check-bootstrap.sh).
#
#   sh tests/bootstrap/run-tests.sh [WVM]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
wvm=${1:-$root/wvm}
case $wvm in /*) ;; *) wvm=$(pwd)/$wvm ;; esac
wsc=$root/compiler/wsc.whbc
corpus=${CONFORMANCE_DIR:-$root/src/test/resources/conformance}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check DIR NAME: compile DIR/NAME.wsp with wsc (from DIR, so diagnostics name NAME.wsp).
check() {
    dir=$1
    name=$2
    rm -f "$tmp/out.whbc"
    (cd "$dir" && "$wvm" "$wsc" "$name.wsp" "$tmp/out.whbc" >"$tmp/stdout" 2>"$tmp/stderr")
    status=$?
    if [ -f "$dir/$name.whbc" ]; then
        if [ $status -eq 0 ] && cmp -s "$tmp/out.whbc" "$dir/$name.whbc"; then
            passed=$((passed + 1))
            return
        fi
        echo "FAIL $dir/$name: bytecode differs from $name.whbc (exit $status)"
    else
        if [ $status -eq 1 ] && [ ! -e "$tmp/out.whbc" ] && [ ! -s "$tmp/stdout" ] &&
            cmp -s "$tmp/stderr" "$dir/$name.err"; then
            passed=$((passed + 1))
            return
        fi
        echo "FAIL $dir/$name: expected $(cat "$dir/$name.err"), got exit $status: $(cat "$tmp/stderr")"
    fi
    failed=$((failed + 1))
}

[ -x "$wvm" ] || { echo "no wvm at $wvm" >&2; exit 1; }
for f in "$corpus"/*.wsp; do
    name=$(basename "$f" .wsp)
    # Runtime-error programs without a .whbc do not exist; programs without .whbc are compile errors.
    check "$corpus" "$name"
done
for f in "$here"/cases/*.wsp; do
    check "$here/cases" "$(basename "$f" .wsp)"
done
echo "wsc: $passed passed, $failed failed"
[ $failed -eq 0 ] || exit 1
sh "$here/check-bootstrap.sh" "$wvm"

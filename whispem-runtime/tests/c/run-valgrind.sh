#!/bin/sh
# Runs the conformance corpus (and our own cases) under valgrind memcheck:
# no invalid access, no uninitialised use, no leak of any kind, and the
# same exit status as without valgrind.
# usage: run-valgrind.sh WVM
set -u
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: skipped (not installed)"; exit 0; }
WVM=$(cd "$(dirname "$1")" && printf '%s/%s' "$(pwd)" "$(basename "$1")")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wvm-valgrind.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
pass=0
fail=0
for dir in "$ROOT/src/test/resources/conformance" "$HERE/cases"; do
    cd "$dir" || exit 1
    for f in *.whbc; do
        name=${f%.whbc}
        case $name in d8_*) continue ;; esac # 100 000-deep recursion: too slow under valgrind
        want=0
        [ -f "$name.code" ] && read -r want <"$name.code"
        args=""
        [ -f "$name.args" ] && args=$(cat "$name.args")
        input=/dev/null
        [ -f "$name.stdin" ] && input=$name.stdin
        # shellcheck disable=SC2086
        valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
            --error-exitcode=99 --log-file="$TMP/log" "$WVM" "$f" $args <"$input" >/dev/null 2>&1
        rc=$?
        if [ "$rc" = "$want" ] && [ ! -s "$TMP/log" ]; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL: $name (exit $rc, want $want)"
            head -20 "$TMP/log"
        fi
    done
done
echo "valgrind: $pass/$((pass + fail)) clean, $fail failed"
[ "$fail" -eq 0 ]

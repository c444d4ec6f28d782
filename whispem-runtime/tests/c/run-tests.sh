#!/bin/sh
# The C-side test suite of wvm.  Needs only sh, cmp, diff, sed, head.
#
# usage: run-tests.sh WVM MUTANTS
#   WVM      the wvm binary to test (plain or sanitizer build)
#   MUTANTS  the in-process corrupted-bytecode driver (tests/c/mutants.c)
#
# Sections:
#   1. conformance corpus (src/test/resources/conformance), run from the
#      reference .whbc files exactly as its README says
#   2. our own cases (tests/c/cases): same layout and comparison rules, plus
#      optional NAME.args (arguments, one line), NAME.stdin and NAME.env
#      (VAR=VALUE words, one line, added to the environment; the kv_*
#      variables MINIKV_* are always cleared first)
#   3. malformed bytecode: every truncation of a real file must be rejected
#      with one "Invalid bytecode" line and exit 1; then truncations and bit
#      flips of several files in-process (no crash, hang or leak)
#   4. command line: --dump, missing file, REPL without compiler
# Prints one summary line; exits 1 if anything failed.

set -u
unset MINIKV_URL MINIKV_TOKEN MINIKV_TIMEOUT_MS
[ $# -eq 2 ] || { echo "usage: $0 WVM MUTANTS" >&2; exit 2; }
abspath() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
WVM=$(abspath "$1")
MUTANTS=$(abspath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CORPUS=$ROOT/src/test/resources/conformance
CASES=$HERE/cases
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wvm-tests.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run_case NAME, in the case directory: the conformance README's rules,
# with NAME.whbc as the path.  Few processes per case: the suite must stay fast.
run_case() {
    name=$1
    args=""
    [ -f "$name.args" ] && args=$(cat "$name.args")
    input=/dev/null
    [ -f "$name.stdin" ] && input=$name.stdin
    envs=""
    [ -f "$name.env" ] && envs=$(cat "$name.env")
    # shellcheck disable=SC2086 # args and envs are split on purpose
    env $envs "$WVM" "$name.whbc" $args <"$input" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ -f "$name.code" ]; then
        cat "$TMP/out" "$TMP/err" >"$TMP/got"
        sed "s/$name\.wsp/$name.whbc/g" "$name.err" >"$TMP/want"
        read -r want_rc <"$name.code"
        if [ "$rc" = "$want_rc" ] && cmp -s "$TMP/got" "$TMP/want"; then
            ok
        else
            ko "$name: exit $rc (want $want_rc)"
            diff "$TMP/want" "$TMP/got" | head -10
        fi
    elif [ "$rc" = 0 ] && [ ! -s "$TMP/err" ] && cmp -s "$TMP/out" "$name.out"; then
        ok
    else
        ko "$name: exit $rc"
        diff "$name.out" "$TMP/out" | head -10
        head -3 "$TMP/err"
    fi
}

# 1. conformance corpus
n_corpus=0
cd "$CORPUS" || exit 1
for f in *.whbc; do
    run_case "${f%.whbc}"
    n_corpus=$((n_corpus + 1))
done

# 2. own cases
n_cases=0
cd "$CASES" || exit 1
for f in *.whbc; do
    [ -f "$f" ] || continue
    run_case "${f%.whbc}"
    n_cases=$((n_cases + 1))
done

# 3a. truncations of a real file through the real binary (every offset of
# the header and first chunk, then every 4th; mutants.c covers all offsets)
check_rejected() { # FILE LABEL
    (cd "$TMP" && "$WVM" "$1" </dev/null >"$TMP/out" 2>"$TMP/err")
    rc=$?
    lines=$(wc -l <"$TMP/err")
    if [ "$rc" = 1 ] && [ ! -s "$TMP/out" ] && [ "$lines" -eq 1 ] &&
        grep -q "^$1: Error: Invalid bytecode: " "$TMP/err"; then
        ok
    else
        ko "$2: exit $rc, stderr: $(head -c 300 "$TMP/err")"
    fi
}
n_trunc=0
src=$CORPUS/err_modulo_zero.whbc
size=$(wc -c <"$src")
i=0
while [ "$i" -lt "$size" ]; do
    head -c "$i" "$src" >"$TMP/cut.whbc"
    check_rejected cut.whbc "err_modulo_zero.whbc truncated to $i bytes"
    if [ "$i" -lt 40 ]; then i=$((i + 1)); else i=$((i + 4)); fi
    n_trunc=$((n_trunc + 1))
done
# and one extra byte at the end
{ cat "$src"; printf 'x'; } >"$TMP/cut.whbc"
check_rejected cut.whbc "err_modulo_zero.whbc with a trailing byte"

# 3b. truncations and bit flips in-process (see mutants.c)
if "$MUTANTS" "$CORPUS/closures_counter.whbc" "$CORPUS/closures_nested.whbc" \
    "$CORPUS/dict_basics.whbc" "$CORPUS/call_dispatch.whbc" "$CORPUS/lambdas.whbc" \
    "$CORPUS/for_loops.whbc" "$CORPUS/err_arity.whbc" "$CORPUS/string_builtins.whbc" \
    $(ls "$CASES"/d9_*.whbc 2>/dev/null) >"$TMP/mutants" 2>&1; then
    ok
    mutants=$(cat "$TMP/mutants")
else
    ko "corrupted bytecode driver: $(tail -5 "$TMP/mutants")"
    mutants="failed"
fi

# 4. command line
(cd "$CORPUS" && "$WVM" --dump closures_counter.whbc >"$TMP/dump" 2>"$TMP/err")
if [ $? = 0 ] && [ ! -s "$TMP/err" ] && cmp -s "$TMP/dump" "$CASES/dump_closures_counter.txt"; then ok; else
    ko "--dump closures_counter.whbc"
    diff "$CASES/dump_closures_counter.txt" "$TMP/dump" | head -5
fi
"$WVM" "$TMP/does-not-exist.whbc" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" = 1 ] && [ "$(cat "$TMP/err")" = "Cannot read '$TMP/does-not-exist.whbc': No such file or directory (os error 2)" ]; then ok; else
    ko "missing file: exit $rc, $(cat "$TMP/err")"
fi
# a copy of the binary in an empty directory finds no compiler/wsc.whbc
mkdir "$TMP/alone" && cp "$WVM" "$TMP/alone/wvm"
(cd "$TMP/alone" && WSC_WHBC= ./wvm </dev/null >"$TMP/out" 2>"$TMP/err")
rc=$?
if [ "$rc" = 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "REPL needs the self-hosted compiler" "$TMP/err"; then ok; else
    ko "REPL without compiler: exit $rc"
fi

total=$((pass + fail))
echo "wvm tests: $pass/$total passed ($n_corpus conformance, $n_cases own cases, $n_trunc truncations via CLI, in-process: $mutants), $fail failed"
[ "$fail" -eq 0 ]

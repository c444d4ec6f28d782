#!/bin/sh
# Benchmarks wvm against Lua 5.4 and CPython 3 on the same five programs.
# CPU time (user + sys) per run, median of RUNS runs (default 5), measured
# with GNU time; each program's output is checked to be identical across
# the three implementations first.  Not a test: it only reports.
# usage: bench.sh WVM [RUNS]
set -u
WVM=$(cd "$(dirname "$1")" && printf '%s/%s' "$(pwd)" "$(basename "$1")")
RUNS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE" || exit 1
LUA=$(command -v lua5.4 || command -v lua || true)
PY=$(command -v python3 || true)
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (/usr/bin/time)"; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wvm-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# median CPU seconds of RUNS runs of a command
cpu_median() {
    : >"$TMP/times"
    r=0
    while [ "$r" -lt "$RUNS" ]; do
        /usr/bin/time -f "%U %S" -o "$TMP/t" "$@" >/dev/null 2>&1
        awk '{ printf "%.3f\n", $1 + $2 }' "$TMP/t" >>"$TMP/times"
        r=$((r + 1))
    done
    sort -n "$TMP/times" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

printf '%-10s %9s %9s %9s %9s %9s\n' program wvm lua5.4 python3 wvm/lua wvm/py
for prog in fib loops strings wordcount mapreduce; do
    "$WVM" "$prog.whbc" >"$TMP/wvm.out" 2>&1
    [ -n "$LUA" ] && "$LUA" "$prog.lua" >"$TMP/lua.out" 2>&1
    [ -n "$PY" ] && "$PY" "$prog.py" >"$TMP/py.out" 2>&1
    for other in lua py; do
        if [ -s "$TMP/$other.out" ] && ! cmp -s "$TMP/wvm.out" "$TMP/$other.out"; then
            echo "bench: $prog: output of $other differs from wvm" >&2
        fi
    done
    w=$(cpu_median "$WVM" "$prog.whbc")
    l=$([ -n "$LUA" ] && cpu_median "$LUA" "$prog.lua" || echo NA)
    p=$([ -n "$PY" ] && cpu_median "$PY" "$prog.py" || echo NA)
    printf '%-10s %9s %9s %9s %9s %9s\n' "$prog" "$w" "$l" "$p" \
        "$(awk -v a="$w" -v b="$l" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "NA" }')" \
        "$(awk -v a="$w" -v b="$p" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "NA" }')"
    echo "$prog $w $l $p" >>"$TMP/all"
done
awk '{ if ($2 > 0 && $3 > 0) { n++; sl += log($2 / $3) } if ($2 > 0 && $4 > 0) { m++; sp += log($2 / $4) } }
     END { printf "geometric mean of wvm/lua5.4: %.2f, of wvm/python3: %.2f\n", exp(sl / n), exp(sp / m) }' "$TMP/all"

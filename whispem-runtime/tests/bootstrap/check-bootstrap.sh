#!/bin/sh
# Bootstrap check of the self-hosted compiler (docs/whispem/self-hosted-compiler.md).
#
#   sh tests/bootstrap/check-bootstrap.sh [WVM]
#
# stage0 = compiler/wsc.wsp compiled by the Java compiler (target/whispem.jar, or $WHISPEM_JAR)
#          when Java is available, else the checked-in compiler/wsc.whbc;
# stage1 = wvm stage0 compiler/wsc.wsp;  stage2 = wvm stage1 compiler/wsc.wsp.
# Prints the three SHA-1 hashes and fails unless they are equal and compiler/wsc.whbc is stage2.
# With Java, also checks that the Java VM running stage0 produces stage1.
# Java is $JAVA, else $JAVA_HOME/bin/java, else java on PATH; WHISPEM_JAR= (empty) skips Java.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
wvm=${1:-$root/wvm}
jar=${WHISPEM_JAR-$root/target/whispem.jar}
java=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
out=${BOOTSTRAP_DIR:-$root/build/bootstrap}
src=$root/compiler/wsc.wsp
checked_in=$root/compiler/wsc.whbc

fail() {
    echo "bootstrap: FAILED: $*" >&2
    exit 1
}

sha1() {
    if command -v sha1sum >/dev/null 2>&1; then
        sha1sum "$1" | cut -d' ' -f1
    else
        shasum -a 1 "$1" | cut -d' ' -f1
    fi
}

# Runs a compiler stage; its "Compiled ..." line goes to a log, shown only on failure.
stage() {
    log=$out/$1.log
    shift
    "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "$*"; }
}

[ -x "$wvm" ] || fail "no wvm at $wvm (make -C whispem-runtime wvm)"
mkdir -p "$out" || fail "cannot create $out"
rm -f "$out"/stage*.whbc

use_java=false
if [ -n "$jar" ] && [ -f "$jar" ] && command -v "$java" >/dev/null 2>&1; then
    use_java=true
fi

if $use_java; then
    origin="Java compiler $jar"
    stage stage0 "$java" -jar "$jar" --compile "$src" "$out/stage0.whbc"
else
    origin="checked-in compiler/wsc.whbc (Java compiler not used)"
    cp "$checked_in" "$out/stage0.whbc" || fail "cannot copy $checked_in"
fi
stage stage1 "$wvm" "$out/stage0.whbc" "$src" "$out/stage1.whbc"
stage stage2 "$wvm" "$out/stage1.whbc" "$src" "$out/stage2.whbc"

h0=$(sha1 "$out/stage0.whbc")
h1=$(sha1 "$out/stage1.whbc")
h2=$(sha1 "$out/stage2.whbc")
echo "stage0 $h0  ($origin)"
echo "stage1 $h1  (wvm stage0 compiler/wsc.wsp)"
echo "stage2 $h2  (wvm stage1 compiler/wsc.wsp)"
[ "$h0" = "$h1" ] && [ "$h1" = "$h2" ] || fail "the stages differ"

if $use_java; then
    stage stage1-javavm "$java" -jar "$jar" "$out/stage0.whbc" "$src" "$out/stage1-javavm.whbc"
    hj=$(sha1 "$out/stage1-javavm.whbc")
    echo "stage1 $hj  (Java VM running stage0)"
    [ "$hj" = "$h1" ] || fail "the Java VM produced a different stage1"
fi

cmp -s "$out/stage2.whbc" "$checked_in" ||
    fail "compiler/wsc.whbc is not stage2; refresh it with: cp $out/stage2.whbc $checked_in"
echo "bootstrap: OK (fixed point; compiler/wsc.whbc = stage2)"

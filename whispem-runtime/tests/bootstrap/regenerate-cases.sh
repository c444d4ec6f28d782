#!/bin/sh
# Regenerates the expected results of tests/bootstrap/cases with the Java reference compiler:
# NAME.whbc when NAME.wsp compiles, else NAME.err (its diagnostic line). Review with git diff.
#
#   sh tests/bootstrap/regenerate-cases.sh        (needs target/whispem.jar, or $WHISPEM_JAR)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar=${WHISPEM_JAR:-$root/target/whispem.jar}
java=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
[ -f "$jar" ] || { echo "no $jar (build the Java CLI first)" >&2; exit 1; }
cd "$here/cases" || exit 1
for f in *.wsp; do
    name=${f%.wsp}
    rm -f "$name.whbc" "$name.err"
    if "$java" -jar "$jar" --compile "$f" "$name.whbc" 2>"$name.log"; then
        rm -f "$name.log"
    else
        rm -f "$name.whbc"
        mv "$name.log" "$name.err"
    fi
done

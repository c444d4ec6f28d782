#!/usr/bin/env bash
# Runs a standalone MiniKV node (coordinator + volume in one process, RF=1) on port 8080.
# Builds the node first if its jar is missing. Data goes to ./data relative to where you stand
# (override with MINIKV_DATA_DIR or JAVA_OPTS=-Dminikv.data-dir=DIR).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$repo_root/node/target/quarkus-app/quarkus-run.jar"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    java_bin="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
    java_bin="$(command -v java)"
else
    echo "no java found: set JAVA_HOME to a JDK 21+ (e.g. /usr/lib/jvm/temurin-25-jdk-amd64)" >&2
    exit 1
fi

java_major="$("$java_bin" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
if [[ -z "$java_major" || "$java_major" -lt 21 ]]; then
    echo "java at $java_bin is ${java_major:-unknown}, MiniKV needs 21+: set JAVA_HOME to a JDK 21+ (e.g. /usr/lib/jvm/temurin-25-jdk-amd64)" >&2
    exit 1
fi

needs_build=no
if [[ ! -f "$jar" ]]; then
    needs_build=yes
elif [[ -d "$repo_root/node/src/main" ]] \
    && [[ -n "$(find "$repo_root/node/src/main" "$repo_root/node/pom.xml" -newer "$jar" -print -quit)" ]]; then
    needs_build=yes
fi
if [[ "$needs_build" == yes ]]; then
    echo "building the node..." >&2
    (cd "$repo_root" && JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java_bin")")")" \
        ./mvnw -q -pl node -am package -DskipTests)
fi

# JVM options may be given in JAVA_OPTS or as arguments (-Dkey=value, -X...): those go before
# -jar so Quarkus sees them as configuration; every other argument goes to the application.
jvm_args=()
app_args=()
for arg in "$@"; do
    case "$arg" in
        -D*|-X*) jvm_args+=("$arg") ;;
        *) app_args+=("$arg") ;;
    esac
done
# shellcheck disable=SC2086
exec "$java_bin" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} "${jvm_args[@]}" \
    -jar "$jar" "${app_args[@]}"

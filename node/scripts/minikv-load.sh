#!/usr/bin/env bash
# The MiniKV load tool: node/scripts/minikv-load.sh --help. Needs the node built
# (./mvnw -pl node -am package -DskipTests); runs from the node's packaged libraries.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
app="$repo_root/node/target/quarkus-app"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_bin" --enable-native-access=ALL-UNNAMED ${LOAD_JAVA_OPTS:-} \
    -cp "$app/app/*:$app/lib/main/*:$app/lib/boot/*" dev.whispem.minikv.node.tools.LoadTool "$@"

#!/usr/bin/env bash
# The MiniKV load tool: node/scripts/minikv-load.sh --help. Needs the node built
# (./mvnw -pl node -am package -DskipTests); runs from the node's packaged libraries.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
app="$repo_root/node/target/quarkus-app"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# C1 only by default: the load tool shares the machine with the servers it measures, and C2's
# compile work (seconds of CPU in a short run) would be taken from them. Measured on the 2-core
# machine: the client's CPU per run halved and the cluster's write figure rose by 80 %
# (docs/performance.md). The serial collector: the tool keeps almost nothing alive, so its young
# collections are short, and no concurrent GC threads compete with the server; at 10,000 reads/s
# open loop it lowered the measured p99 from 3-6 ms to about 2 ms. A 512 MiB young generation: at
# 10,000 requests/s the tool collects about every 20 s instead of every 4 s, so a 10 s measurement
# usually sees none of its own pauses (it prints how many it had). LOAD_JAVA_OPTS replaces all three.
exec "$java_bin" --enable-native-access=ALL-UNNAMED -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    ${LOAD_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn512m} \
    -cp "$app/app/*:$app/lib/main/*:$app/lib/boot/*" dev.whispem.minikv.node.tools.LoadTool "$@"

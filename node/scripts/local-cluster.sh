#!/usr/bin/env bash
# Runs a MiniKV cluster on loopback as separate JVMs: coordinators and volume servers.
#
#   node/scripts/local-cluster.sh start [coordinators (default 3)] [volumes (default 3)]
#   node/scripts/local-cluster.sh add-volume <i>      start volume server v<i> (it joins, shards rebalance)
#   node/scripts/local-cluster.sh drain-volume <i>    drain v<i>, wait until it holds nothing, remove it, stop it
#   node/scripts/local-cluster.sh status | stop
#
# Coordinator c<i>: HTTP 8080+i, Raft 9870+i. Volume server v<i>: HTTP 8090+i, Raft 9880+i.
# c1 creates the metadata group; c2… register with it and are added one membership change at a
# time, as the operator does. Volume servers report to the coordinators, which place the shard
# groups on them (RF = min(3, volumes) unless MINIKV_REPLICATION_FACTOR is set). Any node accepts
# any request. Data and logs: $MINIKV_CLUSTER_DIR/<name> (default ./local-cluster).
# MINIKV_GROUPS sets minikv.replication.groups (default 8; fixed when the cluster is first started,
# recorded in $MINIKV_CLUSTER_DIR/groups and reused by add-volume and later starts):
# all six JVMs share one machine here, and fewer groups coalesce more writes per Raft entry
# (docs/performance.md). JAVA_OPTS replaces the default "-Xmx384m -XX:TieredStopAtLevel=1": six JVMs
# sharing one small machine do better without C2's compile work (docs/performance.md); a real
# deployment gives each server its own cores and keeps the JVM's default. Needs Java 21 or newer
# (JAVA_HOME or the java on PATH).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$repo_root/node/target/quarkus-app/quarkus-run.jar"
dir="${MINIKV_CLUSTER_DIR:-$PWD/local-cluster}"
command="${1:-status}"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
coordinator_list="127.0.0.1:8081,127.0.0.1:8082,127.0.0.1:8083,127.0.0.1:8084,127.0.0.1:8085"

# Whether the node whose home is $1 runs: its pid file names a live process running our jar (a
# pid left from an earlier run may have been reused by something else).
running() {
    [[ -f "$1/pid" ]] && tr '\0' ' ' <"/proc/$(cat "$1/pid")/cmdline" 2>/dev/null | grep -q "$jar"
}

check_java() {
    local version major
    version="$("$java_bin" -version 2>&1 | head -n 1)" || true
    major="$(sed -E 's/.*version "([0-9]+).*/\1/' <<<"$version")"
    if ! [[ "$major" =~ ^[0-9]+$ ]] || ((major < 21)); then
        echo "MiniKV needs Java 21 or newer; $java_bin is: ${version:-missing}. Set JAVA_HOME." >&2
        exit 1
    fi
}

launch() { # name role http-port raft-port
    local name="$1" role="$2" http="$3" raft="$4" home="$dir/$1"
    mkdir -p "$home"
    if running "$home"; then
        echo "$name already running (pid $(cat "$home/pid"))"
        return
    fi
    check_java
    "$java_bin" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:--Xmx384m -XX:TieredStopAtLevel=1} \
        -Dquarkus.http.port="$http" -Dquarkus.http.host=127.0.0.1 \
        -Dminikv.data-dir="$home" -Dminikv.role="$role" \
        -Dminikv.raft.node-id="$name" -Dminikv.raft.port="$raft" \
        -Dminikv.cluster.coordinators="$coordinator_list" \
        -Dminikv.cluster.bootstrap-coordinator=c1 \
        -Dminikv.cluster.replication-factor="${MINIKV_REPLICATION_FACTOR:-$rf}" \
        -Dminikv.replication.groups="$groups" \
        -jar "$jar" >>"$home/node.log" 2>&1 &
    echo $! >"$home/pid"
    sleep 0.5
    if ! running "$home"; then
        echo "$name did not start; the end of $home/node.log:" >&2
        tail -n 20 "$home/node.log" >&2
        exit 1
    fi
    echo "$name ($role) started: http://127.0.0.1:$http (pid $!, log $home/node.log)"
}

# The cluster's group count: chosen by MINIKV_GROUPS (default 8) at its first start and recorded in
# $dir/groups, since every node must agree with it (a volume server configured otherwise hosts
# nothing). Later commands reuse it; asking for another count is an error.
cluster_groups() {
    local file="$dir/groups"
    if [[ -f "$file" ]]; then
        groups="$(cat "$file")"
        if [[ -n "${MINIKV_GROUPS:-}" && "$MINIKV_GROUPS" != "$groups" ]]; then
            echo "this cluster ($dir) was started with MINIKV_GROUPS=$groups; its group count cannot change (unset MINIKV_GROUPS, or use another MINIKV_CLUSTER_DIR)" >&2
            exit 1
        fi
    else
        groups="${MINIKV_GROUPS:-8}"
        mkdir -p "$dir"
        echo "$groups" >"$file"
    fi
}

wait_http() { # url expected-substring seconds
    for _ in $(seq 1 $(($3 * 5))); do
        if curl -fs "$1" 2>/dev/null | grep -q "$2"; then return 0; fi
        sleep 0.2
    done
    echo "timed out waiting for $1 to show $2" >&2
    return 1
}

start() {
    local coordinators="${1:-3}" volumes="${2:-3}"
    rf=$((volumes < 3 ? 1 : 3))
    cluster_groups
    if [[ ! -f "$jar" ]]; then
        (cd "$repo_root" && ./mvnw -q -pl node -am package -DskipTests)
    fi
    # All coordinators start together: on a first start c1 alone forms the metadata group; on a
    # restart the earlier members need each other for a quorum.
    for i in $(seq 1 "$coordinators"); do launch "c$i" coordinator $((8080 + i)) $((9870 + i)); done
    wait_http http://127.0.0.1:8081/q/health/ready UP 120
    for i in $(seq 1 "$volumes"); do launch "v$i" volume $((8090 + i)) $((9880 + i)); done
    for i in $(seq 2 "$coordinators"); do
        # A coordinator registers itself first; adding it is one membership change at a time.
        local added=no
        for _ in $(seq 1 150); do
            if curl -fs -X PUT "http://127.0.0.1:8081/v1/admin/coordinators/c$i" >/dev/null 2>&1; then
                added=yes
                break
            fi
            sleep 0.4
        done
        [[ "$added" == yes ]] || { echo "c$i could not be added; see $dir/c$i/node.log" >&2; exit 1; }
        echo "c$i added to the metadata group"
    done
    wait_http http://127.0.0.1:8081/v1/admin/cluster '"underReplicatedShards":0' 120
    # Every node ready too: a volume server answers requests only once the map has reached it.
    for i in $(seq 1 "$coordinators"); do wait_http "http://127.0.0.1:$((8080 + i))/q/health/ready" UP 60; done
    for i in $(seq 1 "$volumes"); do wait_http "http://127.0.0.1:$((8090 + i))/q/health/ready" UP 60; done
    echo "cluster ready: any of http://127.0.0.1:8081… (coordinators) or :8091… (volume servers)"
}

add_volume() {
    rf=3
    cluster_groups
    launch "v$1" volume $((8090 + $1)) $((9880 + $1))
}

drain_volume() {
    local i="$1"
    for _ in $(seq 1 600); do
        local answer
        answer="$(curl -fs -X POST "http://127.0.0.1:8081/v1/admin/volumes/v$i/drain" || true)"
        if [[ "$answer" == *'"drained":true'* ]]; then break; fi
        sleep 1
    done
    # Stop it before removing it: a running volume server would register again.
    stop_one "v$i"
    curl -fs -X DELETE "http://127.0.0.1:8081/v1/admin/volumes/v$i" >/dev/null
    echo "v$i drained, stopped and removed"
}

stop_one() {
    local home="$dir/$1"
    if running "$home"; then
        local pid
        pid="$(cat "$home/pid")"
        kill "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
    rm -f "$home/pid"
}

stop() {
    for home in "$dir"/v* "$dir"/c*; do
        [[ -d "$home" ]] && stop_one "$(basename "$home")"
    done
    echo "stopped"
}

status() {
    for home in "$dir"/c* "$dir"/v*; do
        [[ -d "$home" ]] || continue
        local name port state="stopped" ready=""
        name="$(basename "$home")"
        if [[ "$name" == c* ]]; then port=$((8080 + ${name:1})); else port=$((8090 + ${name:1})); fi
        if running "$home"; then
            state="running (pid $(cat "$home/pid"))"
            ready="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready" || true)"
            ready=" ready=$([[ "$ready" == 200 ]] && echo yes || echo no)"
        fi
        echo "$name http://127.0.0.1:$port $state$ready"
    done
    curl -fs http://127.0.0.1:8081/v1/admin/cluster 2>/dev/null && echo || true
}

case "$command" in
    start) start "${2:-3}" "${3:-3}" ;;
    add-volume) add_volume "${2:?volume number}" ;;
    drain-volume) drain_volume "${2:?volume number}" ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start [coordinators] [volumes] | add-volume N | drain-volume N | status | stop" >&2; exit 2 ;;
esac

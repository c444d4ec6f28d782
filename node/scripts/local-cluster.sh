#!/usr/bin/env bash
# Runs a replicated MiniKV cluster on loopback as separate JVMs.
#
#   node/scripts/local-cluster.sh start|stop|status [nodes (default 3)]
#
# Every node hosts a replica of every shard group (RF = number of nodes) and any node accepts any
# request. Node i listens for HTTP on 8080+i and for Raft on 9870+i; its data and log live in
# $MINIKV_CLUSTER_DIR/n<i> (default ./local-cluster, relative to where you stand).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$repo_root/node/target/quarkus-app/quarkus-run.jar"
dir="${MINIKV_CLUSTER_DIR:-$PWD/local-cluster}"
command="${1:-status}"
nodes="${2:-3}"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

peers() {
    local list=""
    for i in $(seq 1 "$nodes"); do
        list+="${list:+,}n$i=127.0.0.1:$((9870 + i))"
    done
    echo "$list"
}

start() {
    if [[ ! -f "$jar" ]]; then
        (cd "$repo_root" && ./mvnw -q -pl node -am package -DskipTests)
    fi
    local all
    all="$(peers)"
    for i in $(seq 1 "$nodes"); do
        local home="$dir/n$i"
        mkdir -p "$home"
        if [[ -f "$home/pid" ]] && kill -0 "$(cat "$home/pid")" 2>/dev/null; then
            echo "n$i already running (pid $(cat "$home/pid"))"
            continue
        fi
        "$java_bin" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} \
            -Dquarkus.http.port=$((8080 + i)) -Dquarkus.http.host=127.0.0.1 \
            -Dminikv.data-dir="$home" -Dminikv.role=volume \
            -Dminikv.replication.engine=ratis \
            -Dminikv.raft.node-id="n$i" -Dminikv.raft.port=$((9870 + i)) \
            -Dminikv.raft.peers="$all" \
            -jar "$jar" >>"$home/node.log" 2>&1 &
        echo $! >"$home/pid"
        echo "n$i started: http://127.0.0.1:$((8080 + i)) (pid $!, log $home/node.log)"
    done
}

stop() {
    for i in $(seq 1 "$nodes"); do
        local home="$dir/n$i"
        if [[ -f "$home/pid" ]] && kill -0 "$(cat "$home/pid")" 2>/dev/null; then
            kill "$(cat "$home/pid")"
            echo "n$i stopping (pid $(cat "$home/pid"))"
        fi
    done
    for i in $(seq 1 "$nodes"); do
        local home="$dir/n$i"
        if [[ -f "$home/pid" ]]; then
            local pid
            pid="$(cat "$home/pid")"
            for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            rm -f "$home/pid"
        fi
    done
}

status() {
    for i in $(seq 1 "$nodes"); do
        local home="$dir/n$i" state="stopped" ready=""
        if [[ -f "$home/pid" ]] && kill -0 "$(cat "$home/pid")" 2>/dev/null; then
            state="running (pid $(cat "$home/pid"))"
            ready="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((8080 + i))/q/health/ready" || true)"
            ready=" ready=$([[ "$ready" == 200 ]] && echo yes || echo no)"
        fi
        echo "n$i http://127.0.0.1:$((8080 + i)) $state$ready"
    done
}

case "$command" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status [nodes]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A three-member etcd on loopback, the peer MiniKV's performance is compared with
# (docs/performance.md). Needs the Debian etcd-server package (apt-get install etcd-server).
#   node/scripts/etcd-local.sh start   # clients on 127.0.0.1:2371-2373, peers on 2381-2383
#   node/scripts/etcd-local.sh stop
# Data and logs: $ETCD_LOCAL_DIR/<name> (default ./etcd-local).
set -euo pipefail

dir="${ETCD_LOCAL_DIR:-$PWD/etcd-local}"
cluster="e1=http://127.0.0.1:2381,e2=http://127.0.0.1:2382,e3=http://127.0.0.1:2383"

start() {
    command -v etcd >/dev/null || {
        echo "etcd not found: apt-get install etcd-server" >&2
        exit 1
    }
    for i in 1 2 3; do
        local home="$dir/e$i"
        mkdir -p "$home"
        etcd --name "e$i" --data-dir "$home/data" \
            --listen-client-urls "http://127.0.0.1:237$i" \
            --advertise-client-urls "http://127.0.0.1:237$i" \
            --listen-peer-urls "http://127.0.0.1:238$i" \
            --initial-advertise-peer-urls "http://127.0.0.1:238$i" \
            --initial-cluster "$cluster" --initial-cluster-state new \
            --initial-cluster-token minikv-compare >>"$home/etcd.log" 2>&1 &
        echo $! >"$home/pid"
    done
    for _ in $(seq 1 100); do
        if curl -fs http://127.0.0.1:2371/health 2>/dev/null | grep -q true; then
            echo "etcd ready: http://127.0.0.1:2371,http://127.0.0.1:2372,http://127.0.0.1:2373"
            return
        fi
        sleep 0.2
    done
    echo "etcd did not become healthy; see $dir/e*/etcd.log" >&2
    exit 1
}

stop() {
    for i in 1 2 3; do
        local pidfile="$dir/e$i/pid"
        if [[ -f "$pidfile" ]]; then
            kill "$(cat "$pidfile")" 2>/dev/null || true
            rm -f "$pidfile"
        fi
    done
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *)
        echo "usage: $0 start|stop" >&2
        exit 2
        ;;
esac

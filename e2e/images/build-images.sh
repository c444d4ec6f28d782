#!/usr/bin/env bash
# build-images.sh: builds the project's container images from local artifacts, without a registry.
#
#   local/mini:glibc            busybox + the host's glibc (make-mini-rootfs.sh), the base of all
#   local/jre:25-mini           a jlink'ed Java runtime on that base
#   minikv-node                 node/target/quarkus-app on local/jre:25-mini
#   minikv-operator             operator/target/quarkus-app on local/jre:25-mini
#   whispem-runtime             whispem-runtime/wvm + compiler/wsc.whbc on local/mini:glibc
#
# Each is tagged :latest and with the chart's appVersion, the names the operator and the chart
# use by default, so a cluster that has the images loaded needs no image settings at all.
# Run it after `./mvnw package` (the e2e module runs it before its container tests). Images whose
# inputs are missing are skipped with a message. With no Docker engine it says so and exits 0: the
# container tests then skip themselves with one line saying why.
# Options: --force rebuilds the two base images as well.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/e2e/images"
work="$root/e2e/target/images"
force=false
[ "${1:-}" = "--force" ] && force=true

say() { printf '[images] %s\n' "$*"; }

# Debian's docker.io CLI matches its engine; a newer CLI earlier in PATH prints a builder banner.
docker() { if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else command docker "$@"; fi; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

if ! docker info >/dev/null 2>&1; then
  say "no Docker engine reachable: images not built (start dockerd to run the container tests)"
  exit 0
fi

jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$work"

if $force || ! have_image local/jre:25-mini; then
  say "making local/jre:25-mini with jlink from $jdk"
  rm -rf "$work/jre-ctx" && mkdir -p "$work/jre-ctx"
  # java.naming/jdk.zipfs/jdk.unsupported are needed at run time by Quarkus though jdeps misses them.
  modules=java.base,java.logging,java.management,jdk.management,java.naming,java.net.http,java.sql,java.xml,jdk.unsupported,jdk.zipfs,jdk.crypto.ec
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
      --compress=zip-6 --output "$work/jre-ctx/jre"
  "$here/make-mini-rootfs.sh" "$work/rootfs" "$work/jre-ctx/jre/bin/java" "$work"/jre-ctx/jre/lib/*.so \
      "$work/jre-ctx/jre/lib/server/libjvm.so" /usr/lib/x86_64-linux-gnu/libstdc++.so.6
  tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
  docker import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' -c 'CMD ["/bin/sh"]' "$work/rootfs.tar" local/mini:glibc >/dev/null
  [ "$(docker image inspect -f '{{.Size}}' local/mini:glibc)" -gt 1000000 ] || { say "local/mini:glibc came out empty"; exit 1; }
  printf 'FROM local/mini:glibc\nCOPY jre /opt/java\nENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin\n' > "$work/jre-ctx/Dockerfile"
  docker build -q -t local/jre:25-mini "$work/jre-ctx" >/dev/null
fi

version=$(sed -n 's/^appVersion: *"*\([^"]*\)"*$/\1/p' "$root/charts/minikv-operator/Chart.yaml")

build_quarkus_image() { # name module
  local name=$1 module=$2
  if [ ! -f "$root/$module/target/quarkus-app/quarkus-run.jar" ]; then
    say "skipping $name: $module/target/quarkus-app is missing (./mvnw -pl $module -am package)"
    return
  fi
  say "building $name"
  docker build -q --build-arg BASE=local/jre:25-mini --build-arg VERSION="$version" \
      -f "$root/$module/src/main/docker/Dockerfile" -t "$name:latest" -t "$name:$version" "$root/$module" >/dev/null
}

build_quarkus_image minikv-node node
build_quarkus_image minikv-operator operator

if [ -x "$root/whispem-runtime/wvm" ] && [ -f "$root/whispem-runtime/compiler/wsc.whbc" ]; then
  say "building whispem-runtime"
  docker build -q --build-arg BASE=local/mini:glibc --build-arg VERSION="$version" \
      -t whispem-runtime:latest -t "whispem-runtime:$version" "$root/whispem-runtime" >/dev/null
else
  say "skipping whispem-runtime: whispem-runtime/wvm or compiler/wsc.whbc is missing"
fi
say "done: $(docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(minikv-|whispem-runtime|local/)' | tr '\n' ';')"

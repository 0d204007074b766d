#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

# Measures the emulator's live heap with 0 and with N seeded nodes (default 10000) and prints the
# difference, so docs/emulator.md can quote a figure with the command that produced it.
# Usage: valence-emulator/measure-heap.sh [NODES] [PORT]   (after `./mvnw -B -pl valence-emulator package`)
# Talks only to 127.0.0.1; every wait is bounded; the emulators it starts are stopped on exit.
set -euo pipefail

NODES=${1:-10000}
PORT=${2:-28182}
JAR="$(cd "$(dirname "$0")" && pwd)/target/valence-emulator.jar"
LOG=$(mktemp -t emulator-heap.XXXXXX)
pid=""

stop() {
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        wait "$pid" 2>/dev/null || true
    fi
    pid=""
}
trap 'stop; rm -f "$LOG"' EXIT

[[ -f "$JAR" ]] || { echo "no $JAR: run ./mvnw -B -pl valence-emulator package first" >&2; exit 1; }

# Prints the live heap in bytes of an emulator seeded with $1 nodes, after one full listing.
live_heap() {
    java -jar "$JAR" --server.port="$PORT" --emulator.node-count="$1" --emulator.transition-delay=0 >"$LOG" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
        grep -q '^valence-emulator ready' "$LOG" && break
        kill -0 "$pid" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
        sleep 0.5
    done
    grep -q '^valence-emulator ready' "$LOG" || { echo "emulator did not start" >&2; exit 1; }
    # One listing and one detail so lazily built parts (links, Jackson caches) are counted too.
    curl -sf --max-time 60 "http://127.0.0.1:$PORT/v1/nodes" >/dev/null
    curl -sf --max-time 10 "http://127.0.0.1:$PORT/v1/nodes/$(sed -n 's/^node 1 \([^ ]*\) .*/\1/p' "$LOG")" >/dev/null
    # The class histogram runs a full GC first, so its total is the live heap.
    jcmd "$pid" GC.class_histogram | awk '/^Total/ {print $3}'
    stop
}

base=$(live_heap 0)
full=$(live_heap "$NODES")
echo "live heap with 0 nodes:      $base bytes"
echo "live heap with $NODES nodes: $full bytes"
awk -v b="$base" -v f="$full" -v n="$NODES" 'BEGIN {
    printf "difference: %.1f MiB, %.0f bytes per node\n", (f - b) / 1048576, (n > 0) ? (f - b) / n : 0 }'

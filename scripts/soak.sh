#!/usr/bin/env bash
# Soak test (issue 14, floods and limits; not part of the test command): a release `muster serve` on loopback, on
# SQLite in a temporary data directory, under a mixed, bounded load for DURATION seconds (first argument, default
# 600): HTTP, MQTT and CoAP provisioning of new devices, HTTP, MQTT (QoS 1, reconnecting device connections) and CoAP
# telemetry from provisioned devices, and CSV imports through the job API (scripts/lib/soak-load.py, Python's
# standard library only). After a 30 s warm-up and again at the end it prints the server's peak and current RSS
# (VmHWM, VmRSS), its open file descriptors and the p99 latency of each kind of request over the window just ended;
# it exits 1 when the fds, the RSS or a p99 grew by a wide margin from start to end, or when more than 1% of a kind's
# requests failed. SOAK_SCALE multiplies every rate (default 1); SOAK_IMPORT_ROWS sets the rows per import (20000).
# MUSTER_BIN names a prebuilt binary; otherwise `swift build -c release --product muster` (incremental) builds it.
#   scripts/soak.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-600}"
[[ "$DURATION" =~ ^[0-9]+$ ]] && [ "$DURATION" -ge 120 ] || { echo "usage: $0 [seconds, at least 120]" >&2; exit 2; }

source scripts/lib/bench-server.sh
bench_need curl
bench_need python3

muster_binary muster

work="$(mktemp -d)"
cleanup() { muster_stop; rm -rf "$work"; }
trap cleanup EXIT

muster_start_provisioning "$work/data" "$work/server.log"
mqtt="$(muster_port mqtt)"
coap="$(muster_port coap)"
echo "== muster pid $MUSTER_PID at $MUSTER_BASE, MQTT $mqtt, CoAP $coap (SQLite in $work/data)"

status=0
timeout $((DURATION + 120)) python3 scripts/lib/soak-load.py --duration "$DURATION" --pid "$MUSTER_PID" \
    --http "${MUSTER_BASE##*:}" --mqtt "$mqtt" --coap "$coap" \
    --key "$MUSTER_PROFILE_KEY" --secret "$MUSTER_PROFILE_SECRET" --admin-token "$MUSTER_TOKEN" || status=$?
if ! kill -0 "$MUSTER_PID" 2>/dev/null; then
    echo "SOAK FAILED: the server exited during the run"
    tail -30 "$work/server.log"
    status=1
elif grep -qiE "fatal|error" "$work/server.log"; then
    echo "== server log lines with errors (first 10)"
    grep -iE "fatal|error" "$work/server.log" | head -10
fi
exit "$status"

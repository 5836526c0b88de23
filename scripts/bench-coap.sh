#!/usr/bin/env bash
# Benchmark of CoAP provisioning (issue 5). Builds a release binary (or takes MUSTER_BIN), starts it on a fresh data
# directory on loopback, and drives POST /api/v1/provision over UDP with benchmarks/coap/coap-load.c (compiled here
# with cc), printing requests/s and p50/p99 latency for:
#   1. new devices (a unique name in every request),
#   2. re-sends for RESEND_DEVICES existing devices (provisioned first, untimed).
# Every run is bounded in time and count: DURATION seconds (default 10) or MAX requests (default 200000), whichever
# comes first, with CLIENTS concurrent UDP clients (default 64), each with one confirmable request in flight.
# Goals (issue 5, 2-core machine): resend >= 5000 requests/s, new >= 3000 requests/s.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10}"
CLIENTS="${CLIENTS:-64}"
MAX="${MAX:-200000}"
RESEND_DEVICES="${RESEND_DEVICES:-1000}"

source scripts/lib/bench-server.sh
bench_need curl
bench_need cc gcc

muster_binary muster

work="$(mktemp -d)"
log="$work/server.log"
cleanup() { muster_stop; rm -rf "$work"; }
trap cleanup EXIT

cc -O2 -o "$work/coap-load" benchmarks/coap/coap-load.c

muster_start_provisioning "$work/data" "$log"
key="$MUSTER_PROFILE_KEY"
secret="$MUSTER_PROFILE_SECRET"
coap="$(muster_port coap)"

echo "== coap-load: $CLIENTS clients, ${DURATION}s or $MAX requests per run (after a 2 s warm-up each)"
"$work/coap-load" 127.0.0.1 "$coap" new "$key" "$secret" "warm-$RANDOM" "$CLIENTS" 2 "$MAX" >/dev/null
# measured LOAD-ARG… — one coap-load run; its result line gets the server's CPU µs per answered request.
measured() {
    local before after line ok
    before="$(bench_cpu_ticks "$MUSTER_PID")"
    line="$("$work/coap-load" "$@")"
    after="$(bench_cpu_ticks "$MUSTER_PID")"
    ok="${line#*ok=}"
    echo "$line cpu_us=$(bench_cpu_us_per_op $((after - before)) "${ok%% *}")"
}
measured 127.0.0.1 "$coap" new "$key" "$secret" "new-$RANDOM" "$CLIENTS" "$DURATION" "$MAX"
measured 127.0.0.1 "$coap" resend "$key" "$secret" "resend-$RANDOM" "$CLIENTS" "$DURATION" "$MAX" "$RESEND_DEVICES"
echo "goals: resend >= 5000 requests/s, new >= 3000 requests/s (ok = 2.01 answers; other = any other code;"
echo "cpu_us = the server's CPU time, user + system from /proc/PID/stat, per 2.01 answer)"

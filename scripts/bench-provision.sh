#!/usr/bin/env bash
# Benchmark of HTTP provisioning (issue: foundation). Builds a release binary (or takes MUSTER_BIN), starts it on a
# fresh data directory on loopback, and drives it with wrk over keep-alive connections, printing requests/s and
# p50/p99 latency for:
#   1. the trivial routes: POST /api/health (parse a small JSON body, answer JSON: the reference, as the
#      hello-world JSON POST route of the performance notes) and GET /api/health,
#   2. POST /api/v1/provision for new devices (unique names),
#   3. POST /api/v1/provision re-sends for existing devices.
# Every run is bounded: DURATION seconds each (default 10), CONNECTIONS keep-alive connections (default 64).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
RESEND_DEVICES="${RESEND_DEVICES:-1000}"

source scripts/lib/bench-server.sh
bench_need wrk
bench_need curl

muster_binary muster

work="$(mktemp -d)"
log="$work/server.log"
cleanup() { muster_stop; rm -rf "$work"; }
trap cleanup EXIT

muster_start_provisioning "$work/data" "$log"
base="$MUSTER_BASE"
key="$MUSTER_PROFILE_KEY"
secret="$MUSTER_PROFILE_SECRET"

echo "== creating $RESEND_DEVICES devices for the re-send run"
config="$work/curl.cfg"
for i in $(seq 0 $((RESEND_DEVICES - 1))); do
    printf 'url = "%s/api/v1/provision"\nheader = "Content-Type: application/json"\ndata = "{\\"provisionDeviceKey\\":\\"%s\\",\\"provisionDeviceSecret\\":\\"%s\\",\\"deviceName\\":\\"resend-%d\\"}"\noutput = "/dev/null"\n' \
        "$base" "$key" "$secret" "$i"
done >"$config"
curl -s --no-progress-meter --parallel --parallel-max 16 -K "$config"

export MUSTER_KEY="$key" MUSTER_SECRET="$secret" MUSTER_DEVICES="$RESEND_DEVICES" MUSTER_BENCH_DIR="$PWD/benchmarks/wrk"
run() {
    local name="$1" script="$2"
    MUSTER_RUN="$name-$RANDOM" wrk -t1 -c"$CONNECTIONS" -d2s -s "benchmarks/wrk/$script" "$base" >/dev/null
    local line
    line="$(MUSTER_RUN="$name-$RANDOM" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "benchmarks/wrk/$script" "$base" | grep '^RESULT')"
    echo "$name $line"
}
echo "== wrk -t1 -c$CONNECTIONS -d${DURATION}s (after a 2 s warm-up each)"
results="$(run trivial trivial-post.lua; run get trivial-get.lua; run new provision-new.lua; run resend provision-resend.lua)"
echo "$results" | awk '
    { name=$1; for (i=2; i<=NF; i++) { split($i, kv, "="); v[name, kv[1]] = kv[2] } names[++n] = name }
    END {
        printf "%-10s %12s %10s %10s %8s %8s %10s\n", "route", "requests/s", "p50 ms", "p99 ms", "errors", "failed", "x trivial"
        for (i = 1; i <= n; i++) {
            k = names[i]
            printf "%-10s %12d %10.2f %10.2f %8d %8d %10.2f\n", k, v[k,"rps"], v[k,"p50_ms"], v[k,"p99_ms"], v[k,"errors"], v[k,"failed_answers"], v[k,"rps"] / v["trivial","rps"]
        }
    }'
echo "trivial = POST /api/health; get = GET /api/health; new = provisioning new devices; resend = re-sends"
echo "goals: new >= 0.40 x trivial, resend >= 0.60 x trivial"

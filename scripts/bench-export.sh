#!/usr/bin/env bash
# Benchmark of export (issue 16): imports ROWS devices (default 1,000,000; name, type, label, a server and a shared
# attribute, a telemetry value, an access token) through the job API into a fresh server, restarts it (so that the
# import's memory does not count), then exports them with their credentials (GET /api/imports/export
# ?includeCredentials=true, streamed by curl to a file). Prints the export's seconds, rows/s, file size, and the
# server's peak RSS over the export (VmHWM of the restarted process), beside its RSS when idle.
# Every step is bounded in time (TIMEOUT seconds, default 900); the script cleans up. `--database postgres` exports
# from a throw-away PostgreSQL cluster (see scripts/lib/bench-server.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${ROWS:-1000000}"
TIMEOUT="${TIMEOUT:-900}"

source scripts/lib/bench-server.sh
bench_database_option "$@"
bench_need curl

work="$(mktemp -d)"
cleanup() { muster_stop; bench_database_stop; rm -rf "$work"; }
trap cleanup EXIT
muster_binary muster muster-bench

echo "== generating and importing $ROWS rows"
timeout 600 "$MUSTER_BENCH_BIN" generate-csv --rows "$ROWS" --out "$work/devices.csv"
cat >"$work/mapping.json" <<'JSON'
{"entityType":"DEVICE","columns":[{"type":"NAME"},{"type":"TYPE"},{"type":"LABEL"},
 {"type":"SERVER_ATTRIBUTE","key":"serialNumber"},{"type":"SHARED_ATTRIBUTE","key":"fw"},
 {"type":"TIMESERIES","key":"temperature"},{"type":"ACCESS_TOKEN"}],"delimiter":",","header":true,"update":false}
JSON
bench_database_start
muster_start_bench "$work/data" "$work/server.log"
job="$(curl -sf --max-time "$TIMEOUT" -H "X-Authorization: Bearer $MUSTER_TOKEN" \
    -F "mapping=<$work/mapping.json;type=application/json" -F "file=@$work/devices.csv;type=text/csv" \
    "$MUSTER_BASE/api/imports" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')"
[ -n "$job" ] || { echo "upload refused"; exit 1; }
deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
    report="$(curl -sf --max-time 10 -H "X-Authorization: Bearer $MUSTER_TOKEN" "$MUSTER_BASE/api/imports/$job")"
    echo "$report" | grep -q '"status":"RUNNING"' || break
    [ "$(date +%s)" -lt "$deadline" ] || { echo "import still running after ${TIMEOUT}s"; exit 1; }
    sleep 1
done
echo "$report" | grep -q '"status":"DONE"' || { echo "import ended: $report"; exit 1; }
rm -f "$work/devices.csv"

echo "== restarting, then exporting"
muster_stop
MUSTER_ADMIN_EMAIL=bench@muster.local MUSTER_ADMIN_PASSWORD=bench-password-1 muster_start "$work/data" "$work/server.log"
MUSTER_TOKEN="$(muster_login bench@muster.local bench-password-1)"
idle_kb="$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$MUSTER_PID/status")"
start="$(date +%s.%N)"
status="$(curl -s --max-time "$TIMEOUT" -o "$work/export.csv" -w '%{http_code}' \
    -H "X-Authorization: Bearer $MUSTER_TOKEN" "$MUSTER_BASE/api/imports/export?includeCredentials=true")"
end="$(date +%s.%N)"
[ "$status" = 200 ] || { echo "export answered $status"; head -c 500 "$work/export.csv"; exit 1; }
peak_kb="$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$MUSTER_PID/status")"
lines="$(wc -l <"$work/export.csv")"
size="$(stat -c %s "$work/export.csv")"
awk -v rows="$((lines - 1))" -v a="$start" -v b="$end" -v size="$size" -v idle="$idle_kb" -v peak="$peak_kb" 'BEGIN {
    printf "export:    %d rows in %.1f s (%.0f rows/s), %.1f MB CSV\n", rows, b - a, rows / (b - a), size / 1e6
    printf "memory:    %.1f MB RSS idle after restart, %.1f MB peak RSS (VmHWM) through the export\n", idle / 1024, peak / 1024
}'
[ "$((lines - 1))" = "$ROWS" ] || { echo "expected $ROWS rows"; exit 1; }

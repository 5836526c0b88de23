#!/usr/bin/env bash
# Benchmark of bulk import (issue 3). Builds release binaries (or takes MUSTER_BIN and MUSTER_BENCH_BIN), generates a
# ROWS-row device CSV (name, type, label, a server attribute, a shared attribute, a telemetry column, an access token;
# default 1,000,000 rows), then:
#   1. the reference: the same rows inserted straight into a fresh store with prepared statements
#      (`muster-bench sqlite-reference`), as fast as SQLite allows;
#   2. the import: a fresh server on loopback, the file uploaded to the job API (POST /api/imports), polled until
#      DONE; the server's peak RSS is read from /proc (VmHWM).
# Prints import rows/s, total seconds (upload to DONE), peak RSS, the reference's rows/s and seconds, and the ratio.
# Then ThingsBoard's JSON endpoint (POST /api/device/bulk_import) with a TB_ROWS-row file (default 100,000), on the
# same server, with other names and tokens. Last, provisioning alone and while the import runs (with wrk, MIXED_*
# below): requests/s and p50/p99 of both, and the import's time meanwhile.
# Every step is bounded in time (TIMEOUT seconds for the import, default 600), and the script cleans up.
# MIXED_ONLY=1 runs only the last part (provisioning alone and during the import).
#
# `--database postgres`: the server imports into a throw-away PostgreSQL cluster started here (durable settings, see
# scripts/lib/bench-server.sh); the SQLite reference is skipped, and the goals are PostgreSQL's (issue 12: 1,000,000
# rows in <= 90 s, peak RSS <= 256 MB). The store alone, without HTTP: `muster-bench import-local --database URL`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${ROWS:-1000000}"
TIMEOUT="${TIMEOUT:-600}"
TB_ROWS="${TB_ROWS:-100000}"

source scripts/lib/bench-server.sh
bench_database_option "$@"
bench_need curl

work="$(mktemp -d)"
log="$work/server.log"
cleanup() { muster_stop; bench_database_stop; rm -rf "$work"; }
trap cleanup EXIT

muster_binary muster muster-bench

echo "== generating $ROWS rows"
timeout 600 "$MUSTER_BENCH_BIN" generate-csv --rows "$ROWS" --out "$work/devices.csv"
echo "   $(du -h "$work/devices.csv" | cut -f1) CSV"

cat >"$work/mapping.json" <<'EOF'
{"entityType":"DEVICE","columns":[{"type":"NAME"},{"type":"TYPE"},{"type":"LABEL"},
 {"type":"SERVER_ATTRIBUTE","key":"serialNumber"},{"type":"SHARED_ATTRIBUTE","key":"fw"},
 {"type":"TIMESERIES","key":"temperature"},{"type":"ACCESS_TOKEN"}],"delimiter":",","header":true,"update":false}
EOF

field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p"; }
# upload_job BASE TOKEN — uploads devices.csv to the job API; sets `job` (exits when refused).
upload_job() {
    local created
    created="$(curl -sf --max-time "$TIMEOUT" -H "X-Authorization: Bearer $2" \
        -F "mapping=<$work/mapping.json;type=application/json" -F "file=@$work/devices.csv;type=text/csv" \
        "$1/api/imports")"
    job="$(echo "$created" | field id)"
    [ -n "$job" ] || { echo "upload refused: $created"; exit 1; }
}
# job_report BASE TOKEN — the job's JSON now.
job_report() { curl -sf --max-time 10 -H "X-Authorization: Bearer $2" "$1/api/imports/$job"; }
# wait_job BASE TOKEN — polls until the job is no longer RUNNING (at most TIMEOUT s); sets `report` and `status`.
wait_job() {
    local deadline=$(( $(date +%s) + TIMEOUT ))
    status=RUNNING
    while [ "$status" = RUNNING ]; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "import still running after ${TIMEOUT}s"; exit 1; }
        sleep 0.5
        report="$(job_report "$1" "$2")"
        status="$(echo "$report" | field status)"
    done
}

reference_rps=0
reference_seconds=0
if [ "$BENCH_DATABASE" = sqlite ] && [ "${MIXED_ONLY:-0}" != 1 ]; then
    echo "== reference: the same rows straight into SQLite"
    reference="$(timeout 1800 "$MUSTER_BENCH_BIN" sqlite-reference --rows "$ROWS" --dir "$work/reference" 2>/dev/null)"
    echo "$reference" | sed 's/^/   /'
    reference_rps="$(echo "$reference" | sed -n 's/^reference rows\/s: //p')"
    reference_seconds="$(echo "$reference" | sed -n 's/^reference seconds: //p')"
    rm -rf "$work/reference"
fi

if [ "${MIXED_ONLY:-0}" != 1 ]; then
echo "== import through the job API (database: $BENCH_DATABASE)"
bench_database_start
muster_start_bench "$work/data" "$log"
base="$MUSTER_BASE"
token="$MUSTER_TOKEN"
start="$(date +%s.%N)"
cpu_before="$(bench_cpu_ticks "$MUSTER_PID")"
upload_job "$base" "$token"
uploaded="$(date +%s.%N)"
wait_job "$base" "$token"
end="$(date +%s.%N)"
cpu_us_per_row="$(bench_cpu_us_per_op $(($(bench_cpu_ticks "$MUSTER_PID") - cpu_before)) "$ROWS")"
peak_kb="$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$MUSTER_PID/status")"
[ "$status" = DONE ] || { echo "import ended $status: $report"; exit 1; }

total="$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
echo "   job: $report" | cut -c1-400
awk -v rows="$ROWS" -v total="$total" -v upload="$(awk -v a="$start" -v b="$uploaded" 'BEGIN { print b - a }')" \
    -v created="$(echo "$report" | field created)" -v errors="$(echo "$report" | field errors)" \
    -v job_rps="$(echo "$report" | field rowsPerSecond)" -v peak="$peak_kb" \
    -v ref_rps="$reference_rps" -v ref_s="$reference_seconds" -v database="$BENCH_DATABASE" -v cpu="$cpu_us_per_row" 'BEGIN {
        printf "== results (%d rows)\n", rows
        printf "import:    %8.0f rows/s  %7.2f s total (upload %.2f s)  job rowsPerSecond %s  created %s  errors %s\n", rows / total, total, upload, job_rps, created, errors
        printf "peak RSS:  %8.1f MB (server VmHWM); server CPU %s us per row (user + system, upload to DONE)\n", peak / 1024, cpu
        if (database == "postgres") {
            printf "goals (PostgreSQL, issue 12): 1,000,000 rows in <= 90 s, peak RSS <= 256 MB\n"
        } else {
            printf "reference: %8.0f rows/s  %7.2f s\n", ref_rps, ref_s
            printf "ratio:     %8.2f x reference (goal >= 0.70); goals: total <= 60 s (aim 30 s), peak RSS <= 256 MB\n", rows / total / ref_rps
        }
    }'

echo "== ThingsBoard's JSON endpoint with $TB_ROWS rows"
timeout 600 "$MUSTER_BENCH_BIN" generate-csv --rows "$TB_ROWS" --seed 7 --out "$work/tb.csv"
python3 - "$work/tb.csv" "$work/tb.json" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read().replace("device-", "tb-device-")
columns = [{"type": "NAME"}, {"type": "TYPE"}, {"type": "LABEL"}, {"type": "SERVER_ATTRIBUTE", "key": "serialNumber"},
           {"type": "SHARED_ATTRIBUTE", "key": "fw"}, {"type": "TIMESERIES", "key": "temperature"}, {"type": "ACCESS_TOKEN"}]
json.dump({"file": text, "mapping": {"columns": columns, "delimiter": ",", "update": False, "header": True}},
          open(sys.argv[2], "w"))
PY
tb_start="$(date +%s.%N)"
tb_result="$(curl -s --max-time "$TIMEOUT" -H "X-Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary "@$work/tb.json" "$base/api/device/bulk_import" | cut -c1-300)"
tb_end="$(date +%s.%N)"
awk -v rows="$TB_ROWS" -v a="$tb_start" -v b="$tb_end" -v size="$(stat -c %s "$work/tb.json")" -v result="$tb_result" 'BEGIN {
    printf "bulk_import: %d rows (%.1f MB body) in %.2f s = %.0f rows/s: %s\n", rows, size / 1048576, b - a, rows / (b - a), result
}'

fi

# ---- provisioning while an import runs (issue 15) ---------------------------------------------------------------
# MIXED_CONNECTIONS clients (default 8) provision new devices over HTTP for MIXED_SECONDS (default 10): first alone,
# then on a fresh server while the ROWS-row job import runs (the run starts once the job is RUNNING and must end
# before it does). Goal: during the import, p99 <= 50 ms and requests/s >= 0.8 x alone.
MIXED_CONNECTIONS="${MIXED_CONNECTIONS:-8}"
MIXED_SECONDS="${MIXED_SECONDS:-10}"
if command -v wrk >/dev/null 2>&1; then
    echo "== provisioning ($MIXED_CONNECTIONS clients, new devices, ${MIXED_SECONDS} s) alone, then during an import"
    muster_stop
    bench_database_stop
    bench_database_start
    muster_start_provisioning "$work/mixed" "$work/mixed.log"
    base="$MUSTER_BASE"
    export MUSTER_KEY="$MUSTER_PROFILE_KEY" MUSTER_SECRET="$MUSTER_PROFILE_SECRET" MUSTER_BENCH_DIR="$PWD/benchmarks/wrk"
    provision() {
        MUSTER_RUN="$1-$RANDOM" timeout $((MIXED_SECONDS + 30)) wrk -t1 -c"$MIXED_CONNECTIONS" -d"${MIXED_SECONDS}s" \
            -s benchmarks/wrk/provision-new.lua "$base" | grep '^RESULT'
    }
    MUSTER_RUN="warm-$RANDOM" wrk -t1 -c"$MIXED_CONNECTIONS" -d2s -s benchmarks/wrk/provision-new.lua "$base" >/dev/null
    alone="$(provision alone)"
    mixed_start="$(date +%s.%N)"
    upload_job "$base" "$MUSTER_TOKEN"
    # The provisioning run starts once the job writes rows (its check pass reads the file first).
    for _ in $(seq 1 600); do
        rows_done="$(job_report "$base" "$MUSTER_TOKEN" | field rowsProcessed)"
        [ "${rows_done:-0}" -gt 0 ] && break
        sleep 0.1
    done
    during="$(provision during)"
    still="$(job_report "$base" "$MUSTER_TOKEN" | field status)"
    wait_job "$base" "$MUSTER_TOKEN"
    mixed_end="$(date +%s.%N)"
    [ "$still" = RUNNING ] || echo "   note: the import ended before the provisioning run did; make ROWS larger"
    printf '%s\n%s\n' "alone $alone" "during $during" | awk -v rows="$ROWS" -v total="$(awk -v a="$mixed_start" -v b="$mixed_end" 'BEGIN { print b - a }')" '
        { name=$1; for (i=2; i<=NF; i++) { split($i, kv, "="); v[name, kv[1]] = kv[2] } }
        END {
            printf "%-22s %12s %10s %10s\n", "provisioning", "requests/s", "p50 ms", "p99 ms"
            printf "%-22s %12d %10.2f %10.2f\n", "alone", v["alone","rps"], v["alone","p50_ms"], v["alone","p99_ms"]
            printf "%-22s %12d %10.2f %10.2f\n", "during the import", v["during","rps"], v["during","p50_ms"], v["during","p99_ms"]
            printf "during / alone: %.2f x requests/s (goal >= 0.8); p99 during %.1f ms (goal <= 50)\n", v["during","rps"] / v["alone","rps"], v["during","p99_ms"]
            printf "the import meanwhile: %d rows in %.2f s = %.0f rows/s (upload to DONE)\n", rows, total, rows / total
        }'
fi

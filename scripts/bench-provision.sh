#!/usr/bin/env bash
# Benchmark of HTTP provisioning (issue: foundation). Builds a release binary (or takes MUSTER_BIN), starts it on a
# fresh data directory on loopback, and drives it with wrk over keep-alive connections, printing requests/s and
# p50/p99 latency for:
#   1. the trivial routes: POST /api/health (parse a small JSON body, answer JSON: the reference, as the
#      hello-world JSON POST route of the performance notes) and GET /api/health,
#   2. POST /api/v1/provision for new devices (unique names),
#   3. POST /api/v1/provision re-sends for existing devices,
# with the server's CPU microseconds per request (from /proc/PID/stat), then the raw store's limit for new devices:
# `muster-bench provision-store --audit` (device, credentials, provisionState and audit entry through the same store,
# group commit of 64, as many callers as connections, no HTTP) on a fresh store, and the ratio of the two.
# Every run is bounded: DURATION seconds each (default 10), CONNECTIONS keep-alive connections (default 64).
#
# `--database postgres`: the server runs on a throw-away PostgreSQL cluster started here (durable settings, see
# scripts/lib/bench-server.sh), and after the wrk runs the reference is pgbench on the same database and schema:
# the provisioning transaction (BEGIN; INSERT device; INSERT credentials; INSERT provisionState attribute; COMMIT)
# with PGBENCH_CLIENTS clients (default 8), prepared statements, DURATION seconds, printing its tps beside
# Muster's new-device requests/s.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
RESEND_DEVICES="${RESEND_DEVICES:-1000}"

PGBENCH_CLIENTS="${PGBENCH_CLIENTS:-8}"

source scripts/lib/bench-server.sh
bench_database_option "$@"
bench_need wrk
bench_need curl

muster_binary muster muster-bench

work="$(mktemp -d)"
log="$work/server.log"
cleanup() { muster_stop; bench_database_stop; rm -rf "$work"; }
trap cleanup EXIT

echo "== database: $BENCH_DATABASE"
bench_database_start
# BENCH_SERVE_ARGS: more `muster serve` options (e.g. `--provision-failure-limit 30` to measure with the limiter on).
# shellcheck disable=SC2086
muster_start_provisioning "$work/data" "$log" ${BENCH_SERVE_ARGS:-}
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
    local line before after
    before="$(bench_cpu_ticks "$MUSTER_PID")"
    line="$(MUSTER_RUN="$name-$RANDOM" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "benchmarks/wrk/$script" "$base" | grep '^RESULT')"
    after="$(bench_cpu_ticks "$MUSTER_PID")"
    local requests="${line#*requests=}"
    echo "$name $line cpu_us=$(bench_cpu_us_per_op $((after - before)) "${requests%% *}")"
}
echo "== wrk -t1 -c$CONNECTIONS -d${DURATION}s (after a 2 s warm-up each)"
results="$(run trivial trivial-post.lua; run get trivial-get.lua; run new provision-new.lua; run resend provision-resend.lua)"
echo "$results" | awk '
    { name=$1; for (i=2; i<=NF; i++) { split($i, kv, "="); v[name, kv[1]] = kv[2] } names[++n] = name }
    END {
        printf "%-10s %12s %10s %10s %8s %8s %10s %12s\n", "route", "requests/s", "p50 ms", "p99 ms", "errors", "failed", "x trivial", "CPU us/req"
        for (i = 1; i <= n; i++) {
            k = names[i]
            printf "%-10s %12d %10.2f %10.2f %8d %8d %10.2f %12.1f\n", k, v[k,"rps"], v[k,"p50_ms"], v[k,"p99_ms"], v[k,"errors"], v[k,"failed_answers"], v[k,"rps"] / v["trivial","rps"], v[k,"cpu_us"]
        }
    }'
echo "trivial = POST /api/health; get = GET /api/health; new = provisioning new devices; resend = re-sends"
echo "CPU us/req: the server's CPU time (user + system, /proc/PID/stat) over the run divided by the requests answered"
echo "goals: resend >= 0.60 x trivial; new >= 0.90 x the raw store (below)"
muster_stop

# The raw store's group-commit limit for the same rows: device + credentials + provisionState + audit entry through
# the same store with the same batching (64) and as many concurrent callers as wrk's connections, without HTTP.
echo "== reference: muster-bench provision-store --audit, $CONNECTIONS callers, ${DURATION}s, on a fresh store"
if [ "$BENCH_DATABASE" = postgres ]; then
    bench_psql "$BENCH_DATABASE_URL" -c "CREATE DATABASE muster_store_reference" >/dev/null
    store_target=(--database "${BENCH_DATABASE_URL%/*}/muster_store_reference")
else
    store_target=(--dir "$work/store-reference")
fi
store_out="$("$MUSTER_BENCH_BIN" provision-store "${store_target[@]}" --clients "$CONNECTIONS" --seconds "$DURATION" --audit)"
echo "$store_out"
echo "$results" | awk -v store="$(echo "$store_out" | sed -n 's/^provisionings\/s: \([0-9]*\).*/\1/p')" '
    $1 == "new" { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "rps") rps = kv[2] } }
    END {
        printf "muster new devices over HTTP: %d req/s = %.2f x the raw store (%d provisionings/s) (goal >= 0.90)\n", rps, (store > 0 ? rps / store : 0), store
    }'

[ "$BENCH_DATABASE" = postgres ] || exit 0
echo "== reference: pgbench, the provisioning transaction, -c $PGBENCH_CLIENTS -j 2 -M prepared -T $DURATION"
ids="$(bench_psql "$BENCH_DATABASE_URL" -At -F ' ' -c "SELECT tenant_id, id FROM device_profiles WHERE name = 'bench'")"
cat >"$work/schema.pgbench" <<'EOF'
\set r random(1, 9000000000000000000)
BEGIN;
INSERT INTO devices (tenant_id, id, name, search_text, type, device_profile_id, created_time, version)
    VALUES (:tenant, md5(:r::text)::uuid, 'pgbench-' || :r, 'pgbench-' || :r, 'bench', :profile, 0, 1);
INSERT INTO device_credentials (tenant_id, id, device_id, created_time, credentials_type, credentials_id, version)
    VALUES (:tenant, md5('c' || :r)::uuid, md5(:r::text)::uuid, 0, 'ACCESS_TOKEN', 'pgbench-' || :r, 1);
INSERT INTO attributes (entity_id, scope, key, value_type, str_v, last_update_ts)
    VALUES (md5(:r::text)::uuid, 2, 'provisionState', 'STRING', 'provisioned', 0);
END;
EOF
# The same transaction on copies of the three tables with their indexes and checks but without foreign keys and
# the entity_counts trigger (whose per-profile row every device insert updates): PostgreSQL's bare insert rate.
bench_psql "$BENCH_DATABASE_URL" -c "CREATE SCHEMA bare" \
    -c "CREATE TABLE bare.devices (LIKE public.devices INCLUDING ALL)" \
    -c "CREATE TABLE bare.device_credentials (LIKE public.device_credentials INCLUDING ALL)" \
    -c "CREATE TABLE bare.attributes (LIKE public.attributes INCLUDING ALL)"
sed 's/INSERT INTO /INSERT INTO bare./' "$work/schema.pgbench" >"$work/bare.pgbench"
pgbench_run() {
    local tps
    tps="$(timeout $((DURATION + 60)) "$BENCH_PG_BIN/pgbench" -n -c "$PGBENCH_CLIENTS" -j 2 -M prepared -T "$DURATION" \
        -D tenant="${ids% *}" -D profile="${ids#* }" -f "$work/$1.pgbench" "$BENCH_DATABASE_URL" 2>&1 \
        | tee "$work/$1.out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')" || true
    [ -n "$tps" ] || { cat "$work/$1.out" >&2; echo "pgbench failed" >&2; return 1; }
    echo "$tps"
}
schema_tps="$(pgbench_run schema)"
bare_tps="$(pgbench_run bare)"
echo "$results" | awk -v schema="$schema_tps" -v bare="$bare_tps" -v clients="$PGBENCH_CLIENTS" '
    $1 == "new" { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "rps") rps = kv[2] } }
    END {
        printf "pgbench -c %d, Muster'"'"'s schema (foreign keys, entity_counts trigger): %8.0f tps\n", clients, schema
        printf "pgbench -c %d, bare copies of the three tables:                       %8.0f tps\n", clients, bare
        printf "muster new devices: %d req/s = %.2f x pgbench on the schema, %.2f x bare (goal >= 1.0)\n", rps, rps / schema, rps / bare
    }'

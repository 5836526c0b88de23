#!/usr/bin/env bash
# Benchmark of one node against two nodes on one PostgreSQL database (issue 13). Builds a release binary (or takes
# MUSTER_BIN), starts a throw-away PostgreSQL cluster (durable settings, scripts/lib/bench-server.sh) and one
# `muster serve` on it, and measures, each run bounded by DURATION seconds (default 10) after a 2 s warm-up:
#   1. HTTP provisioning of new devices (wrk, CONNECTIONS keep-alive connections, default 64),
#   2. MQTT provisioning cycles of new devices (benchmarks/mqtt/mqtt-load.c, CLIENTS connections, default 64, at
#      most MAX cycles, default 200000);
# then starts a second node on the same database and runs both again with the load split evenly over the two nodes
# (two load generators at once, half the connections each). For every run it prints operations/s, the worse p99 of
# the generators, and the CPU time per operation read from /proc: each Muster process's (utime + stime), and
# PostgreSQL's (the postmaster's own and reaped children's time plus every live backend's), so that the capacity of
# N machines can be computed: a node on a core of its own carries about 1,000,000 / (Muster µs per operation)
# operations/s, and the database about 1,000,000 × cores / (PostgreSQL µs per operation).
# On a 2-core machine the two nodes, the database and the load generators share the same cores: two nodes cannot be
# faster than one here; what the run shows is that the second node costs no more CPU per operation.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
CLIENTS="${CLIENTS:-64}"
MAX="${MAX:-200000}"

source scripts/lib/bench-server.sh
bench_database_option --database postgres
bench_need wrk
bench_need curl
bench_need cc gcc

muster_binary muster

work="$(mktemp -d)"
node_a="" node_b=""
cleanup() {
    local pid
    for pid in "$node_a" "$node_b"; do
        MUSTER_PID="$pid" muster_stop
    done
    bench_database_stop
    rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/mqtt-load" benchmarks/mqtt/mqtt-load.c

echo "== database: PostgreSQL"
bench_database_start
muster_start_provisioning "$work/a" "$work/a.log" --node-name bench-a
node_a="$MUSTER_PID" base_a="$MUSTER_BASE" mqtt_a="$(muster_port mqtt)"
key="$MUSTER_PROFILE_KEY" secret="$MUSTER_PROFILE_SECRET"
clock_ticks="$(getconf CLK_TCK)"
postmaster="$(head -1 "$PG_CLUSTER_DIR/data/postmaster.pid")"

# postgres_ticks — PostgreSQL's CPU time: the postmaster with its reaped children, and every live child.
postgres_ticks() {
    local stat children
    stat="$(cat "/proc/$postmaster/stat")"
    stat="${stat##*) }"
    read -r -a f <<<"$stat"
    children="$(ps -o pid= --ppid "$postmaster" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    echo $((f[11] + f[12] + f[13] + f[14] + $(bench_cpu_ticks $children)))
}

export MUSTER_KEY="$key" MUSTER_SECRET="$secret" MUSTER_DEVICES=1 MUSTER_BENCH_DIR="$PWD/benchmarks/wrk"
# http_load BASE CONNECTIONS SECONDS — one wrk run of new-device provisionings; prints its RESULT line.
http_load() {
    MUSTER_RUN="n$RANDOM$RANDOM" wrk -t1 -c"$2" -d"$3s" -s benchmarks/wrk/provision-new.lua "$1" | grep '^RESULT'
}
# mqtt_load PORT CLIENTS SECONDS — one mqtt-load run of new-device provisioning cycles; prints its result line.
mqtt_load() {
    "$work/mqtt-load" 127.0.0.1 "$1" provision-new "$2" "$3" "$MAX" "$key" "$secret" "m$RANDOM$RANDOM"
}
# field NAME LINE… — the value of NAME=… in a result line.
field() { local name="$1"; shift; printf '%s\n' "$*" | tr ' ' '\n' | sed -n "s/^$name=//p" | head -1; }

# measure LABEL TRANSPORT NODE_PID… -- TARGET… — runs one load generator per TARGET (a base URL or an MQTT port) at
# once, with the connections split evenly, and prints one result row.
measure() {
    local label="$1" transport="$2"
    shift 2
    local pids=() targets=()
    while [ "$1" != "--" ]; do pids+=("$1"); shift; done
    shift
    targets=("$@")
    local per=$(( (transport == 0 ? CONNECTIONS : CLIENTS) / ${#targets[@]} ))
    local target i loads=()
    # (`wait` names the load generators: a bare `wait` would also wait for the servers, children of this shell)
    for target in "${targets[@]}"; do   # warm-up
        if [ "$transport" = 0 ]; then http_load "$target" "$per" 2 >/dev/null & else mqtt_load "$target" "$per" 2 >/dev/null & fi
        loads+=($!)
    done
    wait "${loads[@]}"
    loads=()
    local muster_before pg_before muster_after pg_after
    muster_before="$(bench_cpu_ticks "${pids[@]}")"
    pg_before="$(postgres_ticks)"
    i=0
    for target in "${targets[@]}"; do
        if [ "$transport" = 0 ]; then http_load "$target" "$per" "$DURATION" >"$work/out.$i" &
        else mqtt_load "$target" "$per" "$DURATION" >"$work/out.$i" & fi
        loads+=($!)
        i=$((i + 1))
    done
    wait "${loads[@]}"
    muster_after="$(bench_cpu_ticks "${pids[@]}")"
    pg_after="$(postgres_ticks)"
    local ops=0 rate=0 p99=0 errors=0 line
    for i in $(seq 0 $((${#targets[@]} - 1))); do
        line="$(cat "$work/out.$i")"
        if [ "$transport" = 0 ]; then
            ops=$((ops + $(field requests $line)))
            rate=$((rate + $(field rps $line)))
            errors=$((errors + $(field errors $line) + $(field failed_answers $line)))
        else
            ops=$((ops + $(field ok $line)))
            rate=$((rate + $(field rate $line)))
            errors=$((errors + $(field errors $line)))
        fi
        p99="$(awk -v a="$p99" -v b="$(field p99_ms $line)" 'BEGIN { print (b > a ? b : a) }')"
    done
    awk -v label="$label" -v rate="$rate" -v p99="$p99" -v errors="$errors" -v ops="$ops" -v hz="$clock_ticks" \
        -v m="$((muster_after - muster_before))" -v pg="$((pg_after - pg_before))" 'BEGIN {
        printf "%-34s %10d %9.2f %7d %14.0f %16.0f\n", label, rate, p99, errors,
            ops ? m * 1e6 / hz / ops : 0, ops ? pg * 1e6 / hz / ops : 0 }' | tee -a "$work/results"
}

header() { printf "%-34s %10s %9s %7s %14s %16s\n" "run" "ops/s" "p99 ms" "errors" "Muster µs/op" "PostgreSQL µs/op"; }

echo "== one node (DURATION=${DURATION}s per run, $CONNECTIONS HTTP connections, $CLIENTS MQTT connections)"
header
measure "HTTP provisioning, 1 node" 0 "$node_a" -- "$base_a"
measure "MQTT provisioning, 1 node" 1 "$node_a" -- "$mqtt_a"

MUSTER_PID=""
muster_start "$work/b" "$work/b.log" --node-name bench-b --provision-failure-limit 0
node_b="$MUSTER_PID" base_b="$MUSTER_BASE" mqtt_b="$(muster_port mqtt)"
echo "== two nodes on the same database, the load split evenly"
header
measure "HTTP provisioning, 2 nodes" 0 "$node_a" "$node_b" -- "$base_a" "$base_b"
measure "MQTT provisioning, 2 nodes" 1 "$node_a" "$node_b" -- "$mqtt_a" "$mqtt_b"

echo
awk '
    { rate[NR] = $(NF-4); muster[NR] = $(NF-1); pg[NR] = $NF }
    END {
        printf "two nodes / one node: HTTP %.2f, MQTT %.2f (the same 2 cores: not expected to be faster here)\n", rate[3] / rate[1], rate[4] / rate[2]
        printf "per core given to a node: about %d HTTP or %d MQTT provisionings/s (1e6 / Muster µs per operation, two-node runs)\n", 1e6 / muster[3], 1e6 / muster[4]
        printf "per core given to PostgreSQL: about %d HTTP or %d MQTT provisionings/s (1e6 / PostgreSQL µs per operation)\n", 1e6 / pg[3], 1e6 / pg[4]
    }' "$work/results"

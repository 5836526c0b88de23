#!/usr/bin/env bash
# Benchmark of MQTT (issue 4). Builds a release binary (or takes MUSTER_BIN), starts it on a fresh data directory on
# loopback, and drives it over TCP with benchmarks/mqtt/mqtt-load.c (compiled here with cc), printing ops/s and
# p50/p99 latency for:
#   1. provisioning cycles, new devices: connect, CONNECT as "provision", CONNACK, PUBLISH QoS 1 /provision/request,
#      PUBACK + /provision/response with "status":"SUCCESS", DISCONNECT, close (latency: connect to response),
#   2. the same cycles re-sent for RESEND_DEVICES existing devices (provisioned first, untimed),
#   3. authenticated CONNECT/CONNACK/DISCONNECT cycles with the access tokens returned in 2 (latency: connect to
#      CONNACK),
#   4. QoS 1 telemetry: CLIENTS token-authenticated connections, WINDOW (default 16) PUBLISHes in flight each,
#      messages/s counted by PUBACK (latency: PUBLISH to PUBACK),
#   5. the reference: Debian's mosquitto on a free loopback port (password file, no persistence, no logging), the
#      same authenticated CONNECT/CONNACK/DISCONNECT cycle with user name and password.
# Every run is bounded in time and count: DURATION seconds (default 10) or MAX operations (default 200000),
# whichever comes first, with CLIENTS concurrent connections (default 64), after a 2 s warm-up (1, 3, 5).
# Each line also gives the CPU time (user + system, /proc/PID/stat) of the serving process (Muster, or mosquitto for
# its run) per operation.
# Goal (issue 4, 2-core machine): provisioning cycles/s >= mosquitto's authenticated CONNECT/DISCONNECT cycles/s.
# `--database postgres`: the server runs on a throw-away PostgreSQL cluster started here (scripts/lib/bench-server.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10}"
CLIENTS="${CLIENTS:-64}"
MAX="${MAX:-200000}"
RESEND_DEVICES="${RESEND_DEVICES:-1000}"
WINDOW="${WINDOW:-16}"

source scripts/lib/bench-server.sh
bench_database_option "$@"
bench_need curl
bench_need cc gcc
{ [ -x /usr/sbin/mosquitto ] && command -v mosquitto_passwd >/dev/null; } || bench_apt_install mosquitto

muster_binary muster

work="$(mktemp -d)"
log="$work/server.log"
cleanup() {
    muster_stop
    bench_database_stop
    [ -n "${broker:-}" ] && kill "$broker" 2>/dev/null && wait "$broker" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/mqtt-load" benchmarks/mqtt/mqtt-load.c
load() { "$work/mqtt-load" "$@"; }

echo "== database: $BENCH_DATABASE"
bench_database_start
muster_start_provisioning "$work/data" "$log"
key="$MUSTER_PROFILE_KEY"
secret="$MUSTER_PROFILE_SECRET"
mqtt="$(muster_port mqtt)"

# mosquitto on a free loopback port below the ephemeral range (the load generator's source ports)
mosquitto_passwd -b -c "$work/mosquitto.passwd" bench bench-password >/dev/null 2>&1
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 1 20); do
    broker_port=$((20000 + RANDOM % 12000))
    in_use "$broker_port" && continue
    cat >"$work/mosquitto.conf" <<EOF
listener $broker_port 127.0.0.1
allow_anonymous false
password_file $work/mosquitto.passwd
persistence false
max_connections -1
log_dest none
user $(id -un)
EOF
    /usr/sbin/mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
    broker=$!
    for _ in $(seq 1 50); do
        in_use "$broker_port" && break
        kill -0 "$broker" 2>/dev/null || break
        sleep 0.1
    done
    in_use "$broker_port" && kill -0 "$broker" 2>/dev/null && break
    kill "$broker" 2>/dev/null; wait "$broker" 2>/dev/null || true
    broker=""
done
[ -n "${broker:-}" ] || { cat "$work/mosquitto.log"; echo "mosquitto did not start"; exit 1; }

tokens="$work/tokens"
echo "== mqtt-load: $CLIENTS connections, ${DURATION}s or $MAX operations per run (muster mqtt on $mqtt, mosquitto $(/usr/sbin/mosquitto -h | sed -n 's/.*version \([^ ]*\).*/\1/p') on $broker_port)"
# run NAME PID LOAD-ARG… — one measured mqtt-load run; its result line gets the CPU µs per operation of process PID.
run() {
    local name="$1" pid="$2" before after line ok
    shift 2
    before="$(bench_cpu_ticks "$pid")"
    line="$(load "$@")"
    after="$(bench_cpu_ticks "$pid")"
    ok="${line#*ok=}"
    echo "$name $line cpu_us=$(bench_cpu_us_per_op $((after - before)) "${ok%% *}")" | tee -a "$work/results"
}
load 127.0.0.1 "$mqtt" provision-new "$CLIENTS" 2 "$MAX" "$key" "$secret" "warm-$RANDOM" >/dev/null
run new "$MUSTER_PID" 127.0.0.1 "$mqtt" provision-new "$CLIENTS" "$DURATION" "$MAX" "$key" "$secret" "new-$RANDOM"
run resend "$MUSTER_PID" 127.0.0.1 "$mqtt" provision-resend "$CLIENTS" "$DURATION" "$MAX" "$key" "$secret" "resend-$RANDOM" "$RESEND_DEVICES" "$tokens"
[ -s "$tokens" ] || { echo "no access tokens from the re-send pool"; exit 1; }
load 127.0.0.1 "$mqtt" connect "$CLIENTS" 2 "$MAX" "@$tokens" >/dev/null
run connect "$MUSTER_PID" 127.0.0.1 "$mqtt" connect "$CLIENTS" "$DURATION" "$MAX" "@$tokens"
run telemetry "$MUSTER_PID" 127.0.0.1 "$mqtt" telemetry "$CLIENTS" "$DURATION" "$MAX" "@$tokens" - "$WINDOW"
load 127.0.0.1 "$broker_port" connect "$CLIENTS" 2 "$MAX" bench bench-password >/dev/null
run mosquitto "$broker" 127.0.0.1 "$broker_port" connect "$CLIENTS" "$DURATION" "$MAX" bench bench-password
echo
awk '
    { name=$1; for (i=3; i<=NF; i++) { split($i, kv, "="); v[name, kv[1]] = kv[2] } names[++n] = name }
    END {
        label["new"] = "muster provisioning, new devices (cycles/s)"
        label["resend"] = "muster provisioning, re-sends (cycles/s)"
        label["connect"] = "muster token CONNECT/DISCONNECT (cycles/s)"
        label["telemetry"] = "muster QoS 1 telemetry (messages/s)"
        label["mosquitto"] = "mosquitto password CONNECT/DISCONNECT (cycles/s)"
        printf "%-50s %10s %9s %9s %8s %11s\n", "run", "ops/s", "p50 ms", "p99 ms", "errors", "CPU us/op"
        for (i = 1; i <= n; i++) {
            k = names[i]
            printf "%-50s %10d %9.2f %9.2f %8d %11.1f\n", label[k], v[k,"rate"], v[k,"p50_ms"], v[k,"p99_ms"], v[k,"errors"], v[k,"cpu_us"]
        }
        m = v["mosquitto","rate"]
        if (m > 0) {
            printf "provisioning new / mosquitto connect    = %.2f\n", v["new","rate"] / m
            printf "provisioning resend / mosquitto connect = %.2f\n", v["resend","rate"] / m
            printf "goal: provisioning cycles/s >= mosquitto authenticated CONNECT/DISCONNECT cycles/s: new %s, resend %s\n", \
                (v["new","rate"] >= m ? "met" : "NOT met"), (v["resend","rate"] >= m ? "met" : "NOT met")
        }
    }' "$work/results"
if grep -qv '^muster: ' "$log"; then
    echo "server log (first 20 lines past start-up):"
    grep -v '^muster: ' "$log" | head -20
fi

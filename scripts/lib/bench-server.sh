# shellcheck shell=bash
# Shared start-up plumbing of the benchmark scripts (scripts/bench-*.sh): installing missing tools, choosing or
# building the release binaries, starting `muster serve` on loopback with every port picked by the kernel, reading
# the ports it reports, stopping it, logging in and creating a provisioning device profile.
#
# A typical provisioning benchmark:
#     muster_binary muster
#     work="$(mktemp -d)"
#     cleanup() { muster_stop; rm -rf "$work"; }
#     trap cleanup EXIT
#     muster_start_provisioning "$work/data" "$work/server.log"    # MUSTER_BASE, MUSTER_PROFILE_KEY, …
#     mqtt="$(muster_port mqtt)"
#
# Source it from a script that has already done `cd "$(dirname "$0")/.."` (the repository root) and
# `set -euo pipefail`:
#     source scripts/lib/bench-server.sh
# The functions do not rely on `set -e` (they return non-zero on failure, with the reason on stderr), so they also
# behave inside `if`, `||` and `$(…)`.
#
# PostgreSQL: a script that takes `--database postgres` (or `pgaf`: a pg_auto_failover formation with a synchronous
# standby, scripts/lib/pg-auto-failover.sh, the server on its multi-host URL) calls `bench_database_option "$@"` first, then
# `bench_database_start` (after its EXIT trap, which calls bench_database_stop); muster_start then serves from a
# fresh database of a throw-away cluster (scripts/lib/postgres-cluster.sh) with durable settings.
#
# Environment:
#   MUSTER_BIN        a prebuilt `muster` (absolute path): nothing is built.
#   MUSTER_BENCH_BIN  a prebuilt `muster-bench` (absolute path): nothing is built.
#   BENCH_PG_SETTINGS the PostgreSQL server settings of --database postgres (default: durable, as in production:
#                     fsync and synchronous_commit on, shared_buffers=512MB, max_wal_size=4GB).
# Set by the functions (not exported): BENCH_DATABASE (sqlite or postgres), BENCH_DATABASE_URL, MUSTER_BIN, MUSTER_BENCH_BIN (muster_binary); MUSTER_PID, MUSTER_LOG,
# MUSTER_BASE (muster_start); MUSTER_TOKEN (muster_start_bench); MUSTER_PROFILE_KEY, MUSTER_PROFILE_SECRET
# (muster_start_provisioning).

# bench_apt_install PACKAGE… — installs Debian packages quietly.
bench_apt_install() {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# bench_need COMMAND [PACKAGE] — installs PACKAGE (default: COMMAND) when COMMAND is not on PATH.
bench_need() {
    command -v "$1" >/dev/null || bench_apt_install "${2:-$1}"
}

# bench_database_option ARG… — reads `--database sqlite|postgres` (default sqlite) from the script's arguments into
# BENCH_DATABASE; fails on any other argument.
bench_database_option() {
    BENCH_DATABASE=sqlite
    while [ $# -gt 0 ]; do
        case "$1" in
            --database) BENCH_DATABASE="${2:-}"; shift 2 || { echo "--database needs sqlite or postgres" >&2; return 1; } ;;
            --database=*) BENCH_DATABASE="${1#--database=}"; shift ;;
            *) echo "unknown argument $1 (usage: $0 [--database sqlite|postgres|pgaf])" >&2; return 1 ;;
        esac
    done
    case "$BENCH_DATABASE" in
        sqlite | postgres | pgaf) ;;
        *) echo "--database must be sqlite, postgres or pgaf, not $BENCH_DATABASE" >&2; return 1 ;;
    esac
}

# bench_database_start — for --database postgres: installs PostgreSQL when missing, starts a throw-away cluster
# (postgres_cluster_start, with BENCH_PG_SETTINGS) and creates an empty database in it; sets BENCH_DATABASE_URL
# (muster_start serves from it) and BENCH_PG_BIN. Does nothing for sqlite.
bench_database_start() {
    if [ "${BENCH_DATABASE:-sqlite}" = pgaf ]; then
        # A pg_auto_failover formation (monitor, primary, synchronous standby; pg_autoctl's durable defaults), the
        # server given its multi-host URL.
        source scripts/lib/pg-auto-failover.sh
        pgaf_start || return 1
        BENCH_DATABASE_URL="$MUSTER_TEST_PGAF_URL"
        echo "   pg_auto_failover formation on $PGAF_HOSTS (synchronous standby)"
        return 0
    fi
    [ "${BENCH_DATABASE:-sqlite}" = postgres ] || return 0
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || bench_apt_install postgresql || return 1
    source scripts/lib/postgres-cluster.sh
    PG_CLUSTER_SETTINGS="${BENCH_PG_SETTINGS:--c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_buffers=512MB -c max_wal_size=4GB}" \
        postgres_cluster_start || return 1
    BENCH_PG_BIN="$PG_CLUSTER_BIN"
    bench_psql "${MUSTER_TEST_POSTGRES_URL}" -c "CREATE DATABASE muster_bench" >/dev/null || return 1
    BENCH_DATABASE_URL="${MUSTER_TEST_POSTGRES_URL%/*}/muster_bench"
    echo "   PostgreSQL $("$BENCH_PG_BIN/postgres" --version | sed -n 's/.*(PostgreSQL) \([^ ]*\).*/\1/p') at ${BENCH_DATABASE_URL}"
}

# bench_database_stop — stops the cluster of bench_database_start, if any (for the EXIT trap).
bench_database_stop() {
    BENCH_DATABASE_URL=""
    if declare -F pgaf_stop >/dev/null; then pgaf_stop; fi
    if declare -F postgres_cluster_stop >/dev/null; then postgres_cluster_stop; fi
    return 0
}

# bench_psql URL ARG… — psql of the benchmark cluster on URL, quiet, stopping at the first error.
bench_psql() {
    local url="$1"
    shift
    "${BENCH_PG_BIN:-$(dirname "$(ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -1)")}/psql" "$url" -X -q -v ON_ERROR_STOP=1 "$@"
}

# muster_binary PRODUCT… — makes the release binaries PRODUCT (muster, muster-bench) available and sets MUSTER_BIN /
# MUSTER_BENCH_BIN to their paths. A variable that is already set names a prebuilt binary (checked, not built);
# otherwise "== building release" is printed once and `swift build -c release --product PRODUCT` builds it (its
# output is shown only when it fails; at most an hour) and the variable becomes $PWD/.build/release/PRODUCT.
# Call it directly, not in `$(…)`: it sets variables of the calling shell.
muster_binary() {
    local product var out announced=""
    for product in "$@"; do
        case "$product" in
            muster) var=MUSTER_BIN ;;
            muster-bench) var=MUSTER_BENCH_BIN ;;
            *) echo "muster_binary: unknown product $product" >&2; return 1 ;;
        esac
        if [ -n "${!var:-}" ]; then
            [ -x "${!var}" ] || { echo "$var=${!var} is not an executable file (give an absolute path)" >&2; return 1; }
            continue
        fi
        [ -n "$announced" ] || { echo "== building release"; announced=1; }
        if ! out="$(timeout 3600 swift build -c release --product "$product" 2>&1)"; then
            printf '%s\n' "$out" | tail -40 >&2
            echo "swift build of $product failed" >&2
            return 1
        fi
        printf -v "$var" '%s' "$PWD/.build/release/$product"
    done
}

# _muster_logged_port NAME — the port of the first "NAME listening on HOST:PORT" line of $MUSTER_LOG, or nothing.
_muster_logged_port() {
    sed -n "s/.*[[:space:]]$1 listening on [^:]*:\([0-9][0-9]*\).*/\1/p" "$MUSTER_LOG" | head -1
}

# muster_start DATA_DIR LOG [SERVE_ARG…] — starts "$MUSTER_BIN serve" in the background on DATA_DIR, listening on
# 127.0.0.1 with the HTTP, MQTT, MQTTS and CoAP ports picked at run time (port 0), at log level warning, with the
# extra SERVE_ARGs (and `--database BENCH_DATABASE_URL` after bench_database_start); its output goes to LOG. Sets MUSTER_PID (for muster_stop) and MUSTER_LOG, waits up to 30 s
# for "http listening on", and sets MUSTER_BASE=http://127.0.0.1:PORT. Fails with the log printed when the server
# exits or does not listen in time (the server is then left for muster_stop).
# The server sees the caller's environment, e.g. `MUSTER_ADMIN_EMAIL=… MUSTER_ADMIN_PASSWORD=… muster_start …`.
# Call it directly, not in `$(…)`: the server must be a child of the script's shell.
muster_start() {
    local data="$1" port=""
    [ -n "${MUSTER_BIN:-}" ] || { echo "muster_start: call muster_binary muster first" >&2; return 1; }
    MUSTER_LOG="$2"
    shift 2
    "$MUSTER_BIN" serve --data-dir "$data" --host 127.0.0.1 --http-port 0 --mqtt-port 0 --mqtts-port 0 --coap-port 0 \
        --log-level warning ${BENCH_DATABASE_URL:+--database "$BENCH_DATABASE_URL"} "$@" >"$MUSTER_LOG" 2>&1 &
    MUSTER_PID=$!
    for _ in $(seq 1 300); do
        port="$(_muster_logged_port http)"
        [ -n "$port" ] && break
        kill -0 "$MUSTER_PID" 2>/dev/null || { cat "$MUSTER_LOG" >&2; echo "muster exited" >&2; return 1; }
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$MUSTER_LOG" >&2; echo "muster did not start listening within 30 s" >&2; return 1; }
    MUSTER_BASE="http://127.0.0.1:$port"
}

# muster_port NAME — prints the port the server started by muster_start reports for NAME (http, mqtt, mqtts, coap),
# waiting up to 10 s for its "NAME listening on" line; fails with the log printed otherwise.
muster_port() {
    local port=""
    for _ in $(seq 1 100); do
        port="$(_muster_logged_port "$1")"
        [ -n "$port" ] && { echo "$port"; return 0; }
        sleep 0.1
    done
    cat "$MUSTER_LOG" >&2
    echo "muster did not report \"$1 listening on\" within 10 s" >&2
    return 1
}

# muster_stop — stops the server started by muster_start, if any: SIGTERM, up to 10 s for it to exit, then SIGKILL;
# reaps it. Always succeeds (for a script's EXIT trap, which also removes the script's own temporary files).
muster_stop() {
    local pid="${MUSTER_PID:-}"
    MUSTER_PID=""
    [ -n "$pid" ] || return 0
    if kill -TERM "$pid" 2>/dev/null; then
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    wait "$pid" 2>/dev/null || true
    return 0
}

# muster_login EMAIL PASSWORD — logs in at $MUSTER_BASE (POST /api/auth/login) and prints the JWT. EMAIL and
# PASSWORD are put into the JSON body as they are (no quotes or backslashes).
muster_login() {
    local body token
    body="$(curl -sf --max-time 10 "$MUSTER_BASE/api/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$2\"}")" || { echo "login as $1 failed" >&2; return 1; }
    token="$(printf '%s\n' "$body" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')"
    [ -n "$token" ] || { echo "no token in the login answer: $body" >&2; return 1; }
    echo "$token"
}

# muster_allow_profile BASE TOKEN NAME KEY SECRET — creates the device profile NAME at BASE (as the user of TOKEN)
# whose provisioning is ALLOW_CREATE_NEW_DEVICES with the device key KEY and secret SECRET.
muster_allow_profile() {
    curl -sf --max-time 10 "$1/api/deviceProfile" -H "X-Authorization: Bearer $2" -H 'Content-Type: application/json' -d "{
  \"name\":\"$3\",\"provisionType\":\"ALLOW_CREATE_NEW_DEVICES\",\"provisionDeviceKey\":\"$4\",
  \"profileData\":{\"provisionConfiguration\":{\"type\":\"ALLOW_CREATE_NEW_DEVICES\",\"provisionDeviceSecret\":\"$5\"}}}" \
        >/dev/null || { echo "creating the device profile $3 failed" >&2; return 1; }
}

# muster_start_bench DATA_DIR LOG [SERVE_ARG…] — muster_start on a fresh DATA_DIR whose first start creates the
# tenant administrator bench@muster.local (password bench-password-1), then logs in as it: sets MUSTER_TOKEN.
muster_start_bench() {
    MUSTER_ADMIN_EMAIL=bench@muster.local MUSTER_ADMIN_PASSWORD=bench-password-1 muster_start "$@" || return 1
    MUSTER_TOKEN="$(muster_login bench@muster.local bench-password-1)" || return 1
}

# muster_start_provisioning DATA_DIR LOG [SERVE_ARG…] — muster_start_bench without the limit on failed provisioning
# attempts (--provision-failure-limit 0), then creates the ALLOW_CREATE_NEW_DEVICES device profile "bench" with a
# random device key and secret: sets MUSTER_TOKEN, MUSTER_PROFILE_KEY and MUSTER_PROFILE_SECRET.
muster_start_provisioning() {
    local data="$1" log="$2"
    shift 2
    muster_start_bench "$data" "$log" --provision-failure-limit 0 "$@" || return 1
    MUSTER_PROFILE_KEY="bench-key-$RANDOM$RANDOM"
    MUSTER_PROFILE_SECRET="bench-secret-$RANDOM$RANDOM"
    muster_allow_profile "$MUSTER_BASE" "$MUSTER_TOKEN" bench "$MUSTER_PROFILE_KEY" "$MUSTER_PROFILE_SECRET"
}

# bench_cpu_ticks PID… — the CPU time (user + system, in clock ticks of `getconf CLK_TCK`) the processes have used
# so far; a process that is gone counts nothing.
bench_cpu_ticks() {
    local pid total=0 stat
    for pid in "$@"; do
        stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
        stat="${stat##*) }"   # the fields after the command name; utime and stime are fields 12 and 13 of these
        read -r -a f <<<"$stat"
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}

# bench_cpu_us_per_op TICKS OPS — microseconds of CPU per operation for TICKS clock ticks spent on OPS operations
# (0 when OPS is 0).
bench_cpu_us_per_op() {
    awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.1f\n", t * 1e6 / hz / n; else print 0 }'
}

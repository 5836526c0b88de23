# Sourced by scripts/test.sh: a throw-away PostgreSQL cluster for the tests, on a free loopback port in a temporary
# directory, run as the `postgres` user when this script runs as root (CI does; initdb refuses root). Sets
# MUSTER_TEST_POSTGRES_URL; `postgres_cluster_create_database NAME` makes a database and prints its URL;
# `postgres_cluster_stop` stops it and removes the directory.
# PG_CLUSTER_SETTINGS replaces the server settings that make the test cluster fast and not durable (fsync,
# synchronous_commit and full_page_writes off); the benchmarks (scripts/lib/bench-server.sh) pass durable ones.
postgres_cluster_start() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (Debian package postgresql)" >&2; return 1; }
    PG_CLUSTER_DIR="$(mktemp -d /tmp/muster-test-pg.XXXXXX)"
    PG_CLUSTER_BIN="$bin"
    local port as=()
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    if [ "$(id -u)" = 0 ]; then
        chown postgres:postgres "$PG_CLUSTER_DIR"
        as=(runuser -u postgres --)
    fi
    PG_CLUSTER_AS=("${as[@]}")
    PG_CLUSTER_PORT="$port"
    "${as[@]}" "$bin/initdb" -D "$PG_CLUSTER_DIR/data" -A trust -U muster -E UTF8 --locale-provider=icu \
        --icu-locale=en-US --locale=C.UTF-8 --no-sync >"$PG_CLUSTER_DIR/initdb.log" 2>&1 \
        || { cat "$PG_CLUSTER_DIR/initdb.log" >&2; return 1; }
    "${as[@]}" "$bin/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/server.log" -w -t 60 -o \
        "-p $port -k $PG_CLUSTER_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 ${PG_CLUSTER_SETTINGS:--c fsync=off -c synchronous_commit=off -c full_page_writes=off}" \
        start >/dev/null || { cat "$PG_CLUSTER_DIR/server.log" >&2; return 1; }
    export MUSTER_TEST_POSTGRES_URL="postgres://muster@127.0.0.1:$port/postgres"
    echo "== PostgreSQL test cluster on 127.0.0.1:$port"
}

postgres_cluster_stop() {
    [ -n "${PG_CLUSTER_DIR:-}" ] || return 0
    "${PG_CLUSTER_AS[@]}" "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_CLUSTER_DIR"
    PG_CLUSTER_DIR=""
}

# Creates the empty database $1 on the running test cluster and prints its URL.
postgres_cluster_create_database() {
    "${PG_CLUSTER_AS[@]}" "$PG_CLUSTER_BIN/psql" -q -h 127.0.0.1 -p "$PG_CLUSTER_PORT" -U muster -d postgres \
        -c "CREATE DATABASE $1" >&2 || return 1
    echo "postgres://muster@127.0.0.1:$PG_CLUSTER_PORT/$1"
}

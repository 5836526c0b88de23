# Sourced by tests that need a pg_auto_failover formation (monitor, primary, synchronous standby) of their own: a thin
# shell front for tests/failover/pg_auto_failover.py (Python standard library only; installs the Debian packages
# pg-auto-failover-cli and postgresql-15-auto-failover when missing; runs the nodes as `postgres` when run as root).
#   pgaf_start            brings it up (bounded: 180 s); sets PGAF_DIR, MUSTER_TEST_PGAF_URL (the multi-host URL with
#                         role and password), PGAF_HOSTS ("127.0.0.1:P1,127.0.0.1:P2") and PGAF_SHOW_URI
#   pgaf_current_primary  prints the primary's port
#   pgaf_perform_failover prints the seconds until the roles swapped
#   pgaf_kill_primary     kill -9 of the primary's keeper and postmaster; prints the seconds until the standby took over
#   pgaf_rejoin NODE      restarts a killed node (node1 or node2) as the new standby; prints the seconds
#   pgaf_stop             kills everything and removes the directory
PGAF_PY="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tests/failover" && pwd)/pg_auto_failover.py"

pgaf_start() {
    local out
    out="$(python3 "$PGAF_PY" up)" || return 1
    PGAF_DIR="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["dir"])' <<<"$out")"
    export MUSTER_TEST_PGAF_URL="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])' <<<"$out")"
    PGAF_HOSTS="$(python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["hosts"]))' <<<"$out")"
    PGAF_SHOW_URI="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["uri"])' <<<"$out")"
    echo "== pg_auto_failover formation on $PGAF_HOSTS ($PGAF_DIR)"
}

pgaf_current_primary() { python3 "$PGAF_PY" primary "$PGAF_DIR"; }
pgaf_perform_failover() { python3 "$PGAF_PY" failover "$PGAF_DIR"; }
pgaf_kill_primary() { python3 "$PGAF_PY" kill-primary "$PGAF_DIR"; }
pgaf_rejoin() { python3 "$PGAF_PY" rejoin "$PGAF_DIR" "$1"; }

pgaf_stop() {
    [ -n "${PGAF_DIR:-}" ] || return 0
    python3 "$PGAF_PY" down "$PGAF_DIR" || true
    rm -rf "$PGAF_DIR"
    PGAF_DIR=""
}

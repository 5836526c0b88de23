#!/usr/bin/env bash
# Benchmark of database failover (issue 19): provisioning on a pg_auto_failover pair beside a single PostgreSQL, and
# the outage clients see when the primary goes away.
#   1. scripts/bench-provision.sh --database pgaf: wrk on HTTP provisioning with the server on a formation's
#      multi-host URL (synchronous standby); run `scripts/bench-provision.sh --database postgres` for the single
#      server beside it.
#   2. tests/failover/bench_outage.py: RUNS (default 3) planned failovers and RUNS kills of the primary under an HTTP
#      provisioning load; prints each outage and their median and maximum.
# Takes MUSTER_BIN (a release build) or builds one. Bounded: each wrk run DURATION s, each switch bounded by the
# harness (90 s), the formation removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench-server.sh
muster_binary muster
export MUSTER_BIN
echo "== provisioning on the pg_auto_failover pair"
scripts/bench-provision.sh --database pgaf
echo "== outage in failovers (RUNS=${RUNS:-3} each)"
MUSTER_COMPAT_LOG_DIR="$(mktemp -d)" tests/failover/run.sh --version >/dev/null 2>&1 || true
exec tests/compat/.venv/bin/python tests/failover/bench_outage.py

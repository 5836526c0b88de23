#!/usr/bin/env bash
# Runs the ThingsBoard-SDK compatibility suite against a Muster binary.
#   tests/compat/run.sh [extra pytest args]
# Env: MUSTER_BIN (default: <repo>/.build/debug/muster), MUSTER_COMPAT_LOG_DIR (default: tests/compat/.logs).
# Creates tests/compat/.venv on first use and (re)installs requirements.txt whenever it changes.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$HERE/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.requirements.sha256"

if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
fi

want="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
    "$PY" -m pip install -q --disable-pip-version-check -r "$HERE/requirements.txt"
    echo "$want" > "$STAMP"
fi

cd "$REPO"
# TZ=UTC: tb-mqtt-client's send_telemetry() stamps local time as if it were UTC.
TZ=UTC exec "$PY" -m pytest -q tests/compat "$@"

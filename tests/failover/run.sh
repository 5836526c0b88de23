#!/usr/bin/env bash
# Runs the pg_auto_failover tests (tests/failover) in the compatibility suite's venv (tests/compat/.venv, made and
# kept in step with tests/compat/requirements.txt as tests/compat/run.sh does). As root (CI) or as a user that can
# run pg_autoctl; the harness installs pg_auto_failover's Debian packages when they are missing.
#   tests/failover/run.sh [extra pytest args]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COMPAT="$(cd "$HERE/../compat" && pwd)"
VENV="$COMPAT/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.requirements.sha256"

if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
fi
want="$(sha256sum "$COMPAT/requirements.txt" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
    "$PY" -m pip install -q --disable-pip-version-check -r "$COMPAT/requirements.txt"
    echo "$want" > "$STAMP"
fi

cd "$HERE"
exec "$PY" -m pytest -q -rs -s -c "$HERE/pytest.ini" "$@"

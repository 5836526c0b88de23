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

# The clients the tests drive: libcoap's CLI (Debian package libcoap3-bin installs coap-client-notls) and
# mosquitto_pub / mosquitto_sub / mosquitto_rr (mosquitto-clients). Installed when missing; if that fails, the run
# fails here (no test is ever skipped for a missing tool).
need=()
command -v coap-client-notls >/dev/null 2>&1 || need+=(libcoap3-bin)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
if ((${#need[@]})); then
    echo "== installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

cd "$REPO"
# TZ=UTC: tb-mqtt-client's send_telemetry() stamps local time as if it were UTC.
if (($#)) && [[ "$1" == tests/* ]]; then targets=(); else targets=(tests/compat); fi
TZ=UTC exec "$PY" -m pytest -q -rs "${targets[@]}" "$@"

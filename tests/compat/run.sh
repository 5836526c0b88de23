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

# libcoap's CLI for test_coap.py (Debian package libcoap3-bin installs coap-client-notls).
if ! command -v coap-client-notls >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcoap3-bin >/dev/null) \
        || echo "warning: could not install libcoap3-bin; libcoap tests will be skipped" >&2
fi

# mosquitto_pub / mosquitto_sub / mosquitto_rr for test_mqtt.py (Debian package mosquitto-clients).
if ! command -v mosquitto_pub >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto-clients >/dev/null) \
        || echo "warning: could not install mosquitto-clients; mosquitto tests will be skipped" >&2
fi

cd "$REPO"
# TZ=UTC: tb-mqtt-client's send_telemetry() stamps local time as if it were UTC.
TZ=UTC exec "$PY" -m pytest -q tests/compat "$@"

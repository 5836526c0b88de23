#!/usr/bin/env bash
# Browser tests of the web console: headless Chromium (Debian's chromium + chromium-driver) driven by Selenium
# against the real `muster` binary.
#   tests/browser/run.sh [extra pytest args]
# Env: MUSTER_BIN (default: <repo>/.build/debug/muster), MUSTER_CONSOLE_SCREENSHOTS=DIR (also save the README's
# screenshots there). Failure screenshots and the server log go to tests/browser/.artifacts/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$HERE/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.requirements.sha256"

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

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
exec "$PY" -m pytest -q -p no:cacheprovider --timeout=180 tests/browser "$@"

#!/usr/bin/env bash
# Runs every test of Muster on a fresh machine: it installs what the tests need (Debian packages, a Python venv
# with ThingsBoard's SDKs), builds, runs the Swift tests (unit, store, end-to-end over real sockets) and then
# the ThingsBoard-SDK compatibility suite and the browser tests of the web console against the real `muster` binary.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use (installed only when missing).
packages=(libsqlite3-dev curl)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "== installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== swift build"
swift build --build-tests

echo "== swift test"
swift test --skip-build

echo "== ThingsBoard SDK compatibility suite"
MUSTER_BIN="$PWD/.build/debug/muster" tests/compat/run.sh

echo "== web console in headless Chromium"
MUSTER_BIN="$PWD/.build/debug/muster" tests/browser/run.sh

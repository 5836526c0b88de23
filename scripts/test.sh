#!/usr/bin/env bash
# Runs every test of Muster on a fresh machine: it installs what the tests need (Debian packages, a Python venv
# with ThingsBoard's SDKs), builds, runs the Swift tests (unit, store, end-to-end over real sockets) and then
# the ThingsBoard-SDK compatibility suite and the browser tests of the web console against the real `muster` binary.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use (installed only when missing). `postgresql` gives the PostgreSQL store's tests
# their server: they start a throw-away cluster of their own (initdb and pg_ctl as the package's `postgres` user).
# pg_auto_failover (`pg-auto-failover-cli`, `postgresql-15-auto-failover`) runs the failover test's formation.
packages=(libsqlite3-dev curl postgresql pg-auto-failover-cli postgresql-15-auto-failover)
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

# Each suite writes a JUnit/xUnit report; a failing suite does not stop the others, and the run ends with one
# line of totals per suite (passed, failed, skipped or disabled). Any failure or skip fails the run.
reports=".build/test-reports"
rm -rf "$reports"
mkdir -p "$reports"
status=0

# The PostgreSQL tests use a throw-away cluster started here (not from inside the test process, which would then
# spawn servers while other tests launch the `muster` binary).
source scripts/lib/postgres-cluster.sh
trap postgres_cluster_stop EXIT
postgres_cluster_start

echo "== swift test"
swift test --skip-build --xunit-output "$reports/swift.xml" || status=1

echo "== ThingsBoard SDK compatibility suite"
MUSTER_BIN="$PWD/.build/debug/muster" tests/compat/run.sh --junitxml="$reports/compat.xml" || status=1

# The same SDKs and clients against a server on PostgreSQL: provisioning over every transport, bulk import, the
# REST SDK's files (devices, profiles, assets, auth) and the device API.
echo "== ThingsBoard SDK compatibility suite on PostgreSQL"
compat_database="$(postgres_cluster_create_database muster_compat)"
MUSTER_COMPAT_DATABASE_URL="$compat_database" MUSTER_BIN="$PWD/.build/debug/muster" tests/compat/run.sh \
    tests/compat/test_provisioning.py tests/compat/test_mqtt.py tests/compat/test_coap.py \
    tests/compat/test_bulk_assets.py tests/compat/test_import_interleaved.py tests/compat/test_devices.py \
    tests/compat/test_profiles.py tests/compat/test_auth.py tests/compat/test_device_api.py \
    tests/compat/test_revocation.py tests/compat/test_rotation.py -o junit_suite_name=compat-postgres \
    --junitxml="$reports/compat-postgres.xml" || status=1
postgres_cluster_stop

echo "== web console in headless Chromium"
MUSTER_BIN="$PWD/.build/debug/muster" tests/browser/run.sh -rs --junitxml="$reports/browser.xml" || status=1

echo "== fuzzing (libFuzzer, 20 s per parser; scripts/fuzz.sh runs longer)"
scripts/fuzz.sh 20 || status=1

python3 scripts/lib/test-totals.py \
    "swift test=$reports/swift-swift-testing.xml" \
    "compat (SDKs, clients)=$reports/compat.xml" \
    "compat on PostgreSQL=$reports/compat-postgres.xml" \
    "browser (console)=$reports/browser.xml" || status=1
exit "$status"

#!/usr/bin/env bash
# Console latency at fleet size (issue 6): with ROWS devices stored (default 1,000,000), p50/p99 of the console's
# device-list requests against a release build, with wrk:
#   list    first page, newest first   GET /api/tenant/deviceInfos?pageSize=20&page=0&sortProperty=createdTime&sortOrder=DESC
#   page    page 500                   … &page=500
#   search  name prefix (random)       … &textSearch=device-00NNN (case-insensitive prefix)
#   inside  name substring (random)    … &textSearch=NNNNNN&textSearchMode=CONTAINS (6 digits anywhere in the name:
#           a few hundred matches, read from the trigram index)
#   dense   name substring, everywhere … &textSearch=ice-0&textSearchMode=CONTAINS (every name: the sort's index
#           is walked, the count capped at 10,000)
# The data directory is filled once with `muster-bench sqlite-reference` and reused (.bench/console/, git-ignored).
# Env: ROWS (1000000), DURATION (10 s per run), CONNECTIONS (2), BENCH_DIR (.bench/console), FRESH=1 (refill),
# MUSTER_BIN and MUSTER_BENCH_BIN (prebuilt binaries: nothing is built).
# Goal: p99 < 100 ms for each.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${ROWS:-1000000}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-2}"
BENCH_DIR="${BENCH_DIR:-$REPO/.bench/console}"
DATA="$BENCH_DIR/data-$ROWS"
ADMIN_EMAIL="bench-console@muster.local"
ADMIN_PASSWORD="bench-console-password"

cd "$REPO"
source scripts/lib/bench-server.sh
bench_need wrk
bench_need curl

muster_binary muster muster-bench

if [ "${FRESH:-0}" = 1 ]; then rm -rf "$DATA"; fi
mkdir -p "$BENCH_DIR"
if [ ! -f "$DATA/.bench-ready" ]; then
    rm -rf "$DATA"
    mkdir -p "$DATA"
    echo "== storing $ROWS devices with muster-bench sqlite-reference"
    "$MUSTER_BENCH_BIN" sqlite-reference --rows "$ROWS" --dir "$DATA"
fi

LOG="$BENCH_DIR/server.log"
trap muster_stop EXIT

echo "== starting muster (release)"
muster_start "$DATA" "$LOG"
BASE="$MUSTER_BASE"

json() { python3 -c "import sys, json; d = json.load(sys.stdin); print($1)"; }

if [ ! -f "$DATA/.bench-ready" ]; then
    # sqlite-reference stores the devices under a tenant without users; on the first start the server created the
    # system administrator (and a default tenant). Through the public API, give the devices' tenant an admin.
    SYS_PASSWORD="$(sed -n 's/.*system administrator: sysadmin@muster.local with password \(.*\)$/\1/p' "$LOG" | head -1)"
    SYS_TOKEN="$(muster_login sysadmin@muster.local "$SYS_PASSWORD")"
    TENANT_ID="$(curl -sf "$BASE/api/tenants?pageSize=100&page=0" -H "X-Authorization: Bearer $SYS_TOKEN" \
        | json '[t["id"]["id"] for t in d["data"] if t["title"] == "Bench"][0]')"
    curl -sf "$BASE/api/user" -H "X-Authorization: Bearer $SYS_TOKEN" -H 'Content-Type: application/json' -d "{
        \"email\": \"$ADMIN_EMAIL\", \"authority\": \"TENANT_ADMIN\", \"password\": \"$ADMIN_PASSWORD\",
        \"tenantId\": {\"entityType\": \"TENANT\", \"id\": \"$TENANT_ID\"}}" >/dev/null
    touch "$DATA/.bench-ready"
fi
TOKEN="$(muster_login "$ADMIN_EMAIL" "$ADMIN_PASSWORD")"
TOTAL="$(curl -sf "$BASE/api/tenant/deviceInfos?pageSize=1&page=0" -H "X-Authorization: Bearer $TOKEN" | json 'd["totalElements"]')"
echo "== $TOTAL devices stored; wrk: $DURATION s per run, $CONNECTIONS connections"

LUA="$BENCH_DIR/console.lua"
cat >"$LUA" <<'LUA'
-- The console's list requests; SCENARIO = list | page | search | inside | dense.
local token = os.getenv("BENCH_TOKEN")
local scenario = os.getenv("SCENARIO")
local rows = tonumber(os.getenv("ROWS"))
local base = "/api/tenant/deviceInfos?pageSize=20&sortProperty=createdTime&sortOrder=DESC"
wrk.headers["X-Authorization"] = "Bearer " .. token
local errors = 0
math.randomseed(os.time())

request = function()
  if scenario == "page" then
    return wrk.format("GET", base .. "&page=500")
  elseif scenario == "search" then
    -- "device-00NNN": a prefix matching 1,000 of 1,000,000 names (what a user types), random per request.
    local prefix = string.format("device-%0" .. (8 - 3) .. "d", math.random(0, math.max(math.floor(rows / 1000) - 1, 0)))
    return wrk.format("GET", base .. "&page=0&textSearch=" .. prefix)
  elseif scenario == "inside" then
    local digits = string.format("%06d", math.random(0, 999999))
    return wrk.format("GET", base .. "&page=0&textSearchMode=CONTAINS&textSearch=" .. digits)
  elseif scenario == "dense" then
    return wrk.format("GET", base .. "&page=0&textSearchMode=CONTAINS&textSearch=ice-0")
  end
  return wrk.format("GET", base .. "&page=0")
end

response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT %s requests=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non200=%d\n",
    scenario, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status))
end
LUA

# Warm the page cache once (a cold start reads the indexes from disk).
for s in list page search inside dense; do
    SCENARIO=$s BENCH_TOKEN="$TOKEN" ROWS="$ROWS" wrk -t1 -c1 -d2s -s "$LUA" "$BASE" >/dev/null 2>&1 || true
done

status=0
printf '\n%-8s %10s %8s %9s %9s %9s %9s\n' scenario requests req/s p50_ms p90_ms p99_ms max_ms
for s in list page search inside dense; do
    line="$(SCENARIO=$s BENCH_TOKEN="$TOKEN" ROWS="$ROWS" timeout $((DURATION + 30)) \
        wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -s "$LUA" "$BASE" | grep '^RESULT')"
    read -r _ name requests rps p50 p90 p99 max non200 <<<"$line"
    v() { echo "${1#*=}"; }
    printf '%-8s %10s %8s %9s %9s %9s %9s\n' "$name" "$(v "$requests")" "$(v "$rps")" "$(v "$p50")" "$(v "$p90")" "$(v "$p99")" "$(v "$max")"
    if [ "$(v "$non200")" != 0 ]; then echo "  $(v "$non200") responses were not 200" >&2; status=1; fi
    if awk -v p="$(v "$p99")" 'BEGIN { exit !(p >= 100) }'; then echo "  p99 is not below 100 ms" >&2; status=1; fi
done
exit $status

#!/usr/bin/env bash
# Where the import's write time goes (issue 15): the raw-SQLite reference of the import's rows
# (`muster-bench sqlite-reference`: device, credentials, two attributes, one sample and its latest value per row,
# prepared statements, large transactions) on Muster's schema as it is, then once more without each index or
# trigger that can be dropped (constraints' own indexes cannot), printing the seconds and what each one costs.
#   scripts/bench-schema.sh            ROWS (default 300,000) rows per run; MUSTER_BENCH_BIN: a prebuilt binary
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${ROWS:-300000}"
source scripts/lib/bench-server.sh
muster_binary muster-bench

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run() {
    rm -rf "$work/data"
    mkdir -p "$work/data"
    local args=()
    for name in "$@"; do args+=(--drop "$name"); done
    timeout 1200 "$MUSTER_BENCH_BIN" sqlite-reference --rows "$ROWS" --dir "$work/data" "${args[@]}" 2>/dev/null \
        | sed -n 's/^reference seconds: //p'
}

OBJECTS=(devices_count_insert devices_search_insert idx_device_created_time idx_device_profile_id_created_time
    idx_device_search_text idx_device_type idx_device_label)
echo "== $ROWS rows per run"
base="$(run)"
printf '%-40s %8s s\n' "the whole schema" "$base"
for object in "${OBJECTS[@]}"; do
    seconds="$(run "$object")"
    awk -v name="without $object" -v s="$seconds" -v b="$base" -v rows="$ROWS" \
        'BEGIN { printf "%-40s %8.2f s   costs %6.2f s = %5.1f %% (%.2f us/row)\n", name, s, b - s, 100 * (b - s) / b, 1e6 * (b - s) / rows }'
done
seconds="$(run "${OBJECTS[@]}")"
awk -v s="$seconds" -v b="$base" 'BEGIN { printf "%-40s %8.2f s   (all of them: %.1f %%)\n", "without all of these", s, 100 * (b - s) / b }'

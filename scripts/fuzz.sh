#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, Swift's -sanitize=fuzzer with AddressSanitizer) of the parsers that read bytes
# from the network or a file: the MQTT packet decoder, the CoAP message decoder, the CSV scanner, the JSON parser, the
# provisioning request reader, the import upload's multipart reader, the CoAP Block1 assembler, the X.509 chain reader
# (DER chains from TLS clients, PEM from admins and devices), the telemetry/attributes payload reader and the import
# row planner (CSV cells to names, credentials and typed values) (one target each, fuzz/Sources/FuzzTargets.swift).
#   scripts/fuzz.sh [seconds per target, default 60] [target ...]
# Builds the targets in .build-fuzz (release, instrumented), replays each seed corpus (fuzz/corpus/TARGET, plus
# fuzz/findings/TARGET: every finding becomes a regression input there), then fuzzes each target for the given time
# in a scratch corpus, printing executions per target. A crash, a leak or a timeout fails the script and leaves the
# input in fuzz/findings/TARGET/ to commit once it is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(mqtt coap csv json provision multipart block x509 telemetry import)

echo "== building the fuzz targets (.build-fuzz, -sanitize=fuzzer,address)"
if ! swift build -c release --scratch-path .build-fuzz --product muster-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld >.build-fuzz.log 2>&1; then
    tail -40 .build-fuzz.log
    exit 1
fi
binary="$PWD/.build-fuzz/release/muster-fuzz"

# Swift's own backtracer trips AddressSanitizer after a fatalError (a stack-buffer-underflow in CrashHandlerLinux.cpp
# that hides the real report); libFuzzer and ASan print the stack of a finding themselves.
export SWIFT_BACKTRACE=enable=no

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for target in "${targets[@]}"; do
    seeds=("fuzz/corpus/$target")
    [ -d "fuzz/findings/$target" ] && seeds+=("fuzz/findings/$target")
    mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
    # Replay: every seed and earlier finding must pass.
    if ! MUSTER_FUZZ_TARGET="$target" "$binary" -runs=0 "${seeds[@]}" >"$work/$target/replay.log" 2>&1; then
        echo "FAIL $target: a seed or regression input fails (see below)"
        tail -30 "$work/$target/replay.log"
        status=1
        continue
    fi
    # Fuzz, bounded in time and memory; a slow input (over 10 s) counts as a hang.
    if MUSTER_FUZZ_TARGET="$target" timeout $((SECONDS_PER_TARGET + 60)) "$binary" \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$work/$target/artifacts/" "$work/$target/corpus" "${seeds[@]}" \
        >"$work/$target/fuzz.log" 2>&1; then
        runs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/$target/fuzz.log" | grep -oE '[0-9]+$' || echo '?')"
        echo "ok   $target: $runs executions in ${SECONDS_PER_TARGET} s, no finding"
    else
        mkdir -p "fuzz/findings/$target"
        cp "$work/$target/artifacts/"* "fuzz/findings/$target/" 2>/dev/null || true
        echo "FAIL $target: a finding, kept in fuzz/findings/$target/"
        grep -E "ERROR|SUMMARY|Fatal error|deadly" "$work/$target/fuzz.log" | head -10
        status=1
    fi
done
exit "$status"

#!/usr/bin/env bash
# Runs every cargo-fuzz target for a while (issue 7). Usage:
#   scripts/fuzz.sh [SECONDS] [TARGET...]      default 600 s each, every target
#
# Needs the nightly toolchain and cargo-fuzz: installs both when missing (crates.io and the
# rustup channel must be reachable) and says so plainly when it cannot. The committed corpus
# under fuzz/corpus/<target>/ is read, never written: new inputs go to
# fuzz/target/work/<target>/. A crash is left in fuzz/artifacts/<target>/; copy it to
# fuzz/regressions/<target>/ with the fix, so the stable replay test keeps it fixed.
# Prints the executions per target at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-600}
shift || true

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz: installing the nightly toolchain (libFuzzer needs it)"
    rustup toolchain install nightly --profile minimal ||
        { echo "fuzz: cannot install nightly here; the stable replay test (cargo test -p pouch-fuzz) still runs the corpus" >&2; exit 2; }
fi
if ! command -v cargo-fuzz >/dev/null; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked ||
        { echo "fuzz: cannot install cargo-fuzz here" >&2; exit 2; }
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^pouch-fuzz-harness$')
fi

summary=()
for t in "${targets[@]}"; do
    work="fuzz/target/work/$t"
    mkdir -p "$work" "fuzz/corpus/$t"
    log="fuzz/target/work/$t.log"
    echo "fuzz: $t for ${secs}s (log: $log)"
    status=0
    (cd fuzz && cargo +nightly fuzz run "$t" "target/work/$t" "corpus/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1) \
        >"$log" 2>&1 || status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ $status -ne 0 ] && grep -q 'Test unit written to' "$log"; then
        summary+=("$t: CRASH after ${execs:-?} executions (exit $status); see $log and fuzz/artifacts/$t/")
    elif [ $status -ne 0 ]; then
        summary+=("$t: FAILED to build or run (exit $status); see $log")
    else
        summary+=("$t: ${execs:-?} executions in ${secs}s, no crash")
    fi
done
printf '%s\n' "${summary[@]}"
printf '%s\n' "${summary[@]}" | grep -qE 'CRASH|FAILED' && exit 1 || exit 0

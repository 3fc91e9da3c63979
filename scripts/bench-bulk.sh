#!/usr/bin/env bash
# Bulk verification at gateway scale, as RATIOS measured in one run (docs/performance.md,
# "Gateway scale"): `pouch verify` throughput with 2 worker threads against 1 on the same
# CBOR sequence, peak memory for N and 10 N envelopes, and per-envelope verify cost against
# envelope size (1 KiB to 100 MiB, embedded and detached).
#
# Usage: scripts/bench-bulk.sh
#   BULK_N=20000       envelopes in the sequence (1 KiB records; ES256, ES384, ML-DSA-65 mixed)
#   BULK_ROUNDS=5      interleaved pairs of --jobs 1 / --jobs 2 runs (median ratio kept)
#   BULK_MAX_MIB=100   largest record of the size sweep (0: no size sweep)
#   BULK_SIZE_ALGS=ES256,ES384,ML-DSA-65   algorithms of the size sweep
#
# Needs /usr/bin/time (Debian package `time`) for peak RSS. Takes about 5 minutes once built;
# the corpus (N envelopes, then the same N ten times over: ~0.9 GB for N = 20000) goes to
# target/bench-bulk and is rewritten on every run.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${BULK_N:-20000}
rounds=${BULK_ROUNDS:-5}
max_mib=${BULK_MAX_MIB:-100}
size_algs=${BULK_SIZE_ALGS:-ES256,ES384,ML-DSA-65}
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
work="$target_dir/bench-bulk"
if [[ ! -x /usr/bin/time ]]; then
    echo "bench-bulk: /usr/bin/time not found; install it with: apt-get install time" >&2
    exit 1
fi

echo "bench-bulk: building pouch and the examples (release)"
cargo build --release -q -p pouch-cli
cargo build --release -q -p pouch --example bench_corpus --example verify_size
pouch="$target_dir/release/pouch"

echo "bench-bulk: writing $n envelopes (and the same ten times over) to $work"
rm -rf "$work"
"$target_dir/release/examples/bench_corpus" "$work" "$n" 0 >/dev/null

# run JOBS FILE: one `pouch verify` with trust, output discarded; prints "wall user sys rss_kib".
run() {
    local t="$work/time.txt"
    /usr/bin/time -o "$t" -f '%e %U %S %M' \
        "$pouch" verify --trust "$work/pki/bundle.toml" --at 2026-11-28T12:00:00Z \
        --no-progress --jobs "$1" "$2" >/dev/null || {
        echo "bench-bulk: pouch verify --jobs $1 $2 failed (exit $?)" >&2
        exit 1
    }
    cat "$t"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo
echo "== Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg) =="
echo "== Throughput, pouch verify --trust on one CBOR sequence of $n envelopes, --jobs 2 against --jobs 1 =="
seq1="$work/bulk-1x.cborseq"
ratios=() cpu_ratios=() cores=() w1s=() w2s=()
for ((r = 0; r < rounds; r++)); do
    if ((r % 2 == 0)); then
        read -r w1 u1 s1 _ < <(run 1 "$seq1")
        read -r w2 u2 s2 _ < <(run 2 "$seq1")
    else
        read -r w2 u2 s2 _ < <(run 2 "$seq1")
        read -r w1 u1 s1 _ < <(run 1 "$seq1")
    fi
    ratios+=("$(awk -v a="$w1" -v b="$w2" 'BEGIN { printf "%.3f", a / b }')")
    cpu_ratios+=("$(awk -v a="$u1" -v b="$s1" -v c="$u2" -v d="$s2" 'BEGIN { printf "%.3f", (c + d) / (a + b) }')")
    cores+=("$(awk -v c="$u2" -v d="$s2" -v w="$w2" 'BEGIN { printf "%.2f", (c + d) / w }')")
    w1s+=("$w1") w2s+=("$w2")
    printf '  pair %d: --jobs 1 %6.2f s, --jobs 2 %6.2f s, throughput ratio %s, CPU time ratio %s, --jobs 2 got %s cores\n' \
        "$((r + 1))" "$w1" "$w2" "${ratios[-1]}" "${cpu_ratios[-1]}" "${cores[-1]}"
done
m1=$(printf '%s\n' "${w1s[@]}" | median)
m2=$(printf '%s\n' "${w2s[@]}" | median)
mr=$(printf '%s\n' "${ratios[@]}" | median)
printf '%-62s %s  (target >= 1.8: %s)\n' "throughput 2 threads / 1 thread (median of per-pair ratios)" \
    "$mr" "$(awk -v r="$mr" 'BEGIN { print (r >= 1.8) ? "met" : "NOT MET" }')"
printf '%-62s %.0f / %.0f envelopes/s (medians)\n' "  for scale: 1 thread / 2 threads" \
    "$(awk -v a="$n" -v b="$m1" 'BEGIN { print a / b }')" "$(awk -v a="$n" -v b="$m2" 'BEGIN { print a / b }')"
echo "  CPU time ratio = (user+sys with 2 threads) / (user+sys with 1): near 1.0 means the second"
echo "  thread adds no work; a throughput ratio well under 2 with a CPU ratio near 1 means the"
echo "  second core was not free (load from other processes), not that the work does not split;"
echo "  'got N cores' is (user+sys)/wall of the --jobs 2 run: 2.0 if both cores were its own."
printf '%-62s %s\n' "  --jobs 2 cores obtained (median)" "$(printf '%s\n' "${cores[@]}" | median)"

# Where the CPU time of a --jobs 2 run goes, per thread, sampled from /proc every 0.1 s (the
# last sample of each thread kept): a figure the other builds on this machine do not move.
echo "  per-thread CPU of one --jobs 2 run (from /proc/PID/task/*/stat, last 0.1 s sample):"
"$pouch" verify --trust "$work/pki/bundle.toml" --at 2026-11-28T12:00:00Z --no-progress \
    --jobs 2 "$seq1" >/dev/null &
pid=$!
declare -A ticks=()
while kill -0 "$pid" 2>/dev/null; do
    for t in /proc/"$pid"/task/*; do
        v=$(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null) && [[ -n $v ]] && ticks[${t##*/}]=$v
    done
    sleep 0.1
done
wait "$pid"
# Threads in creation order: main (bundle, printing), reader (framing), then the workers.
mapfile -t tids < <(printf '%s\n' "${!ticks[@]}" | sort -n)
total=0
for tid in "${tids[@]}"; do total=$((total + ticks[$tid])); done
roles=(main reader worker worker)
for i in "${!tids[@]}"; do
    printf '    %-7s %6.2f s  %5.1f %%\n' "${roles[i]:-other}" \
        "$(awk -v t="${ticks[${tids[i]}]}" -v hz="$(getconf CLK_TCK)" 'BEGIN { print t / hz }')" \
        "$(awk -v t="${ticks[${tids[i]}]}" -v a="$total" 'BEGIN { print 100 * t / a }')"
done
echo "  the workers' share bounds the speed-up on two free cores: the main and reader threads"
echo "  run alongside the workers and compete with them for the same two cores."

echo
echo "== Peak memory (VmHWM via /usr/bin/time), --jobs 2: N = $n against 10 N =="
read -r _ _ _ rss1 < <(run 2 "$seq1")
read -r w10 _ _ rss10 < <(run 2 "$work/bulk-10x.cborseq")
printf '%-62s %s  (%d KiB for N, %d KiB for 10 N; 10 N took %s s)\n' "peak RSS 10 N / N (bounded: about 1)" \
    "$(awk -v a="$rss10" -v b="$rss1" 'BEGIN { printf "%.3f", a / b }')" "$rss1" "$rss10" "$w10"

echo
if ((max_mib > 0)); then
    echo "== Per-envelope verify against envelope size (examples/verify_size.rs) =="
    "$target_dir/release/examples/verify_size" "$max_mib" "$size_algs"
fi
echo
echo "bench-bulk: load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"

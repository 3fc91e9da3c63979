#!/usr/bin/env bash
# Envelope performance, as RATIOS measured in one run (docs/performance.md).
#
# Usage: scripts/bench.sh
#   BENCH_WARMUP=1 BENCH_MEASURE=3   criterion warm-up / measurement seconds per benchmark
#   BENCH_DETACHED_MIB=64            detached record size in the criterion benchmark
#   BENCH_RSS_MIB=1024 BENCH_RSS_ROUNDS=2   record size and rounds of the RSS example
#
# Every figure printed is a ratio of two things measured in this same run, one right after
# the other, on this machine: absolute times on a shared 2-core machine say little, ratios
# say what the envelope costs on top of the cryptography it cannot avoid. Nothing is
# installed beyond what cargo fetches. Takes about 4-5 minutes once built (a cold release
# build of aws-lc adds about 7 on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."

warmup=${BENCH_WARMUP:-1}
measure=${BENCH_MEASURE:-3}
detached_mib=${BENCH_DETACHED_MIB:-64}
rss_mib=${BENCH_RSS_MIB:-1024}
rss_rounds=${BENCH_RSS_ROUNDS:-2}

target_dir=${CARGO_TARGET_DIR:-$PWD/target}
run_dir="$target_dir/bench-run"
# A fresh criterion directory: every estimate read below comes from this run, none from an
# earlier one.
export CRITERION_HOME="$run_dir/criterion"
rm -rf "$run_dir"
mkdir -p "$run_dir"
log="$run_dir/criterion.log"

echo "bench: building (release: the bench profile and --release)"
cargo bench -p pouch --bench envelope --no-run
cargo build --release -p pouch --example detached_rss --example verify_ratio

echo "bench: running criterion (warm-up ${warmup}s, measurement ${measure}s per benchmark, detached record ${detached_mib} MiB); full output in $log"
POUCH_BENCH_DETACHED_MIB=$detached_mib \
    cargo bench -p pouch --bench envelope -- \
    --warm-up-time "$warmup" --measurement-time "$measure" --noplot >"$log" 2>&1 || {
    tail -40 "$log" >&2
    echo "bench: criterion failed (log: $log)" >&2
    exit 1
}

# The mean (or median) point estimate, in ns, of one benchmark of this run.
estimate() { # estimate STAT GROUP/FUNCTION/PARAMETER
    local f="$CRITERION_HOME/$2/new/estimates.json"
    if [[ ! -f $f ]]; then
        echo "bench: no estimate for $2 ($f)" >&2
        exit 1
    fi
    sed -E "s/.*\"$1\":\\{\"confidence_interval\":\\{[^}]*\\},\"point_estimate\":([0-9.eE+-]+).*/\\1/" "$f"
}
# ratio NUM DEN: NUM/DEN, mean-based, with the median-based one in brackets.
ratio() {
    awk -v a="$(estimate mean "$1")" -v b="$(estimate mean "$2")" \
        -v c="$(estimate median "$1")" -v d="$(estimate median "$2")" \
        'BEGIN { printf "%5.3f (%5.3f)", a / b, c / d }'
}
# verdict NUM DEN OP LIMIT: whether the mean-based NUM/DEN meets the target.
verdict() {
    awk -v a="$(estimate mean "$1")" -v b="$(estimate mean "$2")" -v op="$3" -v t="$4" \
        'BEGIN { r = a / b; ok = (op == "<=") ? (r <= t) : (r >= t); printf "%s", ok ? "met" : "NOT MET" }'
}

algs=(ES256 ES384 EdDSA ML-DSA-65)
# Every estimate the table reads must come from this run (estimate() runs in subshells,
# where a missing file could not stop the script).
for a in "${algs[@]}"; do
    for b in verify/envelope verify/envelope-cold verify/raw seal/envelope seal/raw verify-parts/decode \
        verify-parts/leaf-info verify-parts/sig-structure \
        verify-parts/label-check; do
        estimate mean "$b/$a" >/dev/null
    done
done
for d in SHA-256 SHA-384; do
    estimate mean "detached/verify/$d" >/dev/null
    estimate mean "detached/raw-digest/$d" >/dev/null
done
row() { # row LABEL NUM_GROUP DEN_GROUP [OP LIMIT]
    printf '%-40s' "$1"
    local a
    for a in "${algs[@]}"; do
        printf '  %-15s' "$(ratio "$2/$a" "$3/$a")"
    done
    if [[ $# -ge 5 ]]; then
        printf '  %s %s:' "$4" "$5"
        for a in "${algs[@]}"; do
            printf ' %s' "$(verdict "$2/$a" "$3/$a" "$4" "$5")"
        done
    fi
    echo
}

for a in ES384 ML-DSA-65; do
    for b in trust/signature-only trust/with-trust trust/cold-chain; do
        estimate mean "$b/$a" >/dev/null
    done
done
echo
echo "== Ratios from this run: criterion MEAN point estimates (MEDIAN-based ratio in brackets) =="
echo "   aws-lc-rs provider; 1 KiB embedded record; time ratios: 1.000 = no cost beyond the raw operation"
printf '%-40s' "ratio (time / time)"
for a in "${algs[@]}"; do printf '  %-15s' "$a"; done
echo "  target (mean)"
row "envelope verify / raw signature verify" verify/envelope verify/raw "<=" 1.10
row "  cold: fresh verifier, leaf parsed" verify/envelope-cold verify/raw
row "envelope seal / raw sign" seal/envelope seal/raw
echo "-- parts of envelope verify, each / raw signature verify (time):"
row "  decode (framing, headers, label)" verify-parts/decode verify/raw
row "  leaf_info (parse leaf, format subject)" verify-parts/leaf-info verify/raw
row "  Sig_structure build (payload copy)" verify-parts/sig-structure verify/raw
row "  label rules (pouch_label::check)" verify-parts/label-check verify/raw
echo
echo "-- detached record (${detached_mib} MiB in memory, streamed in 256 KiB chunks):"
for d in SHA-256 SHA-384; do
    # Throughput ratio = inverse time ratio: raw digest time / envelope verify time.
    printf '%-62s  %s  target >= 0.9: %s\n' \
        "detached verify throughput / raw $d throughput" \
        "$(ratio "detached/raw-digest/$d" "detached/verify/$d")" \
        "$(verdict "detached/raw-digest/$d" "detached/verify/$d" ">=" 0.9)"
done

echo
echo "-- trust stage (demo coalition bundle, NOR signer, warm verifier and validator):"
for a in ES384 ML-DSA-65; do
    printf '%-60s %s  target <= 1.2: %s\n' "verify with trust / signature-only verify, $a" \
        "$(ratio "trust/with-trust/$a" "trust/signature-only/$a")" \
        "$(verdict "trust/with-trust/$a" "trust/signature-only/$a" "<=" 1.2)"
    printf '%-60s %s  (%s us mean)\n' "cold chain validation / signature-only verify, $a" \
        "$(ratio "trust/cold-chain/$a" "trust/signature-only/$a")" \
        "$(awk -v n="$(estimate mean "trust/cold-chain/$a")" 'BEGIN { printf "%.0f", n / 1000 }')"
done
echo
echo "== Envelope verify / raw verify, interleaved (examples/verify_ratio.rs): the headline figure =="
echo "   criterion times each side for seconds in turn, so machine drift shows up in its ratios;"
echo "   this alternates ~1 ms batches of each and reports the median of the per-pair ratios."
"$target_dir/release/examples/verify_ratio" "${BENCH_RATIO_ROUNDS:-301}"

echo
echo "== Streaming a ${rss_mib} MiB detached record (examples/detached_rss.rs, release, one process) =="
"$target_dir/release/examples/detached_rss" "$rss_mib" "$rss_rounds"
echo
echo "bench: what the figures mean: 'envelope verify / raw signature verify' is Verifier::verify of a whole"
echo "bench: envelope divided by SignatureScheme::verify alone over the same Sig_structure and signature;"
echo "bench: 'seal / raw sign' is pouch_envelope::seal divided by SigningKey::sign of a same-size message;"
echo "bench: the parts say where the verify difference goes; detached ratios are throughputs (higher is"
echo "bench: better, 1.0 = as fast as hashing alone); peak RSS is VmHWM of the whole example process."

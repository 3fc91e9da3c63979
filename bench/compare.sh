#!/usr/bin/env bash
# Pouch against the tools a gateway uses today, on the same records and keys, in one run,
# printed as RATIOS (docs/performance.md, "Peer comparison"). Run by hand, not in CI.
#
# Usage: bench/compare.sh
#   COMPARE_RECORDS=500   records (1 KiB each, ES256 and ES384 signers in turn)
#   COMPARE_PER_RECORD=60 records timed one process per record (both tools)
#   COMPARE_ROUNDS=5      interleaved rounds of every bulk and library figure (medians kept)
#
# Peers: (a) `openssl cms -verify` on CMS SignedData of the same records, signed with the
# same keys and certificates; (b) pycose (PyPI) on the same COSE_Sign envelopes; (c) the raw
# aws-lc-rs signature verify, the floor no verifier can beat. Installs what it needs: a
# Python venv under target/ for pycose (cbor2 < 6), and compiles bench/cms_verify_many.c
# against libcrypto (OpenSSL's CMS_verify, many files in one process).
set -euo pipefail
cd "$(dirname "$0")/.."

records=${COMPARE_RECORDS:-500}
per_record=${COMPARE_PER_RECORD:-60}
rounds=${COMPARE_ROUNDS:-5}
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
work="$target_dir/bench-compare"
at_rfc=2026-11-28T12:00:00Z
at_unix=1795867200

need() { # need CMD HOW-TO-INSTALL
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "compare: '$1' not found; install it with: $2" >&2
        exit 1
    fi
}
need openssl "apt-get install openssl"
need python3 "apt-get install python3 python3-venv"
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    echo "compare: python3 cannot make a venv; install it with: apt-get install python3-venv" >&2
    exit 1
fi
need cc "apt-get install gcc libssl-dev"
if ! printf '#include <openssl/cms.h>\n' | cc -E -x c - >/dev/null 2>&1; then
    echo "compare: OpenSSL headers not found; install them with: apt-get install libssl-dev" >&2
    exit 1
fi

echo "compare: building pouch and the examples (release)"
cargo build --release -q -p pouch-cli
cargo build --release -q -p pouch --example bench_corpus --example verify_files
pouch="$target_dir/release/pouch"
mkdir -p "$target_dir/bench-bin"
cms_many="$target_dir/bench-bin/cms_verify_many"
cc -O2 -Wall -o "$cms_many" bench/cms_verify_many.c -lcrypto

venv="$target_dir/bench-venv"
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import pycose, cbor2' 2>/dev/null; then
    echo "compare: installing pycose into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'pycose' 'cbor2<6'
fi
py="$venv/bin/python"

echo "compare: writing $records records, their envelopes and keys to $work"
rm -rf "$work"
"$target_dir/release/examples/bench_corpus" "$work" 0 "$records" >/dev/null
cmp_dir="$work/cmp"
pki="$work/pki"
# openssl's trust: every nation's root and CRLs in -CAfile, intermediates in -certfile.
cat "$pki"/*/root.pem "$pki"/*/*.crl >"$work/anchors.pem"
cat "$pki"/*/intermediate.pem >"$work/intermediates.pem"
mkdir -p "$cmp_dir/cms" "$work/out"
echo "compare: making CMS SignedData of the same records with the same keys (openssl cms -sign)"
while IFS=$'\t' read -r name nation alg; do
    md=sha256
    [[ $alg == ES384 ]] && md=sha384 # COSE ES384 hashes with SHA-384; CMS gets the same
    openssl cms -sign -binary -nodetach -md "$md" -in "$cmp_dir/$name.bin" \
        -signer "$pki/$nation/signer-$alg.pem" -inkey "$pki/$nation/signer-$alg.key.pem" \
        -certfile "$pki/$nation/intermediate.pem" -outform DER -out "$cmp_dir/cms/$name.cms"
done <"$cmp_dir/signers.tsv"

ossl_verify() { # ossl_verify FILE OUT
    openssl cms -verify -binary -inform DER -in "$1" -CAfile "$work/anchors.pem" \
        -certfile "$work/intermediates.pem" -purpose any -crl_check_all -attime "$at_unix" \
        -out "$2" 2>/dev/null
}
pouch_verify() { # pouch_verify INPUT... (extra flags first)
    "$pouch" verify --trust "$pki/bundle.toml" --at "$at_rfc" --no-progress "$@"
}

echo "compare: checking that every record verifies with both tools before timing"
mapfile -t names < <(cut -f1 "$cmp_dir/signers.tsv")
for n in "${names[@]}"; do
    ossl_verify "$cmp_dir/cms/$n.cms" "$work/out/$n.bin" || {
        echo "compare: openssl does not verify $n" >&2
        exit 1
    }
    cmp -s "$work/out/$n.bin" "$cmp_dir/$n.bin" || {
        echo "compare: openssl's content of $n differs from the record" >&2
        exit 1
    }
done
pouch_verify --jobs 1 "$cmp_dir/pouch" >"$work/pouch-all.txt" || {
    tail -5 "$work/pouch-all.txt" >&2
    echo "compare: pouch does not verify every envelope" >&2
    exit 1
}

now_ns() { echo $((${EPOCHREALTIME/./} * 1000)); }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { awk -v a="$1" 'BEGIN { printf "%.2f", a / 1e6 }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo
echo "== Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(openssl version); load average $(loadavg) =="
echo "   trust level: openssl checks the signature, the content digest and signed attributes, the chain"
echo "   to a root in -CAfile at -attime, and CRLs for the whole chain (-crl_check_all), with"
echo "   -purpose any (no EKU check). pouch verify --trust checks the signature, the chain to the"
echo "   nation's anchor at --at, CRLs, the leaf profile (keyUsage, EKU), the nation's authorisation"
echo "   for the label's classification, and the label's rules: at least as much as openssl."

# (a1) One process per record, interleaved record by record, order alternating.
p_tot=0
o_tot=0
per=()
for ((i = 0; i < per_record && i < ${#names[@]}; i++)); do
    n=${names[i]}
    if ((i % 2 == 0)); then
        t0=$(now_ns); pouch_verify "$cmp_dir/pouch/$n.pouch" >/dev/null; t1=$(now_ns)
        ossl_verify "$cmp_dir/cms/$n.cms" /dev/null; t2=$(now_ns)
        p=$((t1 - t0)) o=$((t2 - t1))
    else
        t0=$(now_ns); ossl_verify "$cmp_dir/cms/$n.cms" /dev/null; t1=$(now_ns)
        pouch_verify "$cmp_dir/pouch/$n.pouch" >/dev/null; t2=$(now_ns)
        o=$((t1 - t0)) p=$((t2 - t1))
    fi
    p_tot=$((p_tot + p)) o_tot=$((o_tot + o))
    per+=("$(ratio "$o" "$p")")
done
pr_med=$(printf '%s\n' "${per[@]}" | median)
echo
echo "-- (a) openssl cms -verify vs pouch verify --trust: time ratios, openssl / pouch (> 1: pouch faster)"
printf '%-58s %6s  (median of %d per-record ratios %s; %s ms vs %s ms per record)\n' \
    "per record, one process each (both tools)" "$(ratio "$o_tot" "$p_tot")" "${#per[@]}" \
    "$pr_med" "$(ms $((o_tot / ${#per[@]})))" "$(ms $((p_tot / ${#per[@]})))"

# (a2) Bulk, interleaved rounds: pouch on the directory (one process, --jobs 1 and all cores)
# against a loop of openssl processes and against OpenSSL's CMS_verify in one process.
files_cms=("$cmp_dir"/cms/*.cms)
b_p1=() b_p2=() b_loop=() b_one=()
for ((r = 0; r < rounds; r++)); do
    t0=$(now_ns); pouch_verify --jobs 1 "$cmp_dir/pouch" >/dev/null; t1=$(now_ns)
    b_p1+=($((t1 - t0)))
    line=$("$cms_many" "$work/anchors.pem" "$work/intermediates.pem" "$at_unix" "${files_cms[@]}")
    [[ $line == *"FAIL 0 "* ]] || { echo "compare: $line" >&2; exit 1; }
    b_one+=("${line##* }")
    t0=$(now_ns); pouch_verify --jobs "$(nproc)" "$cmp_dir/pouch" >/dev/null; t1=$(now_ns)
    b_p2+=($((t1 - t0)))
    t0=$(now_ns)
    for f in "${files_cms[@]}"; do ossl_verify "$f" /dev/null; done
    t1=$(now_ns)
    b_loop+=($((t1 - t0)))
done
m_p1=$(printf '%s\n' "${b_p1[@]}" | median)
m_p2=$(printf '%s\n' "${b_p2[@]}" | median)
m_loop=$(printf '%s\n' "${b_loop[@]}" | median)
m_one=$(printf '%s\n' "${b_one[@]}" | median)
nrec=${#files_cms[@]}
printf '%-58s %6s  (%s ms vs %s ms for %d records)\n' \
    "bulk: loop of openssl processes / pouch dir, --jobs 1" "$(ratio "$m_loop" "$m_p1")" \
    "$(ms "$m_loop")" "$(ms "$m_p1")" "$nrec"
printf '%-58s %6s  (%s ms)\n' \
    "bulk: loop of openssl processes / pouch dir, --jobs $(nproc)" "$(ratio "$m_loop" "$m_p2")" "$(ms "$m_p2")"
printf '%-58s %6s  (%s ms, one thread)\n' \
    "bulk: CMS_verify in one process / pouch dir, --jobs 1" "$(ratio "$m_one" "$m_p1")" "$(ms "$m_one")"
echo "   per record: each tool is started once per record (process start and trust loading"
echo "   included, as a script calling either tool would). Bulk, one process: bench/cms_verify_many.c"
echo "   loads the store once and calls CMS_verify on records already in memory (its timer"
echo "   excludes start-up and file reads); pouch's time is the whole process (start, bundle,"
echo "   directory walk, reads, output), so this row is conservative for pouch."

# (b), (c) pycose, OpenSSL's CMS_verify without the chain, the pouch library and the raw
# aws-lc-rs verify, per envelope: the processes alternate within each round, and each
# round's ratios are of neighbouring measurements.
files_env=("$cmp_dir"/pouch/*.pouch)
declare -A lib
for ((r = 0; r < rounds; r++)); do
    round=()
    py_run() { "$py" bench/pycose_verify.py 1 "${files_env[@]}"; }
    rs_run() { "$target_dir/release/examples/verify_files" 15 "${files_env[@]}"; }
    cms_run() {
        local l
        l=$("$cms_many" --signature-only "$work/anchors.pem" "$work/intermediates.pem" "$at_unix" "${files_cms[@]}")
        [[ $l == *"FAIL 0 "* ]] || { echo "compare: $l" >&2; exit 1; }
        echo "cms all $((${l##* } / ${#files_cms[@]}))"
    }
    if ((r % 2 == 0)); then
        mapfile -t round < <(rs_run; py_run; cms_run)
    else
        mapfile -t round < <(cms_run; py_run; rs_run)
    fi
    declare -A this=()
    for line in "${round[@]}"; do
        read -r what alg v <<<"$line"
        this["$what/$alg"]=$v
        lib["$what/$alg"]+="$v "
    done
    for k in pycose/ES256 pycose/ES384 pouch/ES256 pouch/ES384 ratio/ES256 ratio/ES384 cms/all pouch/all; do
        [[ -n ${this[$k]:-} ]] || { echo "compare: round $((r + 1)) gave no figure for $k" >&2; exit 1; }
    done
    for alg in ES256 ES384; do
        lib["pycose-ratio/$alg"]+="$(ratio "${this[pycose/$alg]}" "${this[pouch/$alg]}") "
    done
    lib["cms-ratio/all"]+="$(ratio "${this[cms/all]}" "${this[pouch/all]}") "
done
med() { echo ${lib["$1"]} | tr ' ' '\n' | median; }
us() { awk -v a="$(med "$1")" 'BEGIN { printf "%.1f", a / 1e3 }'; }
printf '%-58s %6s  (%s us vs %s us per record, one thread each)\n' \
    "signature only, one process: CMS_verify / pouch library" "$(med cms-ratio/all)" \
    "$(us cms/all)" "$(us pouch/all)"
echo "   signature only: CMS_verify with CMS_NO_SIGNER_CERT_VERIFY (signature, content digest,"
echo "   signed attributes) against Verifier::verify without a trust bundle (signature, label"
echo "   rules), ES256 and ES384 records mixed: the cryptographic core of each, without chains."
echo
echo "-- (b) pycose and (c) the raw aws-lc-rs verify, against the pouch library, per envelope"
echo "   (signature stage only on every side: neither pycose nor this verifier is given a trust"
echo "   bundle; keys come from each envelope's x5chain leaf, cached by certificate)"
printf '%-10s %12s %12s %12s   %-15s %-15s\n' "algorithm" "pycose (us)" "pouch (us)" "raw (us)" "pycose / pouch" "pouch / raw"
for alg in ES256 ES384; do
    printf '%-10s %12s %12s %12s   %-15s %-15s\n' "$alg" "$(us "pycose/$alg")" "$(us "pouch/$alg")" \
        "$(us "raw/$alg")" "$(med "pycose-ratio/$alg")" "$(med "ratio/$alg")"
done
echo "   pycose / pouch > 1: pouch faster (pycose in one process, pouch in the next, medians of the"
echo "   per-round ratios). pouch / raw: Verifier::verify against the bare aws-lc-rs signature"
echo "   verify of the same Sig_structures, alternating within one process (1.00 = no overhead);"
echo "   target (issue 9) <= 1.15. pycose $("$py" -c 'import importlib.metadata as m; print(m.version("pycose"))') verifies ECDSA with $("$py" -c 'import sys, pycose.algorithms; print("the pure-Python ecdsa package" if "ecdsa" in sys.modules else "pyca/cryptography")')."
echo
echo "-- What pycose decodes of one envelope per signer algorithm:"
"$py" bench/pycose_verify.py --probe "$cmp_dir"/probe-*.pouch | sed "s|$cmp_dir/||"
echo
echo "compare: load average at the end $(loadavg); every figure above is a ratio of two things timed"
echo "compare: in this run, interleaved, medians of $rounds rounds (bulk, library) or summed over"
echo "compare: ${#per[@]} alternating pairs (per record)."

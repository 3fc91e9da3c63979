#!/usr/bin/env bash
# Two national domains on one machine, on loopback (docs/gateway.md, "Two national domains"):
# Norway's and Denmark's own nats-servers, each with JetStream in its own domain, joined by a
# leaf node; Denmark's inbound stream sources Norway's POUCH_OUT_DNK across the domains.
# Norway's gateway decides ten inputs of every kind for DNK and NLD; the ones released to
# Denmark are read back from Denmark's inbound stream, byte for byte. Everything started here
# is stopped at the end (or on error), and the working folder removed.
#
# Usage: scripts/two-domains.sh        (needs nats-server: apt-get install nats-server)
#   PROFILE=debug  use a debug build instead of release
#   KEEP=1         keep the working folder (its path is printed)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nats-server >/dev/null 2>&1; then
    echo "two-domains: nats-server not found; install it with: apt-get install nats-server" >&2
    exit 1
fi
profile=${PROFILE:-release}
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
flag=(); [[ $profile == release ]] && flag=(--release)
echo "two-domains: building pouch-gateway ($profile)"
cargo build -q "${flag[@]}" -p pouch-gateway --bins --example gateway_corpus
gw="$target_dir/$profile/pouch-gateway"
corpus="$target_dir/$profile/examples/gateway_corpus"

work=$(mktemp -d /tmp/pouch-two-domains.XXXXXX)
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do
        for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    if [[ ${KEEP:-0} == 1 ]]; then echo "two-domains: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "two-domains: nothing listens on port $1; see $work/*.log" >&2
    return 1
}
nor_port=$(free_port) dnk_port=$(free_port) leaf_port=$(free_port)

cat > "$work/nor.conf" <<CONF
listen: 127.0.0.1:$nor_port
server_name: nor
jetstream { store_dir: "$work/nor-js", domain: nor }
leafnodes { listen: 127.0.0.1:$leaf_port }
CONF
cat > "$work/dnk.conf" <<CONF
listen: 127.0.0.1:$dnk_port
server_name: dnk
jetstream { store_dir: "$work/dnk-js", domain: dnk }
leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:$leaf_port" } ] }
CONF
echo "two-domains: Norway's server on 127.0.0.1:$nor_port (leaf nodes on $leaf_port), Denmark's on 127.0.0.1:$dnk_port"
nats-server -c "$work/nor.conf" 2>"$work/nor.log" & pids+=($!)
wait_port "$nor_port"
nats-server -c "$work/dnk.conf" 2>"$work/dnk.log" & pids+=($!)
wait_port "$dnk_port"
for _ in $(seq 100); do grep -q "Leafnode connection created" "$work/dnk.log" && break; sleep 0.1; done
grep -q "Leafnode connection created" "$work/dnk.log" || { echo "two-domains: the leaf node did not connect" >&2; exit 1; }

echo "two-domains: writing the demo PKI and ten inputs of every kind"
"$corpus" "$work/nor" 10 mixed > "$work/corpus.txt"
spif=$(awk '$1 == "spif" { print $2 }' "$work/corpus.txt")

# One account on both sides of the leaf node means one subject space: each domain names its
# subjects under its own prefix, so Norway's streams never capture Denmark's traffic and
# back (between real nations, separate accounts with exports do this; docs/gateway.md).
common() {  # NAME PORT
    cat <<CONF
[nats]
url = "nats://127.0.0.1:$2"
name = "pouch-gateway-$1"

[audit]
stream = "POUCH_AUDIT"
subject = "$1.pouch.audit"

[quarantine]
stream = "POUCH_QUARANTINE"
subject = "$1.pouch.quarantine"

[verify]
trust = "$work/nor/pki/bundle.toml"
policies = ["$spif"]

[limits]
max_envelope_bytes = 16384

[http]
CONF
}
{
    common nor "$nor_port"
    cat <<CONF

[inbound]
stream = "POUCH_IN"
subjects = ["nor.pouch.in"]
consumer = "gateway"

[[partner]]
nation = "DNK"
subject = "nor.pouch.out.DNK"
stream = "POUCH_OUT_DNK"

[[partner]]
nation = "NLD"
subject = "nor.pouch.out.NLD"
stream = "POUCH_OUT_NLD"
CONF
} > "$work/nor.toml"
{
    common dnk "$dnk_port"
    cat <<CONF

[inbound]
stream = "POUCH_IN"
subjects = ["dnk.pouch.in"]
consumer = "gateway"

[[inbound.source]]
stream = "POUCH_OUT_DNK"
domain = "nor"

[[partner]]
nation = "NLD"
subject = "dnk.pouch.out.NLD"
stream = "POUCH_OUT_NLD"
CONF
} > "$work/dnk.toml"

"$gw" setup --config "$work/nor.toml"
"$gw" setup --config "$work/dnk.toml"
"$gw" run --config "$work/nor.toml" --worker nor-1 2>"$work/gateway-nor.log" & pids+=($!)
gw_pid=$!
"$gw" publish --config "$work/nor.toml" "$work"/nor/inputs/*.bin

want=$(awk '$1 == "PermitBoth" || $1 == "PermitDnk" { n += $2 } END { print n + 0 }' "$work/corpus.txt")
echo "two-domains: waiting for the $want inputs releasable to Denmark to reach Denmark's POUCH_IN"
got=0
for _ in $(seq 300); do
    got=$("$gw" read --config "$work/dnk.toml" --stream POUCH_IN | wc -l)
    ((got >= want)) && break
    sleep 0.2
done
echo
echo "== Norway's audit stream: one decision per input and partner"
"$gw" read --config "$work/nor.toml" --stream POUCH_AUDIT --body | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)["body"]
    why = r.get("class") or r.get("reason")
    print("  %s  %-10s %-11s %s" % (r["envelope_sha256"][:16], r["destination"], r["decision"], why))
'
echo
echo "== Denmark's inbound stream (its own server, sourced over the leaf node)"
"$gw" read --config "$work/dnk.toml" --stream POUCH_IN | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    print("  #%d %s %d bytes, released to %s, sha256 %s" % (m["sequence"], m["subject"], m["size"],
          m["headers"].get("Pouch-Released-To"), m["sha256"][:16]))
'
# The bytes that crossed are the bytes published: each stored body's SHA-256 is an input's.
crossed=0
while read -r sha; do
    for f in "$work"/nor/inputs/*.bin; do
        if [[ $(sha256sum "$f" | cut -d' ' -f1) == "$sha" ]]; then crossed=$((crossed + 1)); break; fi
    done
done < <("$gw" read --config "$work/dnk.toml" --stream POUCH_IN | python3 -c '
import json, sys
for line in sys.stdin: print(json.loads(line)["sha256"])')
echo
kill -TERM "$gw_pid"
wait "$gw_pid" && echo "two-domains: Norway's gateway stopped cleanly on SIGTERM"
if ((got == want && crossed == want)); then
    echo "two-domains: OK: $got of the 10 inputs crossed into Denmark's domain, each the bytes of a published input"
else
    echo "two-domains: FAILED: $got messages in Denmark's POUCH_IN, $crossed matching an input, $want expected" >&2
    exit 1
fi

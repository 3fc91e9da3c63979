#!/usr/bin/env bash
# Fetches the third-party reference suites that Pouch's tests read (never copied into the
# repository) at their pinned commits, and checks every file against scripts/reference.sha256.
#
#   scripts/fetch-reference.sh [DEST]
#
# DEST defaults to $POUCH_REFERENCE, else ../shared/reference from the repository root (the
# place the tests look when POUCH_REFERENCE is unset; crates/pouch-reference). A relative
# POUCH_REFERENCE is taken from the repository root, as the tests take it.
#
# Needs curl, tar and sha256sum, and network access to codeload.github.com. Not run by CI:
# CI machines carry the suites already, and .ci/run sets POUCH_REQUIRE_REFERENCE=1 so that a
# missing suite fails the build instead of being skipped.
#
# What cannot be fetched byte for byte, and what the script does instead:
# - x509-limbo/generated/limbo-native.json is compiled from upstream's test-case registry, and
#   every compile makes fresh keys: the script prints how to build it (Python) and checks no
#   digest. The limbo test needs it.
# - labels/opentdf-spec/manifest-example-with-4774-assertion.jsonc and labels/vectors/ are
#   derived by hand from upstream documents; no test reads them, and they are not fetched.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
digests="$root/scripts/reference.sha256"

dest="${1:-${POUCH_REFERENCE:-../shared/reference}}"
case "$dest" in /*) ;; *) dest="$root/$dest" ;; esac

for tool in curl tar sha256sum; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch OWNER/REPO COMMIT: the repository's tree at COMMIT, unpacked under $work/OWNER/REPO.
# codeload accepts a full or an abbreviated commit id; the digests below make either safe.
fetch() {
    local repo="$1" commit="$2" out="$work/$1"
    [ -d "$out" ] && return 0
    echo "fetching $repo @ $commit" >&2
    mkdir -p "$out"
    curl -fsSL --retry 3 "https://codeload.github.com/$repo/tar.gz/$commit" \
        | tar -xz -C "$out" --strip-components=1
}

# copy OWNER/REPO SOURCE-PATH DEST-PATH (DEST-PATH relative to $dest).
copy() {
    mkdir -p "$(dirname "$dest/$3")"
    cp "$work/$1/$2" "$dest/$3"
}

# Pinned commits (from the SOURCE.md / SOURCES.md beside each suite).
COSE_WG=(cose-wg/Examples 53c9d634333bb4f529d78f5980fffa2667ee2c12)
WYCHEPROOF=(C2SP/wycheproof dac1dd4729fd1f8dd9e1e9f3dce51d783da6c166)
LIMBO=(C2SP/x509-limbo 8a2e6f41023b1716dc16fe63335e4bb972e4c3f6)
NMBS=(liturner/nmbs 0e3b65e1eb19)
SPIFFING=(surevine/spiffing 170af8c6009c)
SPARROW=(FireFlans/sparrow e4959b8933a3)
OPENTDF=(opentdf/spec 7a4ed269a65f)

# Suites copied with their upstream paths: every digest line under the suite's folder names a
# file at the same path in the repository.
same_paths() {
    local suite="$1" repo="$2" commit="$3"
    fetch "$repo" "$commit"
    awk '{print $2}' "$digests" | grep "^$suite/" | while read -r path; do
        copy "$repo" "${path#"$suite"/}" "$path"
    done
}
same_paths cose-wg-examples "${COSE_WG[@]}"
same_paths wycheproof "${WYCHEPROOF[@]}"
same_paths x509-limbo "${LIMBO[@]}"

# The labels suite gathers files of four repositories under local names.
fetch "${NMBS[@]}"
nmbs=targets/NMBS-Library/resources/xml
copy "${NMBS[0]}" LICENSE labels/liturner-nmbs/LICENSE
copy "${NMBS[0]}" "$nmbs/schema/nl-cl.xsd" labels/liturner-nmbs/nl-cl.xsd
copy "${NMBS[0]}" "$nmbs/schema/nl-mb.xsd" labels/liturner-nmbs/nl-mb.xsd
copy "${NMBS[0]}" "$nmbs/schema/xmlspif.xsd" labels/liturner-nmbs/xmlspif.xsd
copy "${NMBS[0]}" "$nmbs/spif/20210506_PU_NATO Security Policy-v88.spif" \
    labels/liturner-nmbs/NATO-Security-Policy-v88.spif.xml
copy "${NMBS[0]}" "$nmbs/spif/20140916_PU_PUBLIC Security Policy-v1.spif" \
    labels/liturner-nmbs/PUBLIC-Security-Policy-v1.spif.xml
copy "${NMBS[0]}" targets/NMBS-Tests/resources/xml/test.1.bdo labels/liturner-nmbs/test.1.bdo.xml

fetch "${SPIFFING[@]}"
awk '{print $2}' "$digests" | grep '^labels/surevine-spiffing/' | while read -r path; do
    copy "${SPIFFING[0]}" "${path#labels/surevine-spiffing/}" "$path"
done

fetch "${SPARROW[@]}"
copy "${SPARROW[0]}" LICENSE labels/fireflans-sparrow/LICENSE
copy "${SPARROW[0]}" config/schema/spif-21.xsd labels/fireflans-sparrow/config_schema_spif-21.xsd
copy "${SPARROW[0]}" config/spifs/ACME.xml labels/fireflans-sparrow/config_spifs_ACME.xml
copy "${SPARROW[0]}" config/spifs/nato.xml labels/fireflans-sparrow/config_spifs_nato.xml
for f in label1.xml label1_simplified.json label2.xml label2_simplified.json; do
    copy "${SPARROW[0]}" "test/labels/$f" "labels/fireflans-sparrow/test_labels_$f"
done

fetch "${OPENTDF[@]}"
copy "${OPENTDF[0]}" LICENSE labels/opentdf-spec/LICENSE
copy "${OPENTDF[0]}" schema/OpenTDF/json-schema/schema.json labels/opentdf-spec/schema.json

echo "checking $(wc -l < "$digests") files against scripts/reference.sha256" >&2
if ! (cd "$dest" && sha256sum --check --quiet "$digests"); then
    echo "error: digests differ (above); the fetched suites are not the pinned ones" >&2
    exit 1
fi

cat >&2 <<MSG
fetched into $dest; every digest matches.
Not fetched: x509-limbo/generated/limbo-native.json, which the x509-limbo test needs. It is
upstream's test-case registry compiled without the bettertls and online cases; build it in a
checkout of ${LIMBO[0]} at ${LIMBO[1]} with Python >= 3.11 as x509-limbo/SOURCE.md describes
(upstream's "make limbo.json", i.e. python -m limbo compile, minus those two sources). Keys
differ per compile, so no digest is checked for it.
MSG

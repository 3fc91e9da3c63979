"""Labels, policies and release with the demo SPIFs; expectations read from the SPIF."""

import json
import xml.etree.ElementTree as ET

import pytest

import pouch
from conftest import AT, DEMO_SECRET, POLICIES, SIGNED

NSPIF = "urn:nato:stanag:4774:spif:extensions:1:0"
SPIF = "http://www.xmlspif.org/spif"


def spif_members(path, group):
    """The members of `group` by the SPIF's nspif:memberships, read with ElementTree."""
    root = ET.parse(path).getroot()
    for m in root.iter(f"{{{NSPIF}}}membership"):
        if m.get(f"{{{NSPIF}}}name") == group:
            return [x.get(f"{{{NSPIF}}}name") for x in m.iter(f"{{{NSPIF}}}member")]
    raise AssertionError(f"no group {group} in {path}")


def spif_identity(path):
    p = ET.parse(path).getroot().find(f"{{{SPIF}}}securityPolicyId")
    return p.get("name"), p.get("id")


@pytest.mark.parametrize("name", ["pouch-demo", "nor-demo"])
def test_policy_load_names_the_spif(name):
    path = POLICIES / f"{name}.spif.xml"
    p = pouch.policy_load(path.read_bytes())
    assert (p.name, p.id) == spif_identity(path)
    assert p.warnings == []


def test_release_follows_the_spif_memberships(demo_policy):
    members = spif_members(POLICIES / "pouch-demo.spif.xml", "COALITION")
    assert len(members) >= 2
    for who in members + ["FIN"]:
        d = pouch.release(DEMO_SECRET, demo_policy, who)
        assert d["permitted"] is True and d["decision"] == "permit", d
        assert d["codes"][-1]["code"] == "release.permitted"
    outsider = next(c for c in ("SWE", "USA", "GBR") if c not in members)
    d = pouch.release(DEMO_SECRET, demo_policy, outsider)
    assert d["permitted"] is False and d["codes"][-1]["code"] == "release.denied"


def test_a_clearance_below_the_classification_is_denied(demo_policy):
    member = spif_members(POLICIES / "pouch-demo.spif.xml", "COALITION")[0]

    def clearance(*cls):
        return json.dumps({"policy": "POUCH-DEMO", "classifications": list(cls)}).encode()

    assert pouch.release(DEMO_SECRET, demo_policy, member, clearance("SECRET"))["permitted"]
    low = pouch.release(DEMO_SECRET, demo_policy, member, clearance("CONFIDENTIAL"))
    assert low["permitted"] is False


def test_verify_runs_the_release_stage(signer, ctx, demo_policy):
    env = pouch.seal(DEMO_SECRET, b"r", signer().key, signer().chain, signing_time=SIGNED)
    members = spif_members(POLICIES / "pouch-demo.spif.xml", "COALITION")
    ctx.add_policy(demo_policy)
    ctx.set_recipient(members[-1])
    r = ctx.verify(env)
    assert r.releasable is True and r.exit_class == 0, r.json
    ctx.set_recipient("SWE")
    r = ctx.verify(env)
    # Release is kept apart from validity: the envelope is still valid and trusted.
    assert r.releasable is False and r.is_valid and r.signers_trusted
    assert r.exit_class == 6, r.json  # spec §7.4: release-denied
    ctx.set_recipient(None)
    assert ctx.verify(env).releasable is None


def test_a_label_breaking_its_policy_exits_label_invalid(signer, demo_policy):
    bad = DEMO_SECRET.replace(b"SECRET", b"ULTRA")
    env = pouch.seal(bad, b"r", signer().key, signer().chain, signing_time=SIGNED)
    c = pouch.VerifyContext()
    c.set_at(AT)
    assert c.verify(env).exit_class == 0  # no policy given: the stage does not run
    c.add_policy(demo_policy)
    r = c.verify(env)
    assert r.is_valid and r.label_valid is False and r.exit_class == 5, r.json
    assert r.has("policy.classification-unknown")


def test_label_convert_round_trips_through_every_form():
    as_json = json.loads(pouch.label_convert(DEMO_SECRET, "json"))
    cbor = pouch.label_convert(DEMO_SECRET, "cbor", from_="json")
    xml = pouch.label_convert(cbor, "xml")
    assert xml.lstrip().startswith(b"<") and b"urn:nato:stanag:4774" in xml
    assert json.loads(pouch.label_convert(xml, "json", from_="xml")) == as_json
    assert pouch.label_convert(pouch.label_convert(xml, "cbor"), "cbor") == cbor
    assert as_json["confidentialityInformation"]["classification"] == "SECRET"


def test_label_check_and_render(demo_policy):
    codes = [c["code"] for c in pouch.label_check(DEMO_SECRET)["codes"]]
    assert codes[0] == "label.well-formed"
    under = [c["code"] for c in pouch.label_check(DEMO_SECRET, demo_policy)["codes"]]
    assert "policy.label-valid" in under
    assert pouch.label_render(DEMO_SECRET) == "SECRET Releasable To COALITION, FIN"
    marking = pouch.label_render(DEMO_SECRET, demo_policy)
    assert "SECRET" in marking and "COALITION" in marking
    # The SPIF gives SECRET the Norwegian phrase HEMMELIG.
    root = ET.parse(POLICIES / "pouch-demo.spif.xml").getroot()
    nb = [
        md.get("phrase")
        for c in root.iter(f"{{{SPIF}}}securityClassification")
        if c.get("name") == "SECRET"
        for md in c.iter(f"{{{SPIF}}}markingData")
        if md.get("{http://www.w3.org/XML/1998/namespace}lang") == "nb"
    ]
    assert nb and nb[0] in pouch.label_render(DEMO_SECRET, demo_policy, "nb")

//! The policy and release stages (spec/05-policy.md §5.8): every label checked under the
//! policy it names, the release decided under the originator label or an alternative label
//! from a trusted, authorised seal, and neither stage touching the envelope verdict.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::sync::OnceLock;

use common::now;
use pouch::{LabelRef, Limits, Report, Role, SealRequest, TrustStore, Verifier};
use pouch_crypto::{Algorithm, CryptoProvider};
use pouch_label::Label;
use pouch_policy::demo::{COALITION_SPIF, NATIONAL_SPIF};
use pouch_policy::{Policy, Recipient};
use pouch_status as codes;
use pouch_testkit::DemoPki;
use pouch_trust::TrustBundle;

fn provider() -> &'static CryptoProvider {
    pouch_crypto_awslc::provider()
}

struct Fixture {
    pki: &'static DemoPki,
    bundle: &'static TrustBundle,
    coalition: Policy,
    national: Policy,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let demo = common::demo();
        let l = pouch_policy::Limits::default();
        Fixture {
            pki: &demo.pki,
            bundle: &demo.bundle,
            coalition: Policy::load(COALITION_SPIF, &l).unwrap(),
            national: Policy::load(NATIONAL_SPIF, &l).unwrap(),
        }
    })
}

fn originator_label() -> Label {
    Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO","classification":"SECRET",
          "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["COALITION","FIN"]}]},
          "creationDateTime":"2026-11-28T09:00:00Z"}"#,
        &pouch_label::Limits::default(),
    )
    .unwrap()
}

fn request<'a>(
    nation: &str,
    alg: Algorithm,
    key: &'a dyn pouch_crypto::SigningKey,
    alternative: Option<Label>,
) -> SealRequest<'a> {
    let n = fixture().pki.coalition.nation(nation).unwrap();
    let i = n.signer(alg).unwrap();
    SealRequest {
        key,
        chain: n.signer_chain(i),
        role: if alternative.is_some() {
            Role::Endorser
        } else {
            Role::Originator
        },
        signing_time: now(),
        alternative_label: alternative,
        release: None,
    }
}

fn key(nation: &str, alg: Algorithm) -> Box<dyn pouch_crypto::SigningKey> {
    let n = fixture().pki.coalition.nation(nation).unwrap();
    n.signer(alg).unwrap().signing_key(provider()).unwrap()
}

/// `label` over the record "record", sealed by Norway's ES384 originator.
fn sealed_by_norway(label: &Label) -> Vec<u8> {
    let k = key("NOR", Algorithm::Es384);
    let req = request("NOR", Algorithm::Es384, k.as_ref(), None);
    common::seal_record(provider(), label, &req)
}

/// `env` endorsed by `nation`'s `alg` signer with the alternative label `alt`.
fn endorsed(env: &[u8], nation: &str, alg: Algorithm, alt: Label) -> Vec<u8> {
    let k = key(nation, alg);
    let req = request(nation, alg, k.as_ref(), Some(alt));
    pouch::endorse(env, &req, &Limits::default()).unwrap()
}

/// Norway seals the coalition label (ES384), then endorses with ML-DSA-65 and the Norwegian
/// alternative label derived through the demo policies' equivalences; `extra` adds one more
/// endorsement by `(nation, alternative label)`.
fn envelope(extra: Option<(&str, Label)>) -> Vec<u8> {
    let f = fixture();
    let label = originator_label();
    let alt = f.coalition.equivalent(&label, &f.national).unwrap();
    let mut env = sealed_by_norway(&label);
    env = endorsed(&env, "NOR", Algorithm::MlDsa65, alt);
    if let Some((nation, alt)) = extra {
        env = endorsed(&env, nation, Algorithm::EdDsa, alt);
    }
    env
}

fn verify(
    env: &[u8],
    policies: &[&'static Policy],
    recipient: Option<&str>,
    trust: bool,
) -> Report {
    static S: OnceLock<TrustStore> = OnceLock::new();
    let f = fixture();
    let mut b = Verifier::builder(provider())
        .at(now())
        .policies(policies.iter().map(|p| (*p).clone()));
    if let Some(r) = recipient {
        b = b.recipient(Recipient::new(r));
    }
    b = if trust {
        b.trust_store(
            S.get_or_init(|| TrustStore::new(provider(), f.bundle.clone()).unwrap())
                .clone(),
        )
    } else {
        b.without_trust()
    };
    b.build().unwrap().verify(env, None)
}

fn release_codes(r: &Report) -> Vec<&'static str> {
    r.release
        .as_ref()
        .unwrap()
        .codes
        .iter()
        .map(|e| e.code.id())
        .collect()
}

#[test]
fn each_label_is_checked_under_the_policy_it_names() {
    let f = fixture();
    let env = envelope(None);
    let r = verify(&env, &[&f.coalition], None, true);
    assert!(r.is_valid(), "{r:#?}");
    assert_eq!(r.policy.len(), 2);
    assert_eq!(r.policy[0].label, LabelRef::Originator);
    assert_eq!(r.policy[0].policy.as_deref(), Some("POUCH-DEMO"));
    assert_eq!(r.policy[0].codes[0].code, codes::POLICY_LABEL_VALID);
    assert_eq!(r.label_valid(), Some(true));
    assert_eq!(r.policy[1].label, LabelRef::Seal(1));
    assert_eq!(r.policy[1].policy, None);
    assert_eq!(r.policy[1].codes[0].code, codes::POLICY_UNAVAILABLE);
    assert!(r.release.is_none(), "no recipient, no release stage");

    let r = verify(&env, &[&f.coalition, &f.national], None, true);
    assert_eq!(r.policy[1].policy.as_deref(), Some("NOR-DEMO"));
    assert_eq!(r.policy[1].codes[0].code, codes::POLICY_LABEL_VALID);

    let r = verify(&env, &[&f.national], None, true);
    assert_eq!(r.label_valid(), None, "the originator's policy is not held");
}

#[test]
fn the_originator_label_decides_when_its_policy_is_held() {
    let f = fixture();
    let env = envelope(None);
    for (who, permitted) in [("DNK", true), ("FIN", true), ("SWE", false)] {
        let r = verify(&env, &[&f.coalition], Some(who), true);
        let rel = r.release.as_ref().unwrap();
        assert_eq!(rel.label, Some(LabelRef::Originator));
        assert_eq!(r.releasable(), Some(permitted), "{who}: {rel:?}");
        // The envelope verdict does not depend on the release (POUCH-POL-083).
        assert!(r.is_valid());
    }
    let r = verify(&env, &[&f.coalition], Some("SWE"), true);
    assert!(release_codes(&r).contains(&"release.not-releasable-to"));
    assert_eq!(release_codes(&r).last(), Some(&"release.denied"));
}

#[test]
fn a_trusted_authorised_seals_alternative_label_decides_for_a_national_gateway() {
    let f = fixture();
    let env = envelope(None);
    // A Norwegian gateway holds only its national policy: seal 1's label decides.
    let r = verify(&env, &[&f.national], Some("FIN"), true);
    let rel = r.release.as_ref().unwrap();
    assert_eq!(rel.label, Some(LabelRef::Seal(1)), "{rel:?}");
    assert_eq!(r.releasable(), Some(true));
    let r = verify(&env, &[&f.national], Some("SWE"), true);
    assert_eq!(r.releasable(), Some(false));
}

/// POUCH-POL-085: a recipient without a trust bundle is an argument error when the verifier
/// is built, under either kind of policy, not a report that says `release.not-decided`.
#[test]
fn a_recipient_without_a_trust_bundle_is_refused_when_the_verifier_is_built() {
    let f = fixture();
    for policy in [&f.national, &f.coalition] {
        let e = Verifier::builder(provider())
            .at(now())
            .policy(policy.clone())
            .recipient(Recipient::new("FIN"))
            .without_trust()
            .build()
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(e, pouch::Error::RecipientWithoutTrust), "{e}");
        assert!(e.to_string().contains("POUCH-POL-085"), "{e}");
    }
    // The same verifier without the recipient builds, and its report has no release stage.
    let env = envelope(None);
    let r = verify(&env, &[&f.national], None, false);
    assert!(r.release.is_none());
}

#[test]
fn an_alternative_label_from_an_unauthorised_nation_is_not_relied_on() {
    let f = fixture();
    // Denmark, not authorised for NOR-DEMO, asserts a Norwegian label releasable to Sweden.
    let danish = Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"NOR-DEMO","classification":"HEMMELIG",
          "categories":[{"tagName":"Kan frigis til","type":"PERMISSIVE","values":["SWE"]}]},
          "creationDateTime":"2026-11-28T09:00:00Z"}"#,
        &pouch_label::Limits::default(),
    )
    .unwrap();
    // Seal order: Norway's two seals, then Denmark's. Verify with a national gateway that
    // skips seal 1 by taking a fresh envelope whose only alternative label is Denmark's.
    let label = originator_label();
    let env = sealed_by_norway(&label);
    let env = endorsed(&env, "DNK", Algorithm::EdDsa, danish.clone());
    let r = verify(&env, &[&f.national], Some("SWE"), true);
    assert!(r.seals[1].signature_valid());
    assert!(
        r.seals[1]
            .trust
            .iter()
            .any(|e| e.code == codes::TRUST_UNAUTHORISED_POLICY),
        "{:?}",
        r.seals[1].trust
    );
    // An unauthorised seal leaves the envelope untrusted under the seal policy `all`: no
    // release is decided, never one under Denmark's label (POUCH-POL-085).
    assert_eq!(release_codes(&r), ["release.not-decided"]);
    assert!(!r.is_valid());

    // With Norway's seal 1 present as well, still no decision, whatever the seal order.
    let env = envelope(Some(("DNK", danish)));
    let r = verify(&env, &[&f.national], Some("SWE"), true);
    assert_eq!(release_codes(&r), ["release.not-decided"]);
    assert_eq!(r.releasable(), Some(false));
}

#[test]
fn the_json_report_carries_the_new_stages_only_when_they_ran() {
    let f = fixture();
    let env = envelope(None);
    let plain = verify(&env, &[], None, true).to_json();
    assert!(plain.get("policy").is_none() && plain.get("release").is_none());
    let j = verify(&env, &[&f.coalition], Some("DNK"), true).to_json();
    assert_eq!(j["policy"][0]["label"], "originator");
    assert_eq!(j["release"]["recipient"], "DNK");
    assert_eq!(
        j["release"]["codes"].as_array().unwrap().last().unwrap()["code"],
        "release.permitted"
    );
}

//! Encryption to the nations a record may be released to, through the front door
//! (spec/10-encryption.md): recipients' certificates validated like signer chains, release
//! gating with forcing recorded under the seal, a gateway verifying and deciding release
//! without a key, and a recipient opening only after verification.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::OnceLock;

use pouch::encryption::{PrivateKey, RecipientAlg, cert, derive_keypair};
use pouch::{
    CiphertextOut, EncryptionGate, Error, Policy, RecipientCert, SealOptions, SealRequest,
    TrustBundle, Verifier,
};
use pouch_crypto::{Algorithm, CryptoProvider};
use pouch_label::{DateTime, Label};
use pouch_status as status;
use pouch_testkit::{Coalition, CoalitionSpec, Nation, Profile, Validity};
use pouch_trust::{Authorisation, TrustedNation};

const NOW: i64 = 1_795_860_000; // 2026-11-28T10:00:00Z
const YEAR: i64 = 365 * 86_400;

fn provider() -> &'static CryptoProvider {
    pouch_crypto_awslc::provider()
}

fn coalition() -> &'static Coalition {
    static C: OnceLock<Coalition> = OnceLock::new();
    C.get_or_init(|| {
        let nations = [
            Nation::new("NOR", "NO", "Norway").unwrap(),
            Nation::new("DNK", "DK", "Denmark").unwrap(),
            Nation::new("FIN", "FI", "Finland").unwrap(),
            Nation::new("SWE", "SE", "Sweden").unwrap(),
        ];
        CoalitionSpec::new(Algorithm::Es384, &[Algorithm::Es384], NOW)
            .unwrap()
            .build(provider(), &nations)
            .unwrap()
    })
}

fn bundle(crls: &[(&str, Vec<u8>)]) -> TrustBundle {
    TrustBundle {
        nations: coalition()
            .nations()
            .iter()
            .map(|n| TrustedNation {
                crls: crls
                    .iter()
                    .filter(|(c, _)| *c == n.nation.code_alpha3())
                    .map(|(_, d)| d.clone())
                    .collect(),
                authorisations: vec![Authorisation {
                    policy: "POUCH-DEMO".into(),
                    classifications: vec!["SECRET".into(), "CONFIDENTIAL".into()],
                }],
                ..n.trusted_nation()
            })
            .collect(),
    }
}

fn policy() -> Policy {
    Policy::load(pouch_policy::demo::COALITION_SPIF, &Default::default()).unwrap()
}

fn label() -> Label {
    Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO","classification":"SECRET",
          "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["DNK","FIN"]}]},
          "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}"#,
        &Default::default(),
    )
    .unwrap()
}

/// A nation's encryption key and certificate chain (leaf, intermediate).
struct Holder {
    key: PrivateKey,
    chain: Vec<Vec<u8>>,
}

fn holder(nation: &str, alg: RecipientAlg, validity: Validity, profile: Profile) -> Holder {
    let n = coalition().nation(nation).unwrap();
    let (key, pk) = derive_keypair(alg, format!("{nation} encryption key").as_bytes());
    let c = n
        .issue_encryption(
            provider(),
            cert::spki_der(&pk).unwrap(),
            alg.name(),
            validity,
            profile,
        )
        .unwrap();
    Holder {
        key,
        chain: vec![c.der().to_vec(), n.intermediate.certificate.der().to_vec()],
    }
}

fn good(nation: &str, alg: RecipientAlg) -> Holder {
    let key_agreement = alg == RecipientAlg::P384;
    holder(
        nation,
        alg,
        Validity::new(NOW - YEAR, NOW + YEAR).unwrap(),
        Profile::Encryption { key_agreement },
    )
}

fn rc(nation: &str, h: &Holder) -> RecipientCert {
    RecipientCert {
        nation: nation.into(),
        chain: h.chain.clone(),
    }
}

fn seal(
    recipients: &[RecipientCert],
    bundle: &TrustBundle,
    force: &[&str],
    record: &[u8],
) -> Result<Vec<u8>, Error> {
    let policy = policy();
    let gate = EncryptionGate::new(provider(), bundle, &policy, NOW)
        .unwrap()
        .force(force.iter().map(|s| s.to_string()));
    let n = coalition().nation("NOR").unwrap();
    let issued = n.signer(Algorithm::Es384).unwrap();
    let key = issued.signing_key(provider()).unwrap();
    let request = SealRequest::originator(
        key.as_ref(),
        n.signer_chain(issued),
        DateTime::from_unix(NOW, 0).unwrap(),
    );
    let mut data = record;
    pouch::seal_encrypted(
        provider(),
        &label(),
        &mut data,
        CiphertextOut::Embedded,
        recipients,
        &gate,
        &request,
        &SealOptions::new(),
    )
}

fn verifier(bundle: TrustBundle, recipient: &str) -> Verifier {
    Verifier::builder(provider())
        .trust(bundle)
        .policy(policy())
        .at(DateTime::from_unix(NOW, 0).unwrap())
        .recipient(pouch::Recipient::new(recipient))
        .build()
        .unwrap()
}

/// Opens `env` as a recipient in `nation` (verified under the full bundle) with `key` and
/// `certificate`, the plaintext to `out`.
fn open_as(
    nation: &str,
    env: &[u8],
    key: &PrivateKey,
    certificate: &[u8],
    out: &mut Vec<u8>,
) -> pouch::Opened {
    pouch::open(
        &verifier(bundle(&[]), nation),
        env,
        None,
        key,
        certificate,
        out,
    )
}

fn refusal(r: Result<Vec<u8>, Error>) -> pouch::Refusal {
    match r {
        Err(Error::Refused(r)) => r,
        other => panic!("expected a refusal, got {:?}", other.map(|v| v.len())),
    }
}

#[test]
fn gateway_decides_without_a_key_and_denmark_opens() {
    let dnk = good("DNK", RecipientAlg::XWing);
    let fin = good("FIN", RecipientAlg::P384);
    let record = b"Exercise FROSTY PINE: grid 32V NM 1234 5678".as_slice();
    let env = seal(
        &[rc("DNK", &dnk), rc("FIN", &fin)],
        &bundle(&[]),
        &[],
        record,
    )
    .unwrap();
    // A coalition gateway: no key, decides release for each nation.
    for (nation, releasable) in [("DNK", true), ("FIN", true), ("SWE", false)] {
        let report = verifier(bundle(&[]), nation).verify(&env, None);
        assert_eq!(report.releasable(), Some(releasable), "{nation}");
        assert!(report.signatures_valid() && report.signers_trusted());
    }
    // Denmark opens: verification, release to DNK, then decryption.
    let mut out = Vec::new();
    let opened = open_as("DNK", &env, &dnk.key, &dnk.chain[0], &mut out);
    assert!(opened.ok(), "{:?}", opened.decrypt);
    assert_eq!(out, record);
    // The report carries the decrypt stage, with the payload exit class for its errors.
    let codes =
        |r: &pouch::Report| -> Vec<_> { r.decrypt.iter().flatten().map(|e| e.code).collect() };
    assert_eq!(codes(&opened.report), [status::DECRYPT_PLAINTEXT_AUTHENTIC]);
    assert_eq!(opened.report.decrypted(), Some(true));
    assert_eq!(opened.class(), pouch::ExitClass::Valid);
    assert_eq!(
        opened.report.to_json()["decrypt"][0]["code"],
        "decrypt.plaintext-authentic"
    );
    // Finland's key against Denmark's certificate: unwrap fails, nothing released.
    let mut out = Vec::new();
    let opened = open_as("DNK", &env, &fin.key, &dnk.chain[0], &mut out);
    assert!(!opened.ok());
    assert_eq!(
        opened
            .decrypt
            .as_ref()
            .unwrap()
            .as_ref()
            .unwrap_err()
            .code(),
        Some(status::DECRYPT_UNWRAP_FAILED)
    );
    assert_eq!(codes(&opened.report), [status::DECRYPT_UNWRAP_FAILED]);
    assert_eq!(opened.report.decrypted(), Some(false));
    assert_eq!(opened.class(), pouch::ExitClass::Payload);
    // Sweden is not released to: opening stops before decryption.
    let swe = good("SWE", RecipientAlg::MlKem1024);
    let opened = open_as("SWE", &env, &swe.key, &swe.chain[0], &mut Vec::new());
    assert!(opened.decrypt.is_none());
    assert_eq!(opened.report.releasable(), Some(false));
    assert_eq!(opened.report.decrypt, Some(Vec::new()));
    assert_eq!(opened.class(), pouch::ExitClass::ReleaseDenied);
    // A verification report has no decrypt member at all.
    let report = verifier(bundle(&[]), "DNK").verify(&env, None);
    assert!(report.decrypt.is_none() && report.to_json().get("decrypt").is_none());
}

#[test]
fn sweden_is_refused_at_sealing_unless_forced_and_then_it_is_under_the_seal() {
    let swe = good("SWE", RecipientAlg::MlKem1024);
    let r = refusal(seal(&[rc("SWE", &swe)], &bundle(&[]), &[], b"x"));
    assert!(r.is_release(), "{r}");
    assert!(
        r.codes
            .iter()
            .any(|(c, _)| c.stage() == status::Stage::Release)
    );
    let env = seal(&[rc("SWE", &swe)], &bundle(&[]), &["SWE"], b"x").unwrap();
    let decoded = pouch::Envelope::decode(&env, &Default::default()).unwrap();
    assert_eq!(
        decoded.header().encryption.as_ref().unwrap().forced,
        ["SWE"]
    );
    // The forced entry is in the body protected header, which the seal covers.
    assert!(
        decoded
            .body_protected_bytes()
            .windows(3)
            .any(|w| w == b"SWE")
    );
    // A keyless gateway's report shows the forced nation (POUCH-ENC-012), and one without
    // forcing shows none.
    let report = verifier(bundle(&[]), "DNK").verify(&env, None);
    assert_eq!(report.forced_release, ["SWE"]);
    assert!(report.to_json()["forced_release"] == serde_json::json!(["SWE"]));
    let dnk = good("DNK", RecipientAlg::XWing);
    let plain = seal(&[rc("DNK", &dnk)], &bundle(&[]), &[], b"x").unwrap();
    let report = verifier(bundle(&[]), "DNK").verify(&plain, None);
    assert!(report.forced_release.is_empty());
    assert!(report.to_json().get("forced_release").is_none());
}

#[test]
fn recipient_certificates_are_validated_like_signer_chains() {
    let expired = holder(
        "DNK",
        RecipientAlg::XWing,
        Validity::new(NOW - 2 * YEAR, NOW - YEAR).unwrap(),
        Profile::Encryption {
            key_agreement: false,
        },
    );
    let r = refusal(seal(&[rc("DNK", &expired)], &bundle(&[]), &[], b"x"));
    assert!(!r.is_release());
    assert!(
        r.codes
            .iter()
            .any(|(c, _)| c.stage() == status::Stage::Trust),
        "{r}"
    );
    // keyUsage digitalSignature only: not an encryption certificate.
    let signer_profile = holder(
        "DNK",
        RecipientAlg::XWing,
        Validity::new(NOW - YEAR, NOW + YEAR).unwrap(),
        Profile::Signer {
            non_repudiation: false,
        },
    );
    let r = refusal(seal(&[rc("DNK", &signer_profile)], &bundle(&[]), &[], b"x"));
    assert!(
        r.codes.iter().any(|(c, _)| *c == status::TRUST_KEY_USAGE),
        "{r}"
    );
    // Revoked on Denmark's intermediate CRL.
    let dnk = good("DNK", RecipientAlg::XWing);
    let n = coalition().nation("DNK").unwrap();
    let int_key = n.intermediate.signing_key(provider()).unwrap();
    let serial = pouch_trust::certificate_serial(&dnk.chain[0]).unwrap();
    let crl = pouch_testkit::build_crl(
        provider(),
        &n.intermediate.certificate,
        int_key.as_ref(),
        &[&serial],
        NOW - 3600,
        NOW + 86_400,
    )
    .unwrap();
    let r = refusal(seal(
        &[rc("DNK", &dnk)],
        &bundle(&[("DNK", crl)]),
        &[],
        b"x",
    ));
    assert!(
        r.codes.iter().any(|(c, _)| *c == status::TRUST_REVOKED),
        "{r}"
    );
    // Claiming another nation's certificate as Denmark's.
    let fin = good("FIN", RecipientAlg::P384);
    let r = refusal(seal(&[rc("DNK", &fin)], &bundle(&[]), &[], b"x"));
    assert!(
        r.codes
            .iter()
            .any(|(c, _)| *c == status::TRUST_COUNTRY_MISMATCH),
        "{r}"
    );
    // Forcing never overrides trust.
    let r = refusal(seal(&[rc("DNK", &expired)], &bundle(&[]), &["DNK"], b"x"));
    assert!(!r.is_release());
}

#[test]
fn a_key_file_round_trips_through_pkcs8() {
    for alg in RecipientAlg::ALL {
        let (sk, _) = derive_keypair(alg, b"file");
        let der = cert::private_key_pkcs8(&sk).unwrap();
        let back = cert::private_key_from_pkcs8(&der).unwrap();
        assert_eq!(back.alg(), alg);
        assert_eq!(back.as_bytes(), sk.as_bytes());
    }
}

#[test]
fn denmark_adds_finland_later_and_the_seal_is_untouched_but_sweden_cannot_be_added() {
    let dnk = good("DNK", RecipientAlg::XWing);
    let fin = good("FIN", RecipientAlg::P384);
    let swe = good("SWE", RecipientAlg::MlKem1024);
    let env = seal(&[rc("DNK", &dnk)], &bundle(&[]), &[], b"later").unwrap();
    let b = bundle(&[]);
    let policy = policy();
    let gate = EncryptionGate::new(provider(), &b, &policy, NOW)
        .unwrap()
        .force(["SWE".to_string()]);
    let added = gate
        .add_recipient(&env, &dnk.key, &dnk.chain[0], &rc("FIN", &fin))
        .unwrap();
    let report = verifier(bundle(&[]), "FIN").verify(&added, None);
    assert!(report.signatures_valid() && report.signers_trusted());
    let mut out = Vec::new();
    let opened = open_as("FIN", &added, &fin.key, &fin.chain[0], &mut out);
    assert!(opened.ok(), "{:?}", opened.decrypt);
    assert_eq!(out, b"later");
    // Sweden: release denied, and forcing is refused for a recipient added later.
    let r = refusal(gate.add_recipient(&env, &dnk.key, &dnk.chain[0], &rc("SWE", &swe)));
    assert!(r.is_release(), "{r}");
}

/// spec/pouch.cddl accepts the encrypted envelopes the implementation writes (with its
/// recipients and a forced nation), and the Recipient_structure rule the HPKE info.
#[test]
fn encrypted_envelopes_validate_against_the_cddl() {
    let cddl = pouch_testkit::envelope_cddl("root = pouch-envelope").unwrap();
    let dnk = good("DNK", RecipientAlg::XWing);
    let fin = good("FIN", RecipientAlg::P384);
    let swe = good("SWE", RecipientAlg::MlKem1024);
    let plain = seal(&[rc("DNK", &dnk), rc("FIN", &fin)], &bundle(&[]), &[], b"r").unwrap();
    let forced = seal(&[rc("SWE", &swe)], &bundle(&[]), &["SWE"], b"r").unwrap();
    for env in [plain, forced] {
        if let Err(e) = cddl::validate_cbor_from_slice(&cddl, &env, None) {
            panic!("CDDL rejects an encrypted envelope the implementation wrote: {e}");
        }
    }
}

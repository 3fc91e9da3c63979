//! Shared fixtures: a small coalition PKI per provider, labels, and raw envelope assembly
//! for malformed cases.
#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::sync::OnceLock;

use pouch::{Payload, Role, SealRequest};
use pouch_cbor::Encoder;
use pouch_crypto::{Algorithm, CryptoProvider, SigningKey};
use pouch_label::{DateTime, Label, Limits as LabelLimits};
use pouch_testkit::{Coalition, CoalitionSpec, Nation};

pub const NOW: i64 = 1_795_860_000; // 2026-11-28T10:00:00Z

pub fn providers() -> [&'static CryptoProvider; 2] {
    [
        pouch_crypto_awslc::provider(),
        pouch_crypto_rustcrypto::provider(),
    ]
}

/// The demo coalition's PKI (with Norway's bad signers and every CRL) and its trust
/// bundle as a verifier loads it, made once with aws-lc.
pub struct Demo {
    pub pki: pouch_testkit::DemoPki,
    pub bundle: pouch_trust::TrustBundle,
}

pub fn demo() -> &'static Demo {
    static D: OnceLock<Demo> = OnceLock::new();
    D.get_or_init(|| {
        let pki = pouch_testkit::demo_pki(pouch_crypto_awslc::provider(), None, NOW).unwrap();
        let bundle = pki.trust_bundle().unwrap();
        Demo { pki, bundle }
    })
}

pub fn now() -> DateTime {
    DateTime::from_unix(NOW, 0).unwrap()
}

pub fn label() -> Label {
    let json =
        br#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"SECRET",
      "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["FIN","SWE"]}]},
      "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}"#;
    Label::from_json(json, &LabelLimits::default()).unwrap()
}

/// Three nations, each with a signer of every registered algorithm, made once with aws-lc
/// (fast key generation); keys load into either provider.
pub fn coalition() -> &'static Coalition {
    static C: OnceLock<Coalition> = OnceLock::new();
    C.get_or_init(|| {
        let nations = vec![
            Nation::new("NOR", "NO", "Norway").unwrap(),
            Nation::new("FIN", "FI", "Finland").unwrap(),
            Nation::new("SWE", "SE", "Sweden").unwrap(),
        ];
        CoalitionSpec::new(Algorithm::Es384, &Algorithm::ALL, NOW)
            .unwrap()
            .build(pouch_crypto_awslc::provider(), &nations)
            .unwrap()
    })
}

pub struct Signer {
    pub key: Box<dyn SigningKey>,
    pub chain: Vec<Vec<u8>>,
}

pub fn signer(provider: &CryptoProvider, nation: &str, alg: Algorithm) -> Signer {
    let n = coalition().nation(nation).unwrap();
    let issued = n.signer(alg).unwrap();
    let key = issued.signing_key(provider).unwrap();
    Signer {
        key,
        chain: n.signer_chain(issued),
    }
}

pub fn request<'a>(s: &'a Signer, role: Role) -> SealRequest<'a> {
    SealRequest {
        key: s.key.as_ref(),
        chain: s.chain.clone(),
        role,
        signing_time: now(),
        alternative_label: None,
        release: None,
    }
}

pub fn embedded(provider: &CryptoProvider, s: &Signer, data: &[u8]) -> Vec<u8> {
    pouch::seal(
        provider,
        &label(),
        Payload::Embedded {
            data,
            content_type: None,
        },
        &request(s, Role::Originator),
        Some([7; 16]),
        Some(now()),
    )
    .unwrap()
}

/// `label` over the record "record", sealed with `req` (identifier and creation time pouch's
/// own).
pub fn seal_record(provider: &CryptoProvider, label: &Label, req: &SealRequest<'_>) -> Vec<u8> {
    let payload = Payload::Embedded {
        data: b"record",
        content_type: None,
    };
    pouch::seal(provider, label, payload, req, None, None).unwrap()
}

/// Assembles an envelope from raw parts: each seal is (protected, unprotected map bytes,
/// signature).
pub fn assemble(body: &[u8], payload: &[u8], seals: &[(Vec<u8>, Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    assemble_with(body, &[0xa0], payload, seals)
}

/// [`assemble`] with `unprotected` (encoded) as the body's unprotected header instead of the
/// empty map.
pub fn assemble_with(
    body: &[u8],
    unprotected: &[u8],
    payload: &[u8],
    seals: &[(Vec<u8>, Vec<u8>, Vec<u8>)],
) -> Vec<u8> {
    let seals: Vec<_> = seals
        .iter()
        .map(|(p, u, s)| (p.as_slice(), u.as_slice(), s.as_slice()))
        .collect();
    pouch_testkit::frame_cose_sign(body, unprotected, payload, &seals)
}

/// A seal protected header written by hand, so tests can break one rule at a time.
pub fn seal_header(
    alg: Option<i64>,
    crit: &[&str],
    extra_crit: Option<i64>,
    chain: &[u8],
) -> Vec<u8> {
    let mut e = Encoder::new();
    e.map(2 + u64::from(alg.is_some()) + 1);
    if let Some(a) = alg {
        e.u64(1).i64(a);
    }
    e.u64(2)
        .array(crit.len() as u64 + u64::from(extra_crit.is_some()));
    if let Some(x) = extra_crit {
        e.i64(x);
    }
    for c in crit {
        e.text(c);
    }
    e.u64(33).bytes(chain);
    e.text("pouch")
        .map(2)
        .u64(1)
        .tag(0)
        .text("2026-11-28T10:00:00Z")
        .u64(2)
        .u64(1);
    e.into_bytes()
}

/// Signs `protected` over the body and payload as RFC 9052 says.
pub fn sign(s: &Signer, body: &[u8], protected: &[u8], payload: &[u8]) -> Vec<u8> {
    s.key
        .sign(&pouch::sig_structure(body, protected, &[], payload))
        .unwrap()
}

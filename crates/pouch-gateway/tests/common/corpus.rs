//! The mixed corpus of the gateway's tests and benchmark: a seeded demo coalition (Norway,
//! Denmark, the Netherlands) trusted by the bundle, a second coalition nobody trusts, the
//! POUCH-DEMO SPIF, and envelopes of every kind the gateway must tell apart. Shared by
//! `tests/` and `examples/gateway_corpus.rs` (included by path), so the benchmark measures
//! the envelopes the tests check.
#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use pouch::{Algorithm, Payload, SealRequest};
use pouch_testkit::{DemoPki, NationPki, demo_pki};

/// What an envelope is, and so what the gateway must do with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Trusted, valid, Releasable To DNK, NLD and NOR: forwarded to both partners.
    PermitBoth,
    /// Trusted, valid, Releasable To DNK and NOR: forwarded to DNK, denied to NLD.
    PermitDnk,
    /// A byte of the record flipped after sealing: denied to both (seal).
    Tampered,
    /// Sealed by a coalition the bundle does not know: denied to both (trust).
    Untrusted,
    /// Trusted, valid, Releasable To NOR only: denied to both (release).
    Denied,
    /// Not CBOR at all: quarantined.
    Malformed,
    /// Larger than the gateway's limit: quarantined undecoded.
    Oversized,
}

/// The partner nations of the tests and the benchmark.
pub const PARTNERS: [&str; 2] = ["DNK", "NLD"];

impl Kind {
    /// The kind of envelope `i` of a mixed corpus (70 % envelopes the gateway forwards).
    pub fn of(i: usize) -> Kind {
        match i % 10 {
            0..=2 => Kind::PermitBoth,
            3 | 4 => Kind::PermitDnk,
            5 => Kind::Tampered,
            6 => Kind::Untrusted,
            7 => Kind::Denied,
            8 => Kind::Malformed,
            _ => Kind::Oversized,
        }
    }

    /// Whether the gateway must quarantine it.
    pub fn quarantined(self) -> bool {
        matches!(self, Kind::Malformed | Kind::Oversized)
    }

    /// Whether release to `nation` is permitted.
    pub fn permitted(self, nation: &str) -> bool {
        match self {
            Kind::PermitBoth => true,
            Kind::PermitDnk => nation == "DNK",
            _ => false,
        }
    }
}

/// One input.
pub struct Item {
    pub kind: Kind,
    pub bytes: Vec<u8>,
}

/// The PKI folder (bundle and certificates only: the gateway fingerprints that folder), the
/// SPIF, and the envelopes.
pub struct Corpus {
    pub bundle: PathBuf,
    pub spif: PathBuf,
    pub items: Vec<Item>,
}

/// The gateway's size limit in the tests; oversized items are a little larger.
pub const MAX_ENVELOPE: usize = 16 * 1024;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn label(releasable: &[&str], created: i64) -> pouch::Label {
    let created = pouch::DateTime::from_unix(created, 0).unwrap();
    let values: Vec<String> = releasable.iter().map(|v| format!("\"{v}\"")).collect();
    let json = format!(
        r#"{{"confidentialityInformation":{{"policyIdentifier":"POUCH-DEMO","classification":"CONFIDENTIAL",
          "categories":[{{"tagName":"Releasable To","type":"PERMISSIVE","values":[{}]}}]}},
          "creationDateTime":"{created}"}}"#,
        values.join(",")
    );
    pouch::label_from_json(json.as_bytes()).unwrap()
}

fn seal(nation: &NationPki, label: &pouch::Label, record: &[u8], at: i64) -> Vec<u8> {
    let provider = pouch_crypto_awslc::provider();
    let signer = nation.signer(Algorithm::EdDsa).unwrap();
    let key = provider
        .signature(signer.algorithm)
        .unwrap()
        .signing_key(&signer.pkcs8)
        .unwrap();
    let chain = vec![
        signer.certificate.der().to_vec(),
        nation.intermediate.certificate.der().to_vec(),
    ];
    let time = pouch::DateTime::from_unix(at, 0).unwrap();
    let req = SealRequest::originator(key.as_ref(), chain, time);
    pouch::seal(
        provider,
        label,
        Payload::Embedded {
            data: record,
            content_type: None,
        },
        &req,
        None,
        None,
    )
    .unwrap()
}

/// A record that names its index, so no two envelopes share bytes.
fn record(i: usize) -> Vec<u8> {
    let mut r = format!("pouch gateway test record {i:08} ").into_bytes();
    r.resize(256, b'.');
    r
}

/// Writes the PKI to `dir/pki` and builds `n` inputs of the mix [`Kind::of`].
pub fn build(dir: &Path, n: usize) -> Corpus {
    let provider = pouch_crypto_awslc::provider();
    let at = now() - 60;
    let trusted: DemoPki = demo_pki(provider, Some(4774), at - 3600).unwrap();
    let stranger: DemoPki = demo_pki(provider, Some(1949), at - 3600).unwrap();
    let bundle = trusted.write(&dir.join("pki")).unwrap();
    let spif = workspace().join("crates/pouch-policy/policies/pouch-demo.spif.xml");
    let nor = trusted.coalition.nation("NOR").unwrap();
    let stranger_nor = stranger.coalition.nation("NOR").unwrap();
    let both = label(&["DNK", "NLD", "NOR"], at);
    let dnk = label(&["DNK", "NOR"], at);
    let nor_only = label(&["NOR"], at);
    let items = (0..n)
        .map(|i| {
            let kind = Kind::of(i);
            let rec = record(i);
            let bytes = match kind {
                Kind::PermitBoth => seal(nor, &both, &rec, at),
                Kind::PermitDnk => seal(nor, &dnk, &rec, at),
                Kind::Denied => seal(nor, &nor_only, &rec, at),
                Kind::Untrusted => seal(stranger_nor, &both, &rec, at),
                Kind::Tampered => {
                    let mut env = seal(nor, &both, &rec, at);
                    let pos = env
                        .windows(rec.len())
                        .position(|w| w == rec.as_slice())
                        .unwrap();
                    env[pos + 30] ^= 0x01;
                    env
                }
                Kind::Malformed => format!("this is not an envelope, message {i:08}").into_bytes(),
                Kind::Oversized => {
                    let mut b = format!("oversized message {i:08} ").into_bytes();
                    b.resize(MAX_ENVELOPE + 1024, b'x');
                    b
                }
            };
            Item { kind, bytes }
        })
        .collect();
    Corpus {
        bundle,
        spif,
        items,
    }
}

/// The repository's root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The SHA-256 of `bytes`, hex: what the gateway's message ids start with.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut d = pouch_crypto_awslc::provider()
        .digest(pouch::DigestAlgorithm::Sha256)
        .unwrap()
        .start();
    d.update(bytes);
    d.finish().iter().map(|b| format!("{b:02x}")).collect()
}

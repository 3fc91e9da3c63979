//! What the measuring examples and `benches/envelope.rs` share: the fixed clock, the provider,
//! the label and the one-nation PKI they seal with, and the timing helpers. Each user takes
//! what it needs (`#[path]` from the bench).
#![allow(dead_code)]

use std::time::Instant;

use pouch::{Payload, SealRequest};
use pouch_crypto::{Algorithm, CryptoProvider, SigningKey};
use pouch_label::{DateTime, Label, Limits as LabelLimits};
use pouch_testkit::{Coalition, CoalitionSpec, Issued, Nation, NationPki};

/// 2026-11-28T10:00:00Z, as in the tests.
pub(crate) const NOW: i64 = 1_795_860_000;

/// The algorithms every implementation MUST support.
pub(crate) const MUST: [Algorithm; 4] = [
    Algorithm::Es256,
    Algorithm::Es384,
    Algorithm::EdDsa,
    Algorithm::MlDsa65,
];

/// The provider measured: aws-lc-rs.
pub(crate) fn provider() -> &'static CryptoProvider {
    pouch_crypto_awslc::provider()
}

/// [`NOW`] as a time.
pub(crate) fn now() -> DateTime {
    DateTime::from_unix(NOW, 0).unwrap()
}

/// The originator's seal request of `nation`'s signer `issued`, whose key is `key`, at [`NOW`].
pub(crate) fn originator<'k>(
    key: &'k dyn SigningKey,
    nation: &NationPki,
    issued: &Issued,
) -> SealRequest<'k> {
    SealRequest::originator(key, nation.signer_chain(issued), now())
}

/// Seals `data` embedded under `label`, with the identifier and creation time given (or
/// pouch's own).
pub(crate) fn seal_embedded(
    label: &Label,
    req: &SealRequest<'_>,
    data: &[u8],
    id: Option<[u8; 16]>,
    created: Option<DateTime>,
) -> Vec<u8> {
    let payload = Payload::Embedded {
        data,
        content_type: None,
    };
    pouch::seal(provider(), label, payload, req, id, created).unwrap()
}

/// NATO SECRET releasable to FIN and SWE, with a review time.
pub(crate) fn secret_label() -> Label {
    let json =
        br#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"SECRET",
      "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["FIN","SWE"]}]},
      "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}"#;
    Label::from_json(json, &LabelLimits::default()).unwrap()
}

/// Norway alone, an ES384 root and intermediate, with a signer for each of `signers`.
pub(crate) fn norway(signers: &[Algorithm]) -> Coalition {
    let nations = [Nation::new("NOR", "NO", "Norway").unwrap()];
    CoalitionSpec::new(Algorithm::Es384, signers, NOW)
        .unwrap()
        .build(provider(), &nations)
        .unwrap()
}

/// `len` bytes of an xorshift stream from `seed`, each byte the state shifted right by
/// `shift` (deterministic, and not all equal, so nothing can shortcut them).
pub(crate) fn xorshift_bytes(seed: u64, len: usize, shift: u32) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> shift) as u8
        })
        .collect()
}

/// The median, sorting `v` in place.
pub(crate) fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Nanoseconds for `n` calls of `f`.
pub(crate) fn batch(n: u32, f: &mut dyn FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed().as_nanos() as f64
}

//! Helpers for tests/trust.rs: bundles, chains, keys and leaves built from test PKIs.
#![allow(dead_code, unreachable_pub)]

use pouch_crypto::{Algorithm, CryptoProvider, SigningKey};
use pouch_status::StatusCode;
use pouch_testkit::build_crl;
use pouch_testkit::{
    Certificate, CertificateBuilder, Coalition, Issued, KeySlot, Name, Nation, NationPki, Role,
    Validity, demo_nations,
};
use pouch_trust::{ChainValidator, ChainVerdict, TrustBundle, TrustedNation};

use crate::common::{NOW, cached_key, coalition};

pub const DAY: i64 = 86_400;
pub const YEAR: i64 = 365 * DAY;

pub fn aws() -> &'static CryptoProvider {
    &pouch_crypto_awslc::PROVIDER
}

pub fn nations(n: usize) -> Vec<Nation> {
    demo_nations().unwrap()[..n].to_vec()
}

/// A bundle trusting each nation's root, with its alpha-2 country.
pub fn bundle_for(coalition: &Coalition) -> TrustBundle {
    TrustBundle {
        nations: coalition
            .nations()
            .iter()
            // Best-effort revocation: the tests of revocation-required set it themselves.
            .map(|pki| TrustedNation {
                intermediates: Vec::new(),
                ..pki.trusted_nation()
            })
            .collect(),
    }
}

pub fn chain(pki: &NationPki, leaf: &Certificate) -> Vec<Vec<u8>> {
    vec![
        leaf.der().to_vec(),
        pki.intermediate.certificate.der().to_vec(),
    ]
}

/// The chain of the nation's first signer.
pub fn first_signer_chain(pki: &NationPki) -> Vec<Vec<u8>> {
    chain(pki, &pki.signers[0].certificate)
}

/// Runs `check` on Norway alone: its PKI on aws-lc (root and signers under `alg`) and a
/// validator of the bundle trusting it.
pub fn in_norway(alg: Algorithm, check: impl FnOnce(&NationPki, &ChainValidator<'_>)) {
    let coalition = coalition(aws(), &nations(1), alg, &[alg]);
    let bundle = bundle_for(&coalition);
    check(&coalition.nations()[0], &aws_validator(&bundle));
}

/// A validator of `bundle` on the aws-lc backend.
pub fn aws_validator(bundle: &TrustBundle) -> ChainValidator<'_> {
    ChainValidator::new(aws(), bundle).unwrap()
}

pub fn key(provider: &CryptoProvider, issued: &Issued) -> Box<dyn SigningKey> {
    issued.signing_key(provider).unwrap()
}

pub fn leaf_key(provider: &CryptoProvider, nation: &Nation, alg: Algorithm) -> Box<dyn SigningKey> {
    let slot = KeySlot {
        nation,
        role: Role::Signer,
        algorithm: alg,
    };
    let pkcs8 = cached_key(provider, &slot).unwrap();
    provider
        .signature(alg)
        .unwrap()
        .signing_key(&pkcs8)
        .unwrap()
}

pub fn signer_name(pki: &NationPki, cn: &str) -> Name {
    Name::new()
        .country(pki.nation.country_alpha2())
        .unwrap()
        .organization(pki.nation.name())
        .unwrap()
        .common_name(cn)
        .unwrap()
}

/// A leaf issued by the nation's intermediate from `builder`.
pub fn issue(
    provider: &CryptoProvider,
    pki: &NationPki,
    builder: CertificateBuilder,
) -> Certificate {
    let int_key = key(provider, &pki.intermediate);
    builder
        .issue(provider, &pki.intermediate.certificate, int_key.as_ref())
        .unwrap()
}

/// A CA certificate builder named `cn` in the nation for `key`, with no path length limit.
pub fn ca_builder(pki: &NationPki, cn: &str, key: &dyn SigningKey) -> CertificateBuilder {
    CertificateBuilder::ca(
        signer_name(pki, cn),
        key.public_key_spki(),
        validity(),
        None,
    )
}

pub fn validity() -> Validity {
    Validity::new(NOW - DAY, NOW + YEAR).unwrap()
}

/// The verdict on `x5chain` under `bundle` (the aws-lc backend), signed and checked at `NOW`.
pub fn validate_now(bundle: &TrustBundle, x5chain: &[Vec<u8>]) -> ChainVerdict {
    aws_validator(bundle).validate(x5chain, NOW, NOW)
}

pub fn codes(verdict: &ChainVerdict) -> Vec<&'static str> {
    verdict.entries.iter().map(|(c, _)| c.id()).collect()
}

/// `validator`'s verdict on `x5chain` signed and checked at `NOW`, asserted untrusted for `code`.
#[track_caller]
pub fn refused_now(
    validator: &ChainValidator<'_>,
    x5chain: &[Vec<u8>],
    code: StatusCode,
) -> ChainVerdict {
    let verdict = validator.validate(x5chain, NOW, NOW);
    assert_untrusted(&verdict, code);
    verdict
}

#[track_caller]
pub fn assert_untrusted(verdict: &ChainVerdict, code: StatusCode) {
    assert!(!verdict.trusted, "{verdict:#?}");
    assert!(verdict.has(code), "expected {code}: {verdict:#?}");
}

/// Norway's coalition with CRLs from the root (for the intermediate) and the intermediate
/// (for the signers), revoking `revoked`.
pub fn with_crls(coalition: &Coalition, revoked: &[&[u8]], root_crl: bool) -> TrustBundle {
    let pki = &coalition.nations()[0];
    let mut bundle = bundle_for(coalition);
    bundle.nations[0]
        .crls
        .push(current_crl(&pki.intermediate, revoked));
    if root_crl {
        bundle.nations[0].crls.push(current_crl(&pki.root, &[]));
    }
    bundle
}

/// A CRL by the CA `issuer`, revoking `revoked`, current from a minute before `NOW` for a day.
pub fn current_crl(issuer: &Issued, revoked: &[&[u8]]) -> Vec<u8> {
    let issuer_key = key(aws(), issuer);
    build_crl(
        aws(),
        &issuer.certificate,
        issuer_key.as_ref(),
        revoked,
        NOW - 60,
        NOW + DAY,
    )
    .unwrap()
}

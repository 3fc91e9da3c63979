#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod alg;
mod bundle;
mod crl;
pub mod der;
mod error;
pub mod pem;
mod time;
mod validate;
mod verify;

pub use alg::{signature_from_x509, signature_to_x509};
pub use bundle::{BUNDLE_FORMAT, load_bundle, parse_bundle, parse_bundle_with};
pub use error::{BundleFault, BundlePlace, Error};
pub use pouch_crypto::oid::{self, Oid};
pub use pouch_crypto::signature_algorithm_identifier;
pub use validate::{
    CACHE_CAPACITY, CLOCK_SKEW_SECONDS, ChainValidator, ChainVerdict, LeafProfile, MAX_CHAIN_LEN,
    certificate_serial,
};
pub use verify::{CertificateParts, verify_signature};

/// Which policies, and which classifications under each, a nation's signers may seal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorisation {
    /// The policy identifier as labels carry it (`PolicyIdentifier`, e.g. `NATO`).
    pub policy: String,
    /// The classifications of that policy its signers may seal, as labels spell them.
    pub classifications: Vec<String>,
}

/// One trusted party of a bundle: a nation (ISO 3166-1 alpha-3) or an organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedNation {
    /// ISO 3166-1 alpha-3 code (`NOR`) or an organisation code (`NATO`).
    pub code: String,
    /// The ISO 3166-1 alpha-2 country a leaf's subject `C` must name (`NO`); `None` for an
    /// organisation, whose signers may be of any country.
    pub country: Option<String>,
    /// Trust anchors, DER certificates.
    pub anchors: Vec<Vec<u8>>,
    /// Intermediate CA certificates offered for path building, DER.
    pub intermediates: Vec<Vec<u8>>,
    /// Certificate revocation lists, DER.
    pub crls: Vec<Vec<u8>>,
    /// Whether a path ending at this party's anchor needs a current CRL for every issuer.
    pub revocation: Revocation,
    /// What its signers may seal.
    pub authorisations: Vec<Authorisation>,
}

impl TrustedNation {
    /// Whether this nation's signers may seal a label of `policy` at `classification`.
    pub fn authorises(&self, policy: &str) -> Option<&Authorisation> {
        self.authorisations.iter().find(|a| a.policy == policy)
    }
}

/// How strictly a party's paths are checked for revocation (POUCH-TRUST-031).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Revocation {
    /// Every issuer of the path must have an authentic CRL current at the verification
    /// time; otherwise `trust.revocation-unknown` (an error). The default.
    #[default]
    Required,
    /// A missing or stale CRL is the warning `trust.revocation-not-checked`.
    BestEffort,
}

/// A trust bundle: every party a verifier trusts, each with its anchors and rights.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustBundle {
    /// The trusted parties, in file order.
    pub nations: Vec<TrustedNation>,
}

impl TrustBundle {
    /// The party with this code.
    pub fn nation(&self, code: &str) -> Option<&TrustedNation> {
        self.nations.iter().find(|n| n.code == code)
    }
}

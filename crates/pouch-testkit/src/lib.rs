#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod cert;
mod coalition;
mod crl;
mod demo;
mod name;
mod seeded;

// The DER writer, PEM armour, OIDs and the error type are the trust crate's; the builders
// here use them as their own.
use pouch_trust::{der, pem};

pub use cert::{Certificate, CertificateBuilder, Profile, Validity, key_identifier};
pub use coalition::{
    Coalition, CoalitionSpec, Issued, KeySlot, Nation, NationPki, Role, build_coalition,
    demo_nations,
};
pub use crl::build_crl;
pub use demo::{BadSigner, DEMO_SIGNER_ALGORITHMS, DemoPki, REVOKED_SERIAL, demo_pki};
pub use name::Name;
pub use pouch_trust::{Error, Oid};
pub use seeded::seeded_pkcs8;

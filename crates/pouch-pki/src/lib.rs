#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod alg;
mod cert;
mod coalition;
mod demo;
pub mod der;
mod error;
mod name;
mod oid;
pub mod pem;
mod seeded;
mod time;
pub mod trust;
mod verify;

pub use alg::{
    algorithm_from_identifier, signature_algorithm_identifier, signature_from_x509,
    signature_to_x509,
};
pub use cert::{Certificate, CertificateBuilder, Profile, Validity, key_identifier};
pub use coalition::{
    Coalition, CoalitionSpec, Issued, KeySlot, Nation, NationPki, Role, build_coalition,
    demo_nations,
};
pub use demo::{BadSigner, DEMO_SIGNER_ALGORITHMS, DemoPki, REVOKED_SERIAL, demo_pki};
pub use error::Error;
pub use name::Name;
pub use oid::Oid;
pub use seeded::seeded_pkcs8;
pub use verify::{CertificateParts, verify_signature};

#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod cert;
mod coalition;
mod crl;
mod demo;
mod frame;
mod golden;
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
pub use frame::{SealParts, frame_cose_sign};
pub use golden::assert_committed;
pub use name::Name;
pub use pouch_trust::{Error, Oid};
pub use seeded::seeded_pkcs8;

/// `spec/pouch.cddl` with `root` as its first rule, ready for the `cddl` crate's validator.
///
/// One construct is adapted: the `cddl` crate (0.10) fails every map holding an entry
/// `* private-label => any` whose key type has a control or a range (`private-label = nint
/// .lt -65536`, POUCH-ENV-014), even with no such entry present, so those entries are given
/// to it as `* nint => any`. With that entry the crate also lets through labels it should not
/// (it accepted parameter 100 in a seal header), so the vectors at the edge of the range
/// (`env-param-not-private-use`, `env-seal-param-undefined`) state no CDDL verdict: their
/// expected codes, and the decoder's own tests, check the range. Fails if the construct is
/// no longer there, so the adaptation cannot go stale.
pub fn envelope_cddl(root: &str) -> Result<String, String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/pouch.cddl");
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let entry = "* private-label => any";
    if text.matches(entry).count() != 3 {
        return Err(format!(
            "{path}: expected `{entry}` in the two body headers and the seal header"
        ));
    }
    Ok(format!("{root}\n{}", text.replace(entry, "* nint => any")))
}

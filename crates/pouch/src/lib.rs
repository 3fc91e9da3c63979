#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod exit;
mod report;
mod verify;

pub use exit::{
    EXIT_LABEL_INVALID, EXIT_MALFORMED, EXIT_PAYLOAD, EXIT_RELEASE_DENIED, EXIT_SEAL_POLICY,
    EXIT_SIGNATURE, EXIT_UNTRUSTED, EXIT_VALID,
};
pub use report::{Entry, LabelReport, ReleaseReport, Report, SealReport};
pub use verify::{SealPolicy, Trust, Verifier};

// The envelope format, so that a vendor adds this crate alone.
pub use pouch_envelope::{
    COSE_SIGN_TAG, CertNames, Content, ContentType, Envelope, EnvelopeHeader, Error,
    FORMAT_VERSION, Fault, LeafInfo, Limits, POUCH_PARAM, Payload, ReleaseApproval, Role, Seal,
    SealHeader, SealRequest, cert_names, digest_reader, endorse, leaf_info, seal, sig_structure,
    sig_structure_head,
};

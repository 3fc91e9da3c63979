#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use core::fmt;

mod exit;
mod size;
pub use exit::ExitClass;
pub use size::{AtByte, TooLarge};

/// How a status code bears on the verdict of its stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// A positive statement: the stage passed.
    Success,
    /// A rule that a producer SHOULD follow was not followed; the object stays usable.
    Warning,
    /// The object fails this stage.
    Error,
}

impl Severity {
    /// The registry's spelling of this severity.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Success => "success",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The pipeline stage that emits a status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Label decoding and the label profile's syntactic rules.
    Label,
    /// Envelope decoding: structure, determinism, limits, header.
    Envelope,
    /// The payload: the detached record against its sealed digest.
    Payload,
    /// One seal: header, algorithm, key, signature.
    Seal,
    /// The verifier's seal policy over the valid seals.
    SealPolicy,
    /// Signer trust: the seal's chain against the trust bundle, and authorisation.
    Trust,
    /// The label under its security policy (SPIF): known values, required and excluded rules.
    Policy,
    /// The release decision for one recipient.
    Release,
    /// Decrypting an encrypted envelope (spec/10-encryption.md): recipients, key, chunks.
    Decrypt,
}

impl Stage {
    /// The registry's spelling of this stage.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::Label => "label",
            Stage::Envelope => "envelope",
            Stage::Payload => "payload",
            Stage::Seal => "seal",
            Stage::SealPolicy => "seal-policy",
            Stage::Trust => "trust",
            Stage::Policy => "policy",
            Stage::Release => "release",
            Stage::Decrypt => "decrypt",
        }
    }
}

/// One entry of the status-code registry (`spec/registries/status-codes.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StatusCode {
    id: &'static str,
    stage: Stage,
    severity: Severity,
}

impl StatusCode {
    const fn new(id: &'static str, stage: Stage, severity: Severity) -> Self {
        Self {
            id,
            stage,
            severity,
        }
    }

    /// The code's identifier, e.g. `label.malformed`; identical in every binding.
    pub const fn id(&self) -> &'static str {
        self.id
    }

    /// The stage that emits the code.
    pub const fn stage(&self) -> Stage {
        self.stage
    }

    /// How the code bears on its stage's verdict.
    pub const fn severity(&self) -> Severity {
        self.severity
    }

    /// Looks a code up by its identifier.
    pub fn from_id(id: &str) -> Option<StatusCode> {
        ALL.iter().copied().find(|c| c.id == id)
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

macro_rules! registry {
    ($($(#[$doc:meta])* $name:ident = ($id:literal, $stage:ident, $sev:ident);)*) => {
        $(
            $(#[$doc])*
            pub const $name: StatusCode = StatusCode::new($id, Stage::$stage, Severity::$sev);
        )*
        /// Every registered code, in registry order.
        pub const ALL: &[StatusCode] = &[$($name),*];
    };
}

registry! {
    /// The label decoded under the label profile.
    LABEL_WELL_FORMED = ("label.well-formed", Label, Success);
    /// The label could not be decoded.
    LABEL_MALFORMED = ("label.malformed", Label, Error);
    /// Neither a ReviewDateTime nor a SuccessionHandling is present.
    LABEL_REVIEW_TIME_MISSING = ("label.review-time-missing", Label, Warning);
    /// The ReviewDateTime is earlier than the CreationDateTime.
    LABEL_REVIEW_TIME_BEFORE_CREATION = ("label.review-time-before-creation", Label, Warning);
    /// A SuccessionDateTime is earlier than the CreationDateTime it succeeds.
    LABEL_SUCCESSION_TIME_BEFORE_CREATION = ("label.succession-time-before-creation", Label, Warning);
    /// Two categories share the same TagName and Type.
    LABEL_CATEGORY_DUPLICATE = ("label.category-duplicate", Label, Warning);
    /// A category lists the same value twice.
    LABEL_CATEGORY_VALUE_DUPLICATE = ("label.category-value-duplicate", Label, Warning);
    /// A category carries no value.
    LABEL_CATEGORY_EMPTY = ("label.category-empty", Label, Warning);
    /// The envelope decoded: tagged COSE_Sign, deterministic, within limits, with a well-formed header and originator label.
    ENVELOPE_WELL_FORMED = ("envelope.well-formed", Envelope, Success);
    /// The envelope does not have the structure of the CDDL rule pouch-envelope
    ENVELOPE_MALFORMED = ("envelope.malformed", Envelope, Error);
    /// The envelope is not deterministically encoded CBOR.
    ENVELOPE_NOT_DETERMINISTIC = ("envelope.not-deterministic", Envelope, Error);
    /// A map in the envelope repeats a key.
    ENVELOPE_DUPLICATE_KEY = ("envelope.duplicate-key", Envelope, Error);
    /// Bytes follow the envelope.
    ENVELOPE_TRAILING_BYTES = ("envelope.trailing-bytes", Envelope, Error);
    /// The envelope exceeds a decoding limit.
    ENVELOPE_LIMIT_EXCEEDED = ("envelope.limit-exceeded", Envelope, Error);
    /// An unprotected header carries parameters.
    ENVELOPE_UNPROTECTED_HEADER_NOT_EMPTY = ("envelope.unprotected-header-not-empty", Envelope, Error);
    /// The envelope's format version is not one this verifier implements.
    ENVELOPE_VERSION_UNSUPPORTED = ("envelope.version-unsupported", Envelope, Error);
    /// The body's crit lists a parameter this verifier does not understand.
    ENVELOPE_UNKNOWN_CRITICAL_HEADER = ("envelope.unknown-critical-header", Envelope, Error);
    /// The detached record's digest equals the sealed digest.
    PAYLOAD_DIGEST_MATCH = ("payload.digest-match", Payload, Success);
    /// The detached record's digest differs from the sealed digest.
    PAYLOAD_DIGEST_MISMATCH = ("payload.digest-mismatch", Payload, Error);
    /// The payload is detached and the record was not supplied, so it was not checked.
    PAYLOAD_NOT_CHECKED = ("payload.not-checked", Payload, Warning);
    /// The seal's signature verifies with its leaf certificate's key.
    SEAL_SIGNATURE_VALID = ("seal.signature-valid", Seal, Success);
    /// The seal's signature does not verify.
    SEAL_SIGNATURE_INVALID = ("seal.signature-invalid", Seal, Error);
    /// The seal's signature is empty.
    SEAL_SIGNATURE_MISSING = ("seal.signature-missing", Seal, Error);
    /// The seal's protected header lacks a required parameter or does not decode.
    SEAL_HEADER_MALFORMED = ("seal.header-malformed", Seal, Error);
    /// The seal's protected header is well-formed CBOR but not deterministic.
    SEAL_HEADER_NOT_DETERMINISTIC = ("seal.header-not-deterministic", Seal, Error);
    /// The seal's protected header repeats a map key.
    SEAL_HEADER_DUPLICATE_KEY = ("seal.header-duplicate-key", Seal, Error);
    /// The seal's protected header exceeds a decoding limit.
    SEAL_HEADER_LIMIT_EXCEEDED = ("seal.header-limit-exceeded", Seal, Error);
    /// The seal's crit lists a parameter this verifier does not understand.
    SEAL_UNKNOWN_CRITICAL_HEADER = ("seal.unknown-critical-header", Seal, Error);
    /// The seal's alg is in its unprotected header only.
    SEAL_ALG_UNPROTECTED = ("seal.alg-unprotected", Seal, Error);
    /// The seal's alg is not in the algorithm registry.
    SEAL_ALG_UNREGISTERED = ("seal.alg-unregistered", Seal, Error);
    /// The seal's alg is registered but the verifier's crypto provider does not implement it.
    SEAL_ALG_UNSUPPORTED = ("seal.alg-unsupported", Seal, Error);
    /// The seal's alg is excluded by the verifier's policy.
    SEAL_ALG_NOT_ALLOWED = ("seal.alg-not-allowed", Seal, Error);
    /// The leaf certificate's public key does not decode or is not of the seal's algorithm.
    SEAL_KEY_UNUSABLE = ("seal.key-unusable", Seal, Error);
    /// The valid seals satisfy the verifier's seal policy.
    SEAL_POLICY_SATISFIED = ("seal-policy.satisfied", SealPolicy, Success);
    /// The valid seals do not satisfy the verifier's seal policy
    SEAL_POLICY_UNSATISFIED = ("seal-policy.unsatisfied", SealPolicy, Error);
    /// The seal's chain leads from its leaf to an anchor of a nation in the trust bundle, valid at the signing time, and the leaf fits the signer profile.
    TRUST_SIGNER_TRUSTED = ("trust.signer-trusted", Trust, Success);
    /// No chain leads from the leaf to any anchor of the trust bundle.
    TRUST_NO_PATH = ("trust.no-path", Trust, Error);
    /// The chain is longer than the limit.
    TRUST_CHAIN_TOO_LONG = ("trust.chain-too-long", Trust, Error);
    /// A certificate of the chain does not decode as DER X.509.
    TRUST_CERTIFICATE_MALFORMED = ("trust.certificate-malformed", Trust, Error);
    /// A certificate of the path carries a critical extension the verifier does not process.
    TRUST_UNKNOWN_CRITICAL_EXTENSION = ("trust.unknown-critical-extension", Trust, Error);
    /// The leaf certificate is a CA certificate.
    TRUST_LEAF_IS_CA = ("trust.leaf-is-ca", Trust, Error);
    /// The leaf certificate's keyUsage lacks digitalSignature.
    TRUST_KEY_USAGE = ("trust.key-usage", Trust, Error);
    /// The leaf certificate's extendedKeyUsage allows neither document signing nor any purpose Pouch accepts.
    TRUST_EXTENDED_KEY_USAGE = ("trust.extended-key-usage", Trust, Error);
    /// An issuer of the path breaks basic constraints, path length or name constraints.
    TRUST_PATH_CONSTRAINTS = ("trust.path-constraints", Trust, Error);
    /// A certificate's signature does not verify under its issuer's key.
    TRUST_BAD_CERTIFICATE_SIGNATURE = ("trust.bad-certificate-signature", Trust, Error);
    /// A certificate of the path was not valid at the seal's signing time.
    TRUST_NOT_VALID_AT_SIGNING = ("trust.not-valid-at-signing", Trust, Error);
    /// The seal's signing time is later than the verification time.
    TRUST_SIGNING_TIME_IN_FUTURE = ("trust.signing-time-in-future", Trust, Error);
    /// A certificate of the path is not valid at the verification time (it was at signing).
    TRUST_NOT_VALID_AT_VERIFICATION = ("trust.not-valid-at-verification", Trust, Warning);
    /// A certificate of the path is revoked by a CRL of the trust bundle.
    TRUST_REVOKED = ("trust.revoked", Trust, Error);
    /// An issuer of the path has no authentic CRL current at the verification time and the party's revocation is best-effort, so revocation was not checked.
    TRUST_REVOCATION_NOT_CHECKED = ("trust.revocation-not-checked", Trust, Warning);
    /// The party requires revocation checking and an issuer of the path has no authentic CRL current at the verification time.
    TRUST_REVOCATION_UNKNOWN = ("trust.revocation-unknown", Trust, Error);
    /// A certificate of the path is not valid at the verification time and the verifier requires current validity.
    TRUST_CURRENT_VALIDITY_REQUIRED = ("trust.current-validity-required", Trust, Error);
    /// The leaf's subject country disagrees with the nation whose anchor ends the chain.
    TRUST_COUNTRY_MISMATCH = ("trust.country-mismatch", Trust, Error);
    /// The nation's signers are not authorised to seal under the label's policy.
    TRUST_UNAUTHORISED_POLICY = ("trust.unauthorised-policy", Trust, Error);
    /// The nation's signers are not authorised to seal at the label's classification.
    TRUST_UNAUTHORISED_CLASSIFICATION = ("trust.unauthorised-classification", Trust, Error);
    /// The label is valid under the policy.
    POLICY_LABEL_VALID = ("policy.label-valid", Policy, Success);
    /// The label names another policy.
    POLICY_MISMATCH = ("policy.mismatch", Policy, Error);
    /// A name matches the policy only ignoring ASCII case.
    POLICY_NAME_CASE = ("policy.name-case", Policy, Warning);
    /// The classification is not in the policy.
    POLICY_CLASSIFICATION_UNKNOWN = ("policy.classification-unknown", Policy, Error);
    /// A category's TagName names no tag set.
    POLICY_CATEGORY_UNKNOWN = ("policy.category-unknown", Policy, Error);
    /// A category's Type matches no tag of its tag set.
    POLICY_CATEGORY_TYPE_MISMATCH = ("policy.category-type-mismatch", Policy, Error);
    /// A category value is not in its tag set.
    POLICY_CATEGORY_VALUE_UNKNOWN = ("policy.category-value-unknown", Policy, Error);
    /// A category value excludes the classification.
    POLICY_CLASSIFICATION_EXCLUDED = ("policy.classification-excluded", Policy, Error);
    /// A category value excludes another value of the label.
    POLICY_CATEGORY_EXCLUDED = ("policy.category-excluded", Policy, Error);
    /// A required category is missing.
    POLICY_CATEGORY_REQUIRED = ("policy.category-required", Policy, Error);
    /// A tag's selection limits are broken.
    POLICY_SELECTION_LIMIT = ("policy.selection-limit", Policy, Error);
    /// An obsolete classification or value is used.
    POLICY_OBSOLETE = ("policy.obsolete", Policy, Warning);
    /// A policy element is outside its validity period.
    POLICY_NOT_IN_FORCE = ("policy.not-in-force", Policy, Error);
    /// No policy the verifier holds is the one this label names: not checked under one.
    POLICY_UNAVAILABLE = ("policy.unavailable", Policy, Warning);
    /// The label's PolicyIdentifier text and URI name different policies.
    POLICY_IDENTIFIER_CONFLICT = ("policy.identifier-conflict", Policy, Error);
    /// An alternative label is not the SPIF equivalent of the originator label.
    POLICY_NOT_EQUIVALENT = ("policy.not-equivalent", Policy, Error);
    /// The recipient may receive the data.
    RELEASE_PERMITTED = ("release.permitted", Release, Success);
    /// The recipient may not receive the data.
    RELEASE_DENIED = ("release.denied", Release, Error);
    /// The label is not valid under the policy.
    RELEASE_LABEL_INVALID = ("release.label-invalid", Release, Error);
    /// The recipient is not among those the label releases to.
    RELEASE_NOT_RELEASABLE_TO = ("release.not-releasable-to", Release, Error);
    /// A clearance is needed and none was given.
    RELEASE_CLEARANCE_REQUIRED = ("release.clearance-required", Release, Error);
    /// The clearance is under another policy.
    RELEASE_CLEARANCE_POLICY_MISMATCH = ("release.clearance-policy-mismatch", Release, Error);
    /// The clearance does not reach the classification.
    RELEASE_CLEARANCE_CLASSIFICATION = ("release.clearance-classification", Release, Error);
    /// The clearance lacks a restrictive value.
    RELEASE_CLEARANCE_CATEGORY = ("release.clearance-category", Release, Error);
    /// No label of the envelope can decide: none is under a policy the verifier holds and
    /// asserted by a party it may rely on.
    RELEASE_NO_LABEL = ("release.no-label", Release, Error);
    /// Nothing gives a basis for release: no permissive value, no clearance under the policy.
    RELEASE_NO_BASIS = ("release.no-basis", Release, Error);
    /// No release decision was made: an earlier stage failed or no trust stage ran.
    RELEASE_NOT_DECIDED = ("release.not-decided", Release, Error);
    /// The alternative labels that could decide disagree.
    RELEASE_LABEL_CONFLICT = ("release.label-conflict", Release, Error);
    /// Every chunk authenticated under the committed content key: the plaintext is the sealed one.
    DECRYPT_PLAINTEXT_AUTHENTIC = ("decrypt.plaintext-authentic", Decrypt, Success);
    /// The envelope carries no encryption header.
    DECRYPT_NOT_ENCRYPTED = ("decrypt.not-encrypted", Decrypt, Error);
    /// The recipients do not decode, exceed a limit, or have an encapsulated key or wrapped key of the wrong length.
    DECRYPT_RECIPIENTS_MALFORMED = ("decrypt.recipients-malformed", Decrypt, Error);
    /// A recipient or content algorithm this implementation does not implement.
    DECRYPT_ALG_UNSUPPORTED = ("decrypt.alg-unsupported", Decrypt, Error);
    /// No recipient is addressed to the given certificate.
    DECRYPT_NO_RECIPIENT = ("decrypt.no-recipient", Decrypt, Error);
    /// HPKE Open failed: a wrong key, or a changed encapsulated key, wrapped key or recipient protected header.
    DECRYPT_UNWRAP_FAILED = ("decrypt.unwrap-failed", Decrypt, Error);
    /// The unwrapped content key does not match the sealed key commitment.
    DECRYPT_KEY_COMMITMENT_MISMATCH = ("decrypt.key-commitment-mismatch", Decrypt, Error);
    /// A chunk failed authentication: changed, reordered or duplicated, or the label or encryption header changed.
    DECRYPT_CHUNK_INVALID = ("decrypt.chunk-invalid", Decrypt, Error);
    /// The ciphertext is empty, ends inside a tag, or has no chunk that authenticates as final.
    DECRYPT_TRUNCATED = ("decrypt.truncated", Decrypt, Error);
}

//! Sealing, endorsing and inspecting envelopes from bytes.

use pouch::SealOptions as Seal;
use pouch::{ContentType, Envelope, Limits, ReleaseApproval, Role, Signer, Verifier};
use pouch_crypto::{Algorithm, CryptoProvider, DigestAlgorithm, keys};
use pouch_label::Label;

use crate::error::class;
use crate::{ApiError, parse_time, provider};

/// How [`seal`] seals. `Default` is: default provider, embedded payload, no content type,
/// role `originator`, the key's own algorithm, signed now.
#[derive(Clone, Debug, Default)]
pub struct SealOptions {
    /// Provider name (`aws-lc`, `rustcrypto`); `None` is the default.
    pub provider: Option<String>,
    /// Carry the record beside the envelope, sealed by its digest.
    pub detached: bool,
    /// Digest of a detached record: `sha256` (default) or `sha384`.
    pub digest: Option<String>,
    /// The record's media type.
    pub content_type: Option<String>,
    /// Where recipients may find a detached record (a hint; never fetched).
    pub location: Option<String>,
    /// `originator` (default), `endorser` or `releasing-authority`.
    pub role: Option<String>,
    /// Signature algorithm name (`ES384`...); `None` is the key's own.
    pub alg: Option<String>,
    /// Signing time, RFC 3339; `None` is the system clock (which WebAssembly lacks).
    pub signing_time: Option<String>,
}

/// How [`endorse`] seals. `Default` is: default provider, role `endorser`, the key's own
/// algorithm, no assertion, signed now.
#[derive(Clone, Debug, Default)]
pub struct EndorseOptions {
    /// Provider name (`aws-lc`, `rustcrypto`); `None` is the default.
    pub provider: Option<String>,
    /// `endorser` (default), `originator` or `releasing-authority`.
    pub role: Option<String>,
    /// Signature algorithm name; `None` is the key's own.
    pub alg: Option<String>,
    /// An alternative label under another policy (JSON, XML or CBOR), asserted by this seal.
    pub alternative_label: Option<Vec<u8>>,
    /// Approve release to these recipients (nation or organisation codes).
    pub release_to: Option<Vec<String>>,
    /// Signing time, RFC 3339; `None` is the system clock.
    pub signing_time: Option<String>,
}

/// Parses an optional option value with its type's one parser.
pub(crate) fn parse<T: std::str::FromStr>(value: Option<&str>) -> Result<Option<T>, ApiError>
where
    T::Err: std::fmt::Display,
{
    value
        .map(|v| {
            v.parse()
                .map_err(|e: T::Err| ApiError::argument(e.to_string()))
        })
        .transpose()
}

/// The signer: a PKCS#8 key (PEM or DER) of `alg` or of its own algorithm, and its chain
/// (PEM certificates, leaf first, or one DER certificate).
pub(crate) fn signer(
    p: &'static CryptoProvider,
    key: &[u8],
    chain: &[u8],
    alg: Option<&str>,
) -> Result<Signer, ApiError> {
    Ok(match parse::<Algorithm>(alg)? {
        None => Signer::from_key_and_chain(p, key, chain)?,
        Some(alg) => {
            let der = keys::private_key_pkcs8(key)
                .map_err(|e| ApiError::new(class::KEY, format!("key: {e}")))?;
            Signer::with_algorithm(p, alg, &der, chain)?
        }
    })
}

/// The options every seal shares: role (or `default`) and signing time (or now, which
/// WebAssembly cannot read).
pub(crate) fn seal_options(
    role: Option<&str>,
    at: Option<&str>,
    default: Role,
) -> Result<Seal, ApiError> {
    let mut opts = Seal::new().role(parse(role)?.unwrap_or(default));
    if let Some(at) = at {
        opts = opts.signing_time(parse_time(at)?);
    }
    Ok(opts)
}

/// Decodes a label in JSON, XML or CBOR, told apart by the first byte.
pub(crate) fn read_label(bytes: &[u8]) -> Result<Label, ApiError> {
    crate::label::decode(bytes, None).map(|(_, l)| l)
}

/// What an originator's seal needs from [`SealOptions`] and its inputs: the provider, the
/// label, the signer and the seal's options (role, signing time, content type, location).
pub(crate) struct Sealing {
    pub(crate) provider: &'static CryptoProvider,
    pub(crate) label: Label,
    pub(crate) signer: Signer,
    pub(crate) opts: Seal,
}

impl Sealing {
    /// Reads `options`, `label`, `key` and `chain`, in that order (the first error wins).
    pub(crate) fn new(
        options: &SealOptions,
        label: &[u8],
        key: &[u8],
        chain: &[u8],
    ) -> Result<Self, ApiError> {
        let provider = provider(options.provider.as_deref())?;
        let label = read_label(label)?;
        let signer = signer(provider, key, chain, options.alg.as_deref())?;
        let mut opts = seal_options(
            options.role.as_deref(),
            options.signing_time.as_deref(),
            Role::Originator,
        )?;
        opts.content_type = options.content_type.clone().map(ContentType::Media);
        opts.location = options.location.clone();
        Ok(Self {
            provider,
            label,
            signer,
            opts,
        })
    }
}

impl SealOptions {
    /// The digest of a detached record or ciphertext: `digest`, or SHA-256.
    pub(crate) fn digest_algorithm(&self) -> Result<DigestAlgorithm, ApiError> {
        Ok(parse(self.digest.as_deref())?.unwrap_or(DigestAlgorithm::Sha256))
    }
}

/// Seals `payload` under `label` (JSON, XML or CBOR) with `key` (PKCS#8, PEM or DER) and
/// `chain` (PEM, leaf first): a new envelope with one seal. With `detached`, the envelope
/// carries the payload's digest and the payload travels beside it. An embedded payload that
/// would make the envelope exceed the envelope limit is refused (`envelope.limit-exceeded`).
pub fn seal(
    label: &[u8],
    payload: &[u8],
    key: &[u8],
    chain: &[u8],
    options: &SealOptions,
) -> Result<Vec<u8>, ApiError> {
    let Sealing {
        label,
        signer,
        opts,
        ..
    } = Sealing::new(options, label, key, chain)?;
    Ok(if options.detached {
        let digest = options.digest_algorithm()?;
        signer.seal_detached(&label, &mut { payload }, digest, &opts)?
    } else {
        signer.seal(&label, payload, &opts)?
    })
}

/// Adds a seal to `envelope` without changing its other bytes, after verifying it: an
/// envelope that does not verify is refused with its first error code (e.g.
/// `seal.signature-invalid`).
pub fn endorse(
    envelope: &[u8],
    key: &[u8],
    chain: &[u8],
    options: &EndorseOptions,
) -> Result<Vec<u8>, ApiError> {
    let p = provider(options.provider.as_deref())?;
    let signer = signer(p, key, chain, options.alg.as_deref())?;
    let mut opts = seal_options(
        options.role.as_deref(),
        options.signing_time.as_deref(),
        Role::Endorser,
    )?;
    // Verified as at the new seal's signing time, so that no system clock is read where a
    // time is given (wasm32 has none; the verifier reads one when not given a time).
    // Signatures only: the endorser vouches for the envelope it read, whoever sealed it.
    let mut verifier = Verifier::builder(p).without_trust();
    if let Some(at) = opts.signing_time {
        verifier = verifier.at(at);
    }
    let report = verifier.build()?.verify(envelope, None);
    if !report.is_valid() {
        let first = report
            .entries()
            .find(|e| e.code.severity() == pouch_status::Severity::Error);
        return Err(match first {
            Some(e) => ApiError::new(
                e.code.id(),
                format!(
                    "refusing to endorse an envelope that does not verify{}",
                    e.detail
                        .as_deref()
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                ),
            ),
            None => ApiError::new(
                pouch_status::ENVELOPE_MALFORMED.id(),
                "refusing to endorse an envelope that does not verify",
            ),
        });
    }
    opts.alternative_label = options
        .alternative_label
        .as_deref()
        .map(read_label)
        .transpose()?;
    opts.release = options.release_to.as_ref().map(|r| ReleaseApproval {
        recipients: r.iter().map(|s| s.trim().to_owned()).collect(),
        note: None,
    });
    Ok(signer.endorse(envelope, &opts)?)
}

/// What the envelope says, without judging it, as JSON ([`pouch::inspect`]). An envelope
/// that does not decode is an error with its `envelope.*` code.
pub fn inspect(envelope: &[u8]) -> Result<String, ApiError> {
    let env = Envelope::decode(envelope, &Limits::default())?;
    Ok(pouch::inspect(&env).to_string())
}

//! Sealing, endorsing and inspecting envelopes from bytes.

use pouch::{ContentType, Envelope, Limits, Payload, ReleaseApproval, Role, SealRequest, Verifier};
use pouch_crypto::{Algorithm, CryptoProvider, DigestAlgorithm, SigningKey, keys};
use pouch_label::{DateTime, Label};

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

fn role(name: Option<&str>, default: Role) -> Result<Role, ApiError> {
    match name {
        None => Ok(default),
        Some(n) => Role::from_name(n).ok_or_else(|| {
            ApiError::argument(format!(
                "role {n:?}: expected originator, endorser or releasing-authority"
            ))
        }),
    }
}

fn signing_time(at: Option<&str>) -> Result<DateTime, ApiError> {
    match at {
        Some(t) => parse_time(t),
        None => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|_| ApiError::argument("the system clock is before 1970"))?
                .as_secs();
            i64::try_from(secs)
                .ok()
                .and_then(|s| DateTime::from_unix(s, 0))
                .ok_or_else(|| ApiError::argument("the system clock is out of range"))
        }
    }
}

/// A certificate chain, leaf first, DER.
type Chain = Vec<Vec<u8>>;

/// The signer: a PKCS#8 key (PEM or DER) of `alg` or of its own algorithm, and its chain
/// (PEM certificates, leaf first, or one DER certificate).
fn signer(
    p: &CryptoProvider,
    key: &[u8],
    chain: &[u8],
    alg: Option<&str>,
) -> Result<(Box<dyn SigningKey>, Chain), ApiError> {
    let der = if key.starts_with(b"-----BEGIN") {
        keys::pem_decode(key, "PRIVATE KEY")
            .map_err(|e| ApiError::new(class::KEY, format!("key PEM: {e}")))?
    } else {
        key.to_vec()
    };
    let alg = match alg {
        Some(name) => Algorithm::from_name(name).ok_or_else(|| {
            ApiError::argument(format!("algorithm {name:?}: not a registered algorithm"))
        })?,
        None => keys::algorithm_of_pkcs8(&der).ok_or_else(|| {
            ApiError::new(
                class::KEY,
                "cannot tell the key's algorithm: not PKCS#8 of a registered algorithm",
            )
        })?,
    };
    let scheme = p
        .signature(alg)
        .ok_or_else(|| ApiError::argument(format!("{} does not implement {alg}", p.name)))?;
    let key = scheme
        .signing_key(&der)
        .map_err(|e| ApiError::new(class::KEY, format!("{alg} key: {e}")))?;
    let chain = if chain.starts_with(b"-----BEGIN") {
        keys::pem_blocks(chain, "CERTIFICATE")
            .map_err(|e| ApiError::new(class::CERTIFICATE, format!("chain PEM: {e}")))?
    } else if chain.is_empty() {
        Vec::new()
    } else {
        vec![chain.to_vec()]
    };
    if chain.is_empty() {
        return Err(ApiError::new(
            class::CERTIFICATE,
            "no certificate in the chain",
        ));
    }
    Ok((key, chain))
}

/// Decodes a label in JSON, XML or CBOR, told apart by the first byte.
pub(crate) fn read_label(bytes: &[u8]) -> Result<Label, ApiError> {
    crate::label::decode(bytes, None).map(|(_, l)| l)
}

/// Seals `payload` under `label` (JSON, XML or CBOR) with `key` (PKCS#8, PEM or DER) and
/// `chain` (PEM, leaf first): a new envelope with one seal. With `detached`, the envelope
/// carries the payload's digest and the payload travels beside it.
pub fn seal(
    label: &[u8],
    payload: &[u8],
    key: &[u8],
    chain: &[u8],
    options: &SealOptions,
) -> Result<Vec<u8>, ApiError> {
    let p = provider(options.provider.as_deref())?;
    let label = read_label(label)?;
    let (key, chain) = signer(p, key, chain, options.alg.as_deref())?;
    let request = SealRequest {
        key: key.as_ref(),
        chain,
        role: role(options.role.as_deref(), Role::Originator)?,
        signing_time: signing_time(options.signing_time.as_deref())?,
        alternative_label: None,
        release: None,
    };
    let content_type = options.content_type.clone().map(ContentType::Media);
    let env = if options.detached {
        let digest = match options.digest.as_deref() {
            None | Some("sha256") => DigestAlgorithm::Sha256,
            Some("sha384") => DigestAlgorithm::Sha384,
            Some(other) => {
                return Err(ApiError::argument(format!(
                    "digest {other:?}: expected sha256 or sha384"
                )));
            }
        };
        let mut data = payload;
        let payload = Payload::Detached {
            data: &mut data,
            digest,
            content_type,
            location: options.location.clone(),
        };
        pouch::seal(p, &label, payload, &request, None, None)?
    } else {
        if payload.len() > Limits::default().max_envelope_bytes {
            return Err(ApiError::new(
                pouch_status::ENVELOPE_LIMIT_EXCEEDED.id(),
                format!(
                    "an embedded payload of {} bytes exceeds the envelope limit; seal it detached",
                    payload.len()
                ),
            ));
        }
        let payload = Payload::Embedded {
            data: payload,
            content_type,
        };
        pouch::seal(p, &label, payload, &request, None, None)?
    };
    Ok(env)
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
    let (key, chain) = signer(p, key, chain, options.alg.as_deref())?;
    let signing_time = signing_time(options.signing_time.as_deref())?;
    // Verified as at the new seal's signing time: a given time, so that no system clock is
    // read (wasm32 has none; the verifier reads one when not given a time).
    // Signatures only: the endorser vouches for the envelope it read, whoever sealed it.
    let verifier = Verifier::builder(p)
        .without_trust()
        .at(signing_time)
        .build()?;
    let report = verifier.verify(envelope, None);
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
    let request = SealRequest {
        key: key.as_ref(),
        chain,
        role: role(options.role.as_deref(), Role::Endorser)?,
        signing_time,
        alternative_label: options
            .alternative_label
            .as_deref()
            .map(read_label)
            .transpose()?,
        release: options.release_to.as_ref().map(|r| ReleaseApproval {
            recipients: r.iter().map(|s| s.trim().to_owned()).collect(),
            note: None,
        }),
    };
    Ok(pouch::endorse(envelope, &request, &Limits::default())?)
}

/// What the envelope says, without judging it, as JSON ([`pouch::inspect`]). An envelope
/// that does not decode is an error with its `envelope.*` code.
pub fn inspect(envelope: &[u8]) -> Result<String, ApiError> {
    let env = Envelope::decode(envelope, &Limits::default())?;
    Ok(pouch::inspect(&env).to_string())
}

//! The envelope: decoding its framing strictly, building it, and adding seals.

use std::io::Read;

use pouch_cbor::{Encoder, Kind, Reader};
use pouch_crypto::{CryptoProvider, DigestAlgorithm, SigningKey};
use pouch_label::{DateTime, Label};

use crate::header::{
    self, Content, ContentType, EnvelopeHeader, FORMAT_VERSION, Fault, ReleaseApproval, Role,
    SealHeader, cbor_fault,
};
use crate::{Error, Limits};

/// CBOR tag of `COSE_Sign` (RFC 9052).
pub const COSE_SIGN_TAG: u64 = 98;

/// A decoded envelope. Its body decoded fully; each seal keeps its bytes and either its
/// decoded header or the fault that stopped it, so one bad seal does not hide the others.
#[derive(Clone, Debug)]
pub struct Envelope {
    body_protected: Vec<u8>,
    /// The `"pouch-recipients"` value (a CBOR array) of an encrypted envelope, as carried.
    recipients: Option<Vec<u8>>,
    header: EnvelopeHeader,
    payload: Vec<u8>,
    seals: Vec<Seal>,
}

/// One seal as found in an envelope.
#[derive(Clone, Debug)]
pub struct Seal {
    pub(crate) protected: Vec<u8>,
    /// The unprotected header as carried: the empty map, except in a seal faulted for a
    /// non-empty one (kept so the envelope re-encodes to the bytes it was decoded from).
    pub(crate) unprotected: Vec<u8>,
    pub(crate) signature: Vec<u8>,
    pub(crate) header: Result<SealHeader, Fault>,
}

impl Seal {
    /// The decoded seal header, or the fault that prevented decoding it.
    pub fn header(&self) -> Result<&SealHeader, &Fault> {
        self.header.as_ref()
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The protected header bytes as carried.
    pub fn protected_bytes(&self) -> &[u8] {
        &self.protected
    }
}

impl Envelope {
    /// Decodes an envelope strictly (spec/03-envelope.md §3.1, §3.9). A fault of the framing
    /// or of the body ends decoding; faults of single seals are kept with those seals.
    pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Envelope, Fault> {
        let (mut env, payload) = Self::decode_borrowing_payload(bytes, limits)?;
        env.payload = payload.to_vec();
        Ok(env)
    }

    /// As [`Envelope::decode`], except that the payload field is returned as a slice of
    /// `bytes` and the envelope's own [`Envelope::payload`] is left empty: a verifier reads a
    /// large embedded record where it lies instead of copying it.
    pub fn decode_borrowing_payload<'b>(
        bytes: &'b [u8],
        limits: &Limits,
    ) -> Result<(Envelope, &'b [u8]), Fault> {
        if bytes.len() > limits.max_envelope_bytes {
            return Err(Fault::new(
                pouch_status::ENVELOPE_LIMIT_EXCEEDED,
                format!("{} bytes, limit {}", bytes.len(), limits.max_envelope_bytes),
            ));
        }
        let cbor_limits = pouch_cbor::Limits {
            max_bytes: limits.max_envelope_bytes,
            max_depth: limits.max_depth,
            max_items: limits.max_envelope_bytes,
        };
        let mut r = Reader::new(bytes, &cbor_limits).map_err(|e| cbor_fault(&e, "envelope"))?;
        let malformed = |d: &str| Fault::new(pouch_status::ENVELOPE_MALFORMED, d.to_owned());
        if r.peek_kind() != Some(Kind::Tag) || r.tag().ok() != Some(COSE_SIGN_TAG) {
            return Err(malformed("not a tagged COSE_Sign (tag 98)"));
        }
        if r.peek_kind() != Some(Kind::Array) || r.array().ok() != Some(4) {
            return Err(malformed("COSE_Sign must be an array of four"));
        }
        let body_protected = r
            .bytes()
            .map_err(|_| malformed("body protected header must be a byte string"))?
            .to_vec();
        let recipients = body_unprotected(&mut r, bytes)?;
        let payload = r
            .bytes()
            .map_err(|_| malformed("payload must be a byte string (nil is not used by Pouch)"))?;
        if r.peek_kind() != Some(Kind::Array) {
            return Err(malformed("signatures must be an array"));
        }
        let n = r.array().map_err(|e| cbor_fault(&e, "signatures"))?;
        if n == 0 {
            return Err(malformed("no seal: signatures must hold at least one"));
        }
        if n > limits.max_seals as u64 {
            return Err(Fault::new(
                pouch_status::ENVELOPE_LIMIT_EXCEEDED,
                format!("{n} seals, limit {}", limits.max_seals),
            ));
        }
        let header = header::decode_body(&body_protected, limits)?;
        if recipients.is_some() && header.encryption.is_none() {
            return Err(Fault::new(
                pouch_status::ENVELOPE_UNPROTECTED_HEADER_NOT_EMPTY,
                "body unprotected header carries recipients, but the envelope is not encrypted",
            ));
        }
        if let Content::Detached { digest, .. } = &header.content
            && payload.len() != digest.output_len()
        {
            return Err(malformed(&format!(
                "detached payload digest has {} bytes; {digest} gives {}",
                payload.len(),
                digest.output_len()
            )));
        }
        let mut seals = Vec::new();
        for i in 0..n {
            let at = |d: &str| malformed(&format!("seal {i}: {d}"));
            if r.peek_kind() != Some(Kind::Array) || r.array().ok() != Some(3) {
                return Err(at("a COSE_Signature must be an array of three"));
            }
            let protected = r
                .bytes()
                .map_err(|_| at("protected header must be a byte string"))?
                .to_vec();
            let unprotected_start = r.position();
            let unprotected_alg = match empty_unprotected(&mut r, "seal") {
                Ok(()) => false,
                Err((_, true)) => true,
                Err((f, false)) => {
                    return Err(Fault::new(f.code, format!("seal {i}: {}", f.detail)));
                }
            };
            let unprotected = bytes
                .get(unprotected_start..r.position())
                .unwrap_or(EMPTY_MAP)
                .to_vec();
            let signature = r
                .bytes()
                .map_err(|_| at("signature must be a byte string"))?
                .to_vec();
            let mut decoded = header::decode_seal(&protected, limits);
            if unprotected_alg {
                decoded = Err(Fault::new(
                    pouch_status::SEAL_ALG_UNPROTECTED,
                    "alg is in the unprotected header; it must be protected",
                ));
            }
            seals.push(Seal {
                protected,
                unprotected,
                signature,
                header: decoded,
            });
        }
        Ok((
            Envelope {
                body_protected,
                recipients: recipients.map(<[u8]>::to_vec),
                header,
                payload: Vec::new(),
                seals,
            },
            payload,
        ))
    }

    /// The envelope header, with the originator label.
    pub fn header(&self) -> &EnvelopeHeader {
        &self.header
    }

    /// The originator label.
    pub fn label(&self) -> &Label {
        &self.header.label
    }

    /// The payload field: the record when embedded, its digest when detached.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The seals, in order.
    pub fn seals(&self) -> &[Seal] {
        &self.seals
    }

    /// The body protected header bytes as carried.
    pub fn body_protected_bytes(&self) -> &[u8] {
        &self.body_protected
    }

    /// The RFC 9052 `Sig_structure` that seal `index` signs.
    pub fn to_be_signed(&self, index: usize) -> Option<Vec<u8>> {
        self.seals
            .get(index)
            .map(|s| crate::sig_structure(&self.body_protected, &s.protected, &[], &self.payload))
    }

    /// The envelope's encoding (deterministic, so equal to the bytes it was decoded from).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode_with(self.recipients.as_deref())
    }

    /// The envelope's encoding with `recipients` in place of its own.
    fn encode_with(&self, recipients: Option<&[u8]>) -> Vec<u8> {
        encode(
            &self.body_protected,
            recipients,
            &self.payload,
            &self.seal_parts(),
        )
    }

    /// Each seal's protected header, unprotected header and signature, as carried.
    fn seal_parts(&self) -> Vec<(&[u8], &[u8], &[u8])> {
        self.seals
            .iter()
            .map(|s| {
                (
                    s.protected.as_slice(),
                    s.unprotected.as_slice(),
                    s.signature.as_slice(),
                )
            })
            .collect()
    }

    /// The recipients of an encrypted envelope: the `"pouch-recipients"` value as carried
    /// (a CBOR array, not covered by any seal; spec/10-encryption.md §10.4).
    pub fn recipients_bytes(&self) -> Option<&[u8]> {
        self.recipients.as_deref()
    }

    /// This envelope with its recipients replaced by `recipients` (an encoded CBOR array),
    /// every other byte unchanged, so every seal stays valid (POUCH-ENC-060). Encodes with
    /// the payload this envelope holds: decode with [`Envelope::decode`], not the borrowing
    /// form, before calling it.
    pub fn to_bytes_with_recipients(&self, recipients: &[u8]) -> Vec<u8> {
        self.encode_with(Some(recipients))
    }
}

/// Reads the body unprotected header: empty, or holding only `"pouch-recipients"`, whose
/// value it returns as carried (POUCH-ENV-003, POUCH-ENC-002).
fn body_unprotected<'b>(r: &mut Reader<'b>, bytes: &'b [u8]) -> Result<Option<&'b [u8]>, Fault> {
    let not_empty = |n: u64, at: usize| {
        Fault::new(
            pouch_status::ENVELOPE_UNPROTECTED_HEADER_NOT_EMPTY,
            format!("body unprotected header at byte {at} has {n} parameter(s)"),
        )
    };
    if r.peek_kind() != Some(Kind::Map) {
        return Err(Fault::new(
            pouch_status::ENVELOPE_MALFORMED,
            "body unprotected header must be a map",
        ));
    }
    let start = r.position();
    let n = r
        .map()
        .map_err(|e| cbor_fault(&e, "body unprotected header"))?;
    match n {
        0 => Ok(None),
        1 if r.peek_kind() == Some(Kind::Text) => {
            let k = r
                .text()
                .map_err(|e| cbor_fault(&e, "body unprotected header"))?;
            if k != header::RECIPIENTS_PARAM || r.peek_kind() != Some(Kind::Array) {
                return Err(not_empty(n, start));
            }
            let from = r.position();
            r.skip()
                .map_err(|e| cbor_fault(&e, "body unprotected header"))?;
            Ok(bytes.get(from..r.position()))
        }
        n => Err(not_empty(n, start)),
    }
}

/// Reads an unprotected header, which must be empty. On failure, also says whether it holds
/// `alg`, which a seal reports as `seal.alg-unprotected`.
fn empty_unprotected(r: &mut Reader<'_>, whose: &str) -> Result<(), (Fault, bool)> {
    if r.peek_kind() != Some(Kind::Map) {
        return Err((
            Fault::new(
                pouch_status::ENVELOPE_MALFORMED,
                format!("{whose} unprotected header must be a map"),
            ),
            false,
        ));
    }
    let start = r.position();
    let n = r
        .map()
        .map_err(|e| (cbor_fault(&e, "unprotected header"), false))?;
    if n == 0 {
        return Ok(());
    }
    let mut has_alg = false;
    for _ in 0..n {
        if r.peek_kind() == Some(Kind::Unsigned) && r.u64().ok() == Some(1) {
            has_alg = true;
        } else {
            let _ = r.skip();
        }
        let _ = r.skip();
    }
    Err((
        Fault::new(
            pouch_status::ENVELOPE_UNPROTECTED_HEADER_NOT_EMPTY,
            format!("{whose} unprotected header at byte {start} has {n} parameter(s)"),
        ),
        has_alg,
    ))
}

/// The encoded empty map: the unprotected header of every seal Pouch writes.
const EMPTY_MAP: &[u8] = &[0xa0];

/// Seals as (protected header, unprotected header as encoded, signature).
fn encode(
    body_protected: &[u8],
    recipients: Option<&[u8]>,
    payload: &[u8],
    seals: &[(&[u8], &[u8], &[u8])],
) -> Vec<u8> {
    let mut e = Encoder::new();
    e.tag(COSE_SIGN_TAG).array(4);
    e.bytes(body_protected);
    match recipients {
        Some(r) => {
            e.map(1).text(header::RECIPIENTS_PARAM).raw(r);
        }
        None => {
            e.map(0);
        }
    }
    e.bytes(payload);
    e.array(seals.len() as u64);
    for (protected, unprotected, signature) in seals {
        e.array(3)
            .bytes(protected)
            .raw(unprotected)
            .bytes(signature);
    }
    e.into_bytes()
}

/// The record to seal.
pub enum Payload<'a> {
    /// Carried in the envelope.
    Embedded {
        /// The record.
        data: &'a [u8],
        /// Its content type, if stated.
        content_type: Option<ContentType>,
    },
    /// Carried beside the envelope; its digest is read by streaming.
    Detached {
        /// The record, read to its end.
        data: &'a mut dyn Read,
        /// The digest algorithm.
        digest: DigestAlgorithm,
        /// The record's content type, if stated.
        content_type: Option<ContentType>,
        /// Where recipients may find the record (a hint for people).
        location: Option<String>,
    },
}

/// One party's seal to add: its key, chain, role and assertions.
pub struct SealRequest<'a> {
    /// The signing key; its algorithm is the seal's `alg`.
    pub key: &'a dyn SigningKey,
    /// The certificate chain, leaf first, DER.
    pub chain: Vec<Vec<u8>>,
    /// The party's role.
    pub role: Role,
    /// The signing time to state (usually now).
    pub signing_time: DateTime,
    /// An alternative label under another policy.
    pub alternative_label: Option<Label>,
    /// A release approval.
    pub release: Option<ReleaseApproval>,
}

impl<'a> SealRequest<'a> {
    /// The originator's seal, with no seal assertions: the request most senders make.
    pub fn originator(
        key: &'a dyn SigningKey,
        chain: Vec<Vec<u8>>,
        signing_time: DateTime,
    ) -> Self {
        SealRequest {
            key,
            chain,
            role: Role::Originator,
            signing_time,
            alternative_label: None,
            release: None,
        }
    }
}

fn sign_seal(
    body_protected: &[u8],
    payload: &[u8],
    req: &SealRequest<'_>,
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    if req.chain.is_empty() {
        return Err(Error::NoCertificate);
    }
    let header = SealHeader {
        alg: req.key.algorithm().cose_id(),
        chain: req.chain.clone(),
        signing_time: req.signing_time,
        role: req.role,
        alternative_label: req.alternative_label.clone(),
        release: req.release.clone(),
    };
    let protected = header::encode_seal(&header);
    let tbs = crate::sig_structure(body_protected, &protected, &[], payload);
    let signature = req.key.sign(&tbs).map_err(Error::Crypto)?;
    Ok((protected, signature))
}

/// Streams `data` through `alg` of `provider`, in constant memory.
pub fn digest_reader(
    provider: &CryptoProvider,
    alg: DigestAlgorithm,
    data: &mut dyn Read,
) -> Result<Vec<u8>, Error> {
    let scheme = provider
        .digest(alg)
        .ok_or(Error::Crypto(pouch_crypto::Error::Backend(
            "digest not provided",
        )))?;
    let mut d = scheme.start();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = data.read(&mut buf).map_err(|e| Error::Io(e.to_string()))?;
        if n == 0 {
            break;
        }
        d.update(buf.get(..n).unwrap_or_default());
    }
    Ok(d.finish())
}

/// Makes a new envelope with one seal (spec/03-envelope.md). `id` and `created` default to
/// fresh random bytes and `signing_time`; give them to reproduce an envelope exactly.
pub fn seal(
    provider: &CryptoProvider,
    label: &Label,
    payload: Payload<'_>,
    request: &SealRequest<'_>,
    id: Option<[u8; 16]>,
    created: Option<DateTime>,
) -> Result<Vec<u8>, Error> {
    let id = match id {
        Some(id) => id,
        None => {
            let mut id = [0u8; 16];
            (provider.fill_random)(&mut id).map_err(Error::Crypto)?;
            id
        }
    };
    let (content, payload_bytes) = match payload {
        Payload::Embedded { data, content_type } => {
            (Content::Embedded { content_type }, data.to_vec())
        }
        Payload::Detached {
            data,
            digest,
            content_type,
            location,
        } => (
            Content::Detached {
                digest,
                content_type,
                location,
            },
            digest_reader(provider, digest, data)?,
        ),
    };
    let header = EnvelopeHeader {
        version: FORMAT_VERSION,
        id,
        created: created.unwrap_or(request.signing_time),
        label: label.clone(),
        content,
        encryption: None,
    };
    seal_prepared(&header, &payload_bytes, None, request)
}

/// Makes a new envelope with one seal from a header the caller built: the encryption path
/// (spec/10-encryption.md), which must know the body protected header before it encrypts,
/// and give the payload field (the ciphertext, or its digest) and the recipients (an encoded
/// CBOR array, outside the seals) itself.
pub fn seal_prepared(
    header: &EnvelopeHeader,
    payload_field: &[u8],
    recipients: Option<&[u8]>,
    request: &SealRequest<'_>,
) -> Result<Vec<u8>, Error> {
    let body = header::encode_body(header);
    let (protected, signature) = sign_seal(&body, payload_field, request)?;
    Ok(encode(
        &body,
        recipients,
        payload_field,
        &[(&protected, EMPTY_MAP, &signature)],
    ))
}

/// Adds a seal to an envelope without changing any byte of its body or its other seals
/// (POUCH-ENV-032). The envelope must decode; its seals are not verified here.
pub fn endorse(
    envelope: &[u8],
    request: &SealRequest<'_>,
    limits: &Limits,
) -> Result<Vec<u8>, Error> {
    let env = Envelope::decode(envelope, limits).map_err(Error::Malformed)?;
    if env.seals.len() >= limits.max_seals {
        return Err(Error::TooManySeals(limits.max_seals));
    }
    let (protected, signature) = sign_seal(&env.body_protected, &env.payload, request)?;
    let mut seals = env.seal_parts();
    seals.push((&protected, EMPTY_MAP, &signature));
    Ok(encode(
        &env.body_protected,
        env.recipients.as_deref(),
        &env.payload,
        &seals,
    ))
}

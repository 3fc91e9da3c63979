//! The envelope header (body protected header) and the seal header (spec/03-envelope.md
//! §3.2, §3.4), their encoding, and their strict decoding.

use pouch_cbor::{Encoder, Kind, Reader};
use pouch_crypto::DigestAlgorithm;
use pouch_label::{DateTime, Label};
use pouch_status::StatusCode;

use crate::Limits;

/// The format version this implementation writes and reads.
pub const FORMAT_VERSION: u64 = 1;

/// The text label of Pouch's own header parameter, in the body and in every seal.
pub const POUCH_PARAM: &str = "pouch";

/// The text label of the recipients in the body unprotected header of an encrypted envelope
/// (POUCH-ENC-002).
pub const RECIPIENTS_PARAM: &str = "pouch-recipients";

pub(crate) const H_ALG: u64 = 1;
pub(crate) const H_CRIT: u64 = 2;
pub(crate) const H_CONTENT_TYPE: u64 = 3;
pub(crate) const H_X5CHAIN: u64 = 33;
pub(crate) const H_PAYLOAD_HASH_ALG: u64 = 258;
pub(crate) const H_PREIMAGE_CONTENT_TYPE: u64 = 259;
pub(crate) const H_PAYLOAD_LOCATION: u64 = 260;

/// A content type: a media type, or a CoAP content-format number (RFC 9052 §3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentType {
    /// A media type such as `application/pdf`.
    Media(String),
    /// A CoAP content-format number.
    CoAp(u64),
}

impl core::fmt::Display for ContentType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ContentType::Media(m) => f.write_str(m),
            ContentType::CoAp(n) => write!(f, "coap:{n}"),
        }
    }
}

/// How the record travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    /// In the payload field.
    Embedded {
        /// Its content type, if stated.
        content_type: Option<ContentType>,
    },
    /// Beside the envelope; the payload field holds its digest (RFC 9995).
    Detached {
        /// The digest algorithm (`payload_hash_alg`).
        digest: DigestAlgorithm,
        /// The record's content type (`preimage_content_type`).
        content_type: Option<ContentType>,
        /// Where the record may be found (`payload_location`), a hint never fetched.
        location: Option<String>,
    },
}

/// The envelope header, with the originator label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvelopeHeader {
    /// Format version (1).
    pub version: u64,
    /// The 16 random bytes that identify the envelope.
    pub id: [u8; 16],
    /// When the envelope was made.
    pub created: DateTime,
    /// The originator label, covered by every seal.
    pub label: Label,
    /// Embedded or detached, with the content type.
    pub content: Content,
    /// Present when the payload is encrypted (spec/10-encryption.md §10.2).
    pub encryption: Option<Encryption>,
}

/// The content algorithm of an encrypted envelope, POUCH-A256GCM-STREAM (POUCH-ENC-010).
pub const CONTENT_ALG_A256GCM_STREAM: i64 = -65601;
/// The smallest chunk size a decoder accepts (POUCH-ENC-010).
pub const MIN_CHUNK_SIZE: u32 = 4096;
/// The largest chunk size a decoder accepts (POUCH-ENC-010).
pub const MAX_CHUNK_SIZE: u32 = 1 << 20;

/// The encryption header: field 5 of the envelope header, covered by every seal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encryption {
    /// Plaintext bytes per chunk, [`MIN_CHUNK_SIZE`]..=[`MAX_CHUNK_SIZE`].
    pub chunk_size: u32,
    /// HKDF-SHA-256 commitment to the content key (POUCH-ENC-011).
    pub commitment: [u8; 32],
    /// Nations wrapped to although release was denied (POUCH-ENC-012); sorted, unique.
    pub forced: Vec<String>,
}

/// The role of a sealing party.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The originator of the record.
    Originator,
    /// A party vouching for the record, e.g. a second nation.
    Endorser,
    /// An authority approving release.
    ReleasingAuthority,
}

impl Role {
    /// Every role, in registry order.
    pub const ALL: [Role; 3] = [Role::Originator, Role::Endorser, Role::ReleasingAuthority];

    /// The CBOR code.
    pub const fn code(self) -> u64 {
        match self {
            Role::Originator => 1,
            Role::Endorser => 2,
            Role::ReleasingAuthority => 3,
        }
    }

    /// The role with this code.
    pub fn from_code(c: u64) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == c)
    }

    /// The spelling in reports and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Role::Originator => "originator",
            Role::Endorser => "endorser",
            Role::ReleasingAuthority => "releasing-authority",
        }
    }

    /// The role with this spelling.
    pub fn from_name(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == s)
    }
}

/// The one parser of a sealing role (the command line's `--role`, every binding): its
/// spelling in reports, exactly.
impl core::str::FromStr for Role {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::from_name(s).ok_or_else(|| crate::Error::InvalidValue {
            what: "role",
            value: s.to_owned(),
            reason: format!("expected one of {}", Role::ALL.map(Role::name).join(", ")),
        })
    }
}

/// A release approval assertion (spec/03-envelope.md §3.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseApproval {
    /// Approved recipients: ISO 3166-1 alpha-3 nation codes or organisation codes.
    pub recipients: Vec<String>,
    /// A free-text note.
    pub note: Option<String>,
}

/// The seal header and the other protected parameters of one seal.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SealHeader {
    /// The COSE `alg` value as written (it may be unregistered).
    pub alg: i64,
    /// The certificate chain, leaf first, DER.
    pub chain: Vec<Vec<u8>>,
    /// When the seal was made, as its signer states.
    pub signing_time: DateTime,
    /// The sealing party's role.
    pub role: Role,
    /// An alternative label under another policy, asserted by this seal only.
    pub alternative_label: Option<Label>,
    /// A release approval, asserted by this seal only.
    pub release: Option<ReleaseApproval>,
}

/// A fault found while decoding: the status code and what exactly was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fault {
    /// The registry code.
    pub code: StatusCode,
    /// One line for people: what, and where.
    pub detail: String,
}

impl core::fmt::Display for Fault {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", self.code.id(), self.detail)
    }
}

/// A decode fault is an error to a caller that only wants the envelope.
impl std::error::Error for Fault {}

impl Fault {
    pub(crate) fn new(code: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
        }
    }
}

/// Maps a strict-checker error to the envelope code that names it (POUCH-ENV-002).
pub(crate) fn cbor_fault(e: &pouch_cbor::Error, what: &str) -> Fault {
    use pouch_cbor::ErrorKind as K;
    let code = match e.kind() {
        K::NonShortestArgument | K::NonShortestFloat | K::IndefiniteLength | K::UnsortedMapKeys => {
            pouch_status::ENVELOPE_NOT_DETERMINISTIC
        }
        K::DuplicateMapKey => pouch_status::ENVELOPE_DUPLICATE_KEY,
        K::TrailingBytes { .. } => pouch_status::ENVELOPE_TRAILING_BYTES,
        K::DepthExceeded { .. } | K::TooManyItems { .. } | K::TooLarge { .. } => {
            pouch_status::ENVELOPE_LIMIT_EXCEEDED
        }
        _ => pouch_status::ENVELOPE_MALFORMED,
    };
    Fault::new(code, format!("{what}: {e}"))
}

fn malformed(detail: impl Into<String>) -> Fault {
    Fault::new(pouch_status::ENVELOPE_MALFORMED, detail)
}

// ---------------------------------------------------------------- encode

fn encode_time(e: &mut Encoder, t: &DateTime) {
    e.tag(0).text(&t.to_string());
}

fn encode_content_type(e: &mut Encoder, c: &ContentType) {
    match c {
        ContentType::Media(m) => e.text(m),
        ContentType::CoAp(n) => e.u64(*n),
    };
}

/// The body protected header's bytes. Keys are written in deterministic order: the integer
/// labels ascending, then the text label `"pouch"` (major type 3 sorts after 0 and 1).
pub(crate) fn encode_body(h: &EnvelopeHeader) -> Vec<u8> {
    let mut e = Encoder::new();
    match &h.content {
        Content::Embedded { content_type } => {
            e.map(2 + u64::from(content_type.is_some()));
            e.u64(H_CRIT).array(1).text(POUCH_PARAM);
            if let Some(c) = content_type {
                e.u64(H_CONTENT_TYPE);
                encode_content_type(&mut e, c);
            }
        }
        Content::Detached {
            digest,
            content_type,
            location,
        } => {
            e.map(3 + u64::from(content_type.is_some()) + u64::from(location.is_some()));
            e.u64(H_CRIT).array(1).text(POUCH_PARAM);
            e.u64(H_PAYLOAD_HASH_ALG).i64(digest.cose_id());
            if let Some(c) = content_type {
                e.u64(H_PREIMAGE_CONTENT_TYPE);
                encode_content_type(&mut e, c);
            }
            if let Some(l) = location {
                e.u64(H_PAYLOAD_LOCATION).text(l);
            }
        }
    }
    e.text(POUCH_PARAM)
        .map(4 + u64::from(h.encryption.is_some()));
    e.u64(1).u64(h.version);
    e.u64(2).bytes(&h.id);
    e.u64(3);
    encode_time(&mut e, &h.created);
    e.u64(4).raw(&h.label.to_cbor());
    if let Some(enc) = &h.encryption {
        e.u64(5).map(3 + u64::from(!enc.forced.is_empty()));
        e.u64(1).i64(CONTENT_ALG_A256GCM_STREAM);
        e.u64(2).u64(u64::from(enc.chunk_size));
        e.u64(3).bytes(&enc.commitment);
        if !enc.forced.is_empty() {
            e.u64(4).array(enc.forced.len() as u64);
            for n in &enc.forced {
                e.text(n);
            }
        }
    }
    e.into_bytes()
}

/// A seal's protected header bytes.
pub(crate) fn encode_seal(h: &SealHeader) -> Vec<u8> {
    let mut e = Encoder::new();
    e.map(4);
    e.u64(H_ALG).i64(h.alg);
    e.u64(H_CRIT).array(1).text(POUCH_PARAM);
    e.u64(H_X5CHAIN);
    match h.chain.as_slice() {
        [one] => {
            e.bytes(one);
        }
        many => {
            e.array(many.len() as u64);
            for c in many {
                e.bytes(c);
            }
        }
    }
    e.text(POUCH_PARAM);
    e.map(2 + u64::from(h.alternative_label.is_some()) + u64::from(h.release.is_some()));
    e.u64(1);
    encode_time(&mut e, &h.signing_time);
    e.u64(2).u64(h.role.code());
    if let Some(l) = &h.alternative_label {
        e.u64(3).raw(&l.to_cbor());
    }
    if let Some(r) = &h.release {
        e.u64(4).map(1 + u64::from(r.note.is_some()));
        e.u64(1).array(r.recipients.len() as u64);
        for rcp in &r.recipients {
            e.text(rcp);
        }
        if let Some(n) = &r.note {
            e.u64(2).text(n);
        }
    }
    e.into_bytes()
}

// ---------------------------------------------------------------- decode

/// A header-map key: an integer label or a text label.
/// Header labels below this are COSE's private use (RFC 9052 §11.1): allowed in the body and
/// seal protected headers and ignored (POUCH-ENV-014).
const PRIVATE_USE_BELOW: i64 = -65536;

#[derive(Debug, PartialEq, Eq)]
enum Key<'a> {
    Int(i64),
    Text(&'a str),
}

impl core::fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Key::Int(i) => write!(f, "{i}"),
            Key::Text(t) => write!(f, "{t:?}"),
        }
    }
}

/// A header parameter Pouch does not define (POUCH-ENV-014): a private-use one is skipped,
/// any other refused; the error is the detail of the header's fault.
fn skip_private_use(r: &mut Reader<'_>, key: Key<'_>, what: &str) -> Result<(), String> {
    match key {
        Key::Int(k) if k < PRIVATE_USE_BELOW => r
            .skip()
            .map_err(|e| format!("{what}: private-use parameter {k}: {e}")),
        other => Err(format!("{what}: parameter {other} is not defined by Pouch")),
    }
}

fn key<'a>(r: &mut Reader<'a>, what: &str) -> Result<Key<'a>, Fault> {
    match r.peek_kind() {
        Some(Kind::Unsigned | Kind::Negative) => r
            .i64()
            .map(Key::Int)
            .map_err(|e| malformed(format!("{what}: header label: {e}"))),
        Some(Kind::Text) => r
            .text()
            .map(Key::Text)
            .map_err(|e| malformed(format!("{what}: header label: {e}"))),
        _ => Err(malformed(format!(
            "{what}: a header label must be an integer or text"
        ))),
    }
}

fn time(r: &mut Reader<'_>, what: &str) -> Result<DateTime, String> {
    if r.peek_kind() != Some(Kind::Tag) || r.tag().map_err(|e| e.to_string())? != 0 {
        return Err(format!("{what}: expected a tag-0 time"));
    }
    let t = r.text().map_err(|e| format!("{what}: {e}"))?;
    DateTime::parse_canonical(t).map_err(|e| format!("{what}: {e}"))
}

fn content_type(r: &mut Reader<'_>, what: &str) -> Result<ContentType, String> {
    match r.peek_kind() {
        Some(Kind::Text) => Ok(ContentType::Media(
            r.text().map_err(|e| format!("{what}: {e}"))?.to_owned(),
        )),
        Some(Kind::Unsigned) => Ok(ContentType::CoAp(
            r.u64().map_err(|e| format!("{what}: {e}"))?,
        )),
        _ => Err(format!("{what}: expected text or an unsigned integer")),
    }
}

/// Reads `crit`: it must be exactly `["pouch"]` plus, in the body, hash-envelope labels.
fn crit(r: &mut Reader<'_>, allowed_ints: &[i64], what: &str) -> Result<bool, Fault> {
    if r.peek_kind() != Some(Kind::Array) {
        return Err(malformed(format!("{what}: crit must be an array")));
    }
    let n = r
        .array()
        .map_err(|e| malformed(format!("{what}: crit: {e}")))?;
    let mut has_pouch = false;
    for _ in 0..n {
        match key(r, what)? {
            Key::Text(POUCH_PARAM) => has_pouch = true,
            Key::Int(i) if allowed_ints.contains(&i) => {}
            other => {
                return Err(Fault::new(
                    pouch_status::ENVELOPE_UNKNOWN_CRITICAL_HEADER,
                    format!("{what}: crit lists {other}, which this verifier does not understand"),
                ));
            }
        }
    }
    Ok(has_pouch)
}

fn map_len(r: &mut Reader<'_>, limits: &Limits, what: &str) -> Result<u64, Fault> {
    if r.peek_kind() != Some(Kind::Map) {
        return Err(malformed(format!("{what}: expected a map")));
    }
    let n = r.map().map_err(|e| malformed(format!("{what}: {e}")))?;
    if n > limits.max_header_params as u64 {
        return Err(Fault::new(
            pouch_status::ENVELOPE_LIMIT_EXCEEDED,
            format!("{what}: {n} parameters, limit {}", limits.max_header_params),
        ));
    }
    Ok(n)
}

fn cbor_limits(limits: &Limits, max_bytes: usize) -> pouch_cbor::Limits {
    pouch_cbor::Limits {
        max_bytes,
        max_depth: limits.max_depth,
        max_items: max_bytes,
    }
}

/// Decodes the body protected header (its bytes as carried in the envelope).
pub(crate) fn decode_body(bytes: &[u8], limits: &Limits) -> Result<EnvelopeHeader, Fault> {
    let what = "body protected header";
    if bytes.len() > limits.max_body_header_bytes {
        return Err(Fault::new(
            pouch_status::ENVELOPE_LIMIT_EXCEEDED,
            format!(
                "{what}: {} bytes, limit {}",
                bytes.len(),
                limits.max_body_header_bytes
            ),
        ));
    }
    let mut r = Reader::new(bytes, &cbor_limits(limits, limits.max_body_header_bytes))
        .map_err(|e| cbor_fault(&e, what))?;
    let n = map_len(&mut r, limits, what)?;
    let (mut crit_ok, mut ctype, mut hash_alg, mut pre_ctype, mut location, mut pouch) =
        (false, None, None, None, None, None);
    // `crit` is read first whatever else is present: an unknown critical parameter must be
    // reported as such, not as an unknown parameter.
    for _ in 0..n {
        let k = key(&mut r, what)?;
        let m = |s: String| malformed(s);
        match k {
            Key::Int(2) => {
                crit_ok = crit(
                    &mut r,
                    &[
                        H_PAYLOAD_HASH_ALG as i64,
                        H_PREIMAGE_CONTENT_TYPE as i64,
                        H_PAYLOAD_LOCATION as i64,
                    ],
                    what,
                )?
            }
            Key::Int(3) => ctype = Some(content_type(&mut r, "content type").map_err(m)?),
            Key::Int(258) => {
                let id = r
                    .i64()
                    .map_err(|e| malformed(format!("payload_hash_alg: {e}")))?;
                hash_alg = Some(DigestAlgorithm::from_cose_id(id).ok_or_else(|| {
                    malformed(format!("payload_hash_alg {id} is not a registered digest"))
                })?);
            }
            Key::Int(259) => {
                pre_ctype = Some(content_type(&mut r, "preimage_content_type").map_err(m)?)
            }
            Key::Int(260) => {
                location = Some(
                    r.text()
                        .map_err(|e| malformed(format!("payload_location: {e}")))?
                        .to_owned(),
                )
            }
            Key::Text(POUCH_PARAM) => pouch = Some(envelope_fields(&mut r, limits)?),
            other => skip_private_use(&mut r, other, what).map_err(malformed)?,
        }
    }
    if !crit_ok {
        return Err(malformed(format!("{what}: crit must list \"pouch\"")));
    }
    let (version, id, created, label, encryption) =
        pouch.ok_or_else(|| malformed(format!("{what}: no \"pouch\" envelope header")))?;
    let content = match (hash_alg, ctype) {
        (None, ctype) if pre_ctype.is_none() && location.is_none() => Content::Embedded {
            content_type: ctype,
        },
        (Some(digest), None) => Content::Detached {
            digest,
            content_type: pre_ctype,
            location,
        },
        _ => {
            return Err(malformed(format!(
                "{what}: content type (3) and the hash-envelope parameters (258-260) exclude each other, and 259/260 need 258"
            )));
        }
    };
    Ok(EnvelopeHeader {
        version,
        id,
        created,
        label,
        content,
        encryption,
    })
}

type EnvelopeFields = (u64, [u8; 16], DateTime, Label, Option<Encryption>);

fn envelope_fields(r: &mut Reader<'_>, limits: &Limits) -> Result<EnvelopeFields, Fault> {
    let what = "envelope header";
    let n = map_len(r, limits, what)?;
    let (mut version, mut id, mut created, mut label, mut encryption) =
        (None, None, None, None, None);
    for _ in 0..n {
        match key(r, what)? {
            Key::Int(1) => {
                let v = r
                    .u64()
                    .map_err(|e| malformed(format!("format version: {e}")))?;
                if v != FORMAT_VERSION {
                    return Err(Fault::new(
                        pouch_status::ENVELOPE_VERSION_UNSUPPORTED,
                        format!("format version {v}; this verifier implements {FORMAT_VERSION}"),
                    ));
                }
                version = Some(v);
            }
            Key::Int(2) => {
                let b = r
                    .bytes()
                    .map_err(|e| malformed(format!("envelope identifier: {e}")))?;
                id = Some(<[u8; 16]>::try_from(b).map_err(|_| {
                    malformed(format!("envelope identifier has {} bytes, not 16", b.len()))
                })?);
            }
            Key::Int(3) => created = Some(time(r, "creation time").map_err(malformed)?),
            Key::Int(4) => {
                // The header was checked whole; the label is not checked a second time.
                let item = r
                    .item_reader()
                    .map_err(|e| malformed(format!("originator label: {e}")))?;
                label = Some(
                    Label::from_cbor_item(item, &limits.label)
                        .map_err(|e| malformed(format!("originator label: {e}")))?,
                );
            }
            Key::Int(5) => encryption = Some(encryption_fields(r, limits)?),
            other => return Err(malformed(format!("{what}: unknown field {other}"))),
        }
    }
    Ok((
        version.ok_or_else(|| malformed("envelope header: no format version"))?,
        id.ok_or_else(|| malformed("envelope header: no envelope identifier"))?,
        created.ok_or_else(|| malformed("envelope header: no creation time"))?,
        label.ok_or_else(|| malformed("envelope header: no originator label"))?,
        encryption,
    ))
}

/// Decodes a seal's protected header. Faults are the seal's, reported against it alone.
pub(crate) fn decode_seal(bytes: &[u8], limits: &Limits) -> Result<SealHeader, Fault> {
    let what = "seal protected header";
    let bad = |d: String| Fault::new(pouch_status::SEAL_HEADER_MALFORMED, d);
    if bytes.len() > limits.max_seal_header_bytes {
        return Err(Fault::new(
            pouch_status::SEAL_HEADER_LIMIT_EXCEEDED,
            format!(
                "{what}: {} bytes, limit {}",
                bytes.len(),
                limits.max_seal_header_bytes
            ),
        ));
    }
    // A seal header that is not well-formed is that seal's fault (POUCH-ENV-030).
    let mut r = Reader::new(bytes, &cbor_limits(limits, limits.max_seal_header_bytes))
        .map_err(|e| retag(cbor_fault(&e, what)))?;
    let n = map_len(&mut r, limits, what).map_err(retag)?;
    let (mut alg, mut crit_ok, mut chain, mut fields) = (None, false, None, None);
    for _ in 0..n {
        match key(&mut r, what).map_err(retag)? {
            Key::Int(1) => alg = Some(r.i64().map_err(|e| bad(format!("alg: {e}")))?),
            Key::Int(2) => {
                crit_ok = crit(&mut r, &[], what).map_err(|f| {
                    if f.code == pouch_status::ENVELOPE_UNKNOWN_CRITICAL_HEADER {
                        Fault::new(pouch_status::SEAL_UNKNOWN_CRITICAL_HEADER, f.detail)
                    } else {
                        retag(f)
                    }
                })?
            }
            Key::Int(33) => chain = Some(x5chain(&mut r, limits)?),
            Key::Text(POUCH_PARAM) => fields = Some(seal_fields(&mut r, limits).map_err(bad)?),
            other => skip_private_use(&mut r, other, what).map_err(bad)?,
        }
    }
    if !crit_ok {
        return Err(bad(format!("{what}: crit must list \"pouch\"")));
    }
    let (signing_time, role, alternative_label, release) =
        fields.ok_or_else(|| bad(format!("{what}: no \"pouch\" seal header")))?;
    Ok(SealHeader {
        alg: alg.ok_or_else(|| bad(format!("{what}: no alg")))?,
        chain: chain.ok_or_else(|| bad(format!("{what}: no x5chain")))?,
        signing_time,
        role,
        alternative_label,
        release,
    })
}

/// Every fault found inside a seal's protected header is that seal's own: the envelope code
/// of its kind becomes the seal code of the same kind (POUCH-ENV-101). The envelope's codes
/// are for faults outside any one seal, which end verification.
fn retag(f: Fault) -> Fault {
    let code = match f.code {
        c if c == pouch_status::ENVELOPE_NOT_DETERMINISTIC => {
            pouch_status::SEAL_HEADER_NOT_DETERMINISTIC
        }
        c if c == pouch_status::ENVELOPE_DUPLICATE_KEY => pouch_status::SEAL_HEADER_DUPLICATE_KEY,
        c if c == pouch_status::ENVELOPE_LIMIT_EXCEEDED => pouch_status::SEAL_HEADER_LIMIT_EXCEEDED,
        _ => pouch_status::SEAL_HEADER_MALFORMED,
    };
    Fault::new(code, f.detail)
}

fn x5chain(r: &mut Reader<'_>, limits: &Limits) -> Result<Vec<Vec<u8>>, Fault> {
    let bad = |d: String| Fault::new(pouch_status::SEAL_HEADER_MALFORMED, d);
    let over = |d: String| Fault::new(pouch_status::SEAL_HEADER_LIMIT_EXCEEDED, d);
    let cert = |r: &mut Reader<'_>| -> Result<Vec<u8>, Fault> {
        let b = r.bytes().map_err(|e| bad(format!("x5chain: {e}")))?;
        if b.len() > limits.max_certificate_bytes {
            return Err(over(format!(
                "x5chain: a certificate of {} bytes exceeds the limit of {}",
                b.len(),
                limits.max_certificate_bytes
            )));
        }
        Ok(b.to_vec())
    };
    match r.peek_kind() {
        Some(Kind::Bytes) => Ok(vec![cert(r)?]),
        Some(Kind::Array) => {
            let n = r.array().map_err(|e| bad(format!("x5chain: {e}")))?;
            if n < 2 {
                return Err(bad(
                    "x5chain: an array must hold at least two certificates (RFC 9360)".into(),
                ));
            }
            if n > limits.max_chain_len as u64 {
                return Err(over(format!(
                    "x5chain: {n} certificates, limit {}",
                    limits.max_chain_len
                )));
            }
            (0..n).map(|_| cert(r)).collect()
        }
        _ => Err(bad(
            "x5chain: expected a certificate or an array of certificates".into(),
        )),
    }
}

type SealFields = (DateTime, Role, Option<Label>, Option<ReleaseApproval>);

fn seal_fields(r: &mut Reader<'_>, limits: &Limits) -> Result<SealFields, String> {
    if r.peek_kind() != Some(Kind::Map) {
        return Err("seal header: expected a map".into());
    }
    let n = r.map().map_err(|e| format!("seal header: {e}"))?;
    let (mut t, mut role, mut alt, mut rel) = (None, None, None, None);
    for _ in 0..n {
        let k = r
            .u64()
            .map_err(|_| "seal header: keys are unsigned integers".to_owned())?;
        match k {
            1 => t = Some(time(r, "signing time")?),
            2 => {
                let c = r.u64().map_err(|e| format!("role: {e}"))?;
                role = Some(Role::from_code(c).ok_or_else(|| format!("role {c} is not defined"))?);
            }
            3 => {
                let item = r
                    .item_reader()
                    .map_err(|e| format!("alternative label: {e}"))?;
                alt = Some(
                    Label::from_cbor_item(item, &limits.label)
                        .map_err(|e| format!("alternative label: {e}"))?,
                );
            }
            4 => rel = Some(release(r)?),
            other => return Err(format!("seal header: unknown field {other}")),
        }
    }
    Ok((
        t.ok_or("seal header: no signing time")?,
        role.ok_or("seal header: no role")?,
        alt,
        rel,
    ))
}

fn release(r: &mut Reader<'_>) -> Result<ReleaseApproval, String> {
    let what = "release approval";
    let n = r.map().map_err(|e| format!("{what}: {e}"))?;
    let (mut recipients, mut note) = (None, None);
    for _ in 0..n {
        match r.u64().map_err(|e| format!("{what}: {e}"))? {
            1 => {
                let count = r.array().map_err(|e| format!("{what}: recipients: {e}"))?;
                if count == 0 {
                    return Err(format!("{what}: no recipient"));
                }
                let mut v = Vec::new();
                for _ in 0..count {
                    v.push(
                        r.text()
                            .map_err(|e| format!("{what}: recipient: {e}"))?
                            .to_owned(),
                    );
                }
                recipients = Some(v);
            }
            2 => {
                note = Some(
                    r.text()
                        .map_err(|e| format!("{what}: note: {e}"))?
                        .to_owned(),
                )
            }
            other => return Err(format!("{what}: unknown field {other}")),
        }
    }
    Ok(ReleaseApproval {
        recipients: recipients.ok_or(format!("{what}: no recipients"))?,
        note,
    })
}

/// The most nations field 4 may list: one per recipient at most (POUCH-ENC-033).
const MAX_FORCED: u64 = 32;

/// Decodes the encryption header (POUCH-ENC-010, POUCH-ENC-012).
fn encryption_fields(r: &mut Reader<'_>, limits: &Limits) -> Result<Encryption, Fault> {
    let what = "encryption header";
    let n = map_len(r, limits, what)?;
    let (mut alg, mut chunk, mut commitment, mut forced) = (None, None, None, None);
    for _ in 0..n {
        match key(r, what)? {
            Key::Int(1) => {
                let a = r
                    .i64()
                    .map_err(|e| malformed(format!("{what}: content algorithm: {e}")))?;
                if a != CONTENT_ALG_A256GCM_STREAM {
                    return Err(malformed(format!(
                        "{what}: content algorithm {a} is not POUCH-A256GCM-STREAM ({CONTENT_ALG_A256GCM_STREAM})"
                    )));
                }
                alg = Some(a);
            }
            Key::Int(2) => {
                let c = r
                    .u64()
                    .map_err(|e| malformed(format!("{what}: chunk size: {e}")))?;
                if !(u64::from(MIN_CHUNK_SIZE)..=u64::from(MAX_CHUNK_SIZE)).contains(&c) {
                    return Err(malformed(format!(
                        "{what}: chunk size {c} outside {MIN_CHUNK_SIZE}..={MAX_CHUNK_SIZE}"
                    )));
                }
                chunk = u32::try_from(c).ok();
            }
            Key::Int(3) => {
                let b = r
                    .bytes()
                    .map_err(|e| malformed(format!("{what}: key commitment: {e}")))?;
                commitment = Some(<[u8; 32]>::try_from(b).map_err(|_| {
                    malformed(format!(
                        "{what}: key commitment has {} bytes, not 32",
                        b.len()
                    ))
                })?);
            }
            Key::Int(4) => {
                if r.peek_kind() != Some(Kind::Array) {
                    return Err(malformed(format!("{what}: forced must be an array")));
                }
                let k = r
                    .array()
                    .map_err(|e| malformed(format!("{what}: forced: {e}")))?;
                if k == 0 || k > MAX_FORCED {
                    return Err(malformed(format!(
                        "{what}: forced lists {k} nations; 1..={MAX_FORCED} allowed"
                    )));
                }
                let mut list: Vec<String> = Vec::new();
                for _ in 0..k {
                    let t = r
                        .text()
                        .map_err(|e| malformed(format!("{what}: forced: {e}")))?;
                    if t.len() != 3 || !t.bytes().all(|b| b.is_ascii_uppercase()) {
                        return Err(malformed(format!(
                            "{what}: forced nation {t:?} is not an alpha-3 code"
                        )));
                    }
                    if list.last().is_some_and(|p| p.as_str() >= t) {
                        return Err(malformed(format!(
                            "{what}: forced nations must be sorted and unique"
                        )));
                    }
                    list.push(t.to_owned());
                }
                forced = Some(list);
            }
            other => return Err(malformed(format!("{what}: unknown field {other}"))),
        }
    }
    alg.ok_or_else(|| malformed(format!("{what}: no content algorithm")))?;
    Ok(Encryption {
        chunk_size: chunk.ok_or_else(|| malformed(format!("{what}: no chunk size")))?,
        commitment: commitment.ok_or_else(|| malformed(format!("{what}: no key commitment")))?,
        forced: forced.unwrap_or_default(),
    })
}

impl EnvelopeHeader {
    /// The body protected header bytes this header encodes to (deterministic).
    pub fn to_protected_bytes(&self) -> Vec<u8> {
        encode_body(self)
    }
}

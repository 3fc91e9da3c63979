//! The normative CBOR form of a label (spec/pouch.cddl `label`, spec/02-label.md §4).
//!
//! Decoding first runs the strict deterministic checker over the whole input, so every length
//! the reader sees has been proven to fit the input; the typed pass then maps each key.

use pouch_cbor::{Encoder, Kind, Reader};

use crate::Limits;
use crate::error::{Error, ErrorKind};
use crate::model::{
    BitString, Category, CategoryType, CategoryValue, ConfidentialityInformation, IdType, Label,
    OriginatorId, SuccessionHandling, SuccessorLabel, Text, Token, XmlId,
};
use crate::time::DateTime;

/// CBOR tag 0: a standard date/time string (RFC 8949 §3.4.1).
const TAG_DATE_TIME: u64 = 0;

// Keys of `label` and `successor-label`.
const K_INFO: u64 = 1;
const K_ORIGINATOR: u64 = 2;
const K_CREATED: u64 = 3;
const K_SUCCESSION: u64 = 4;
const K_REVIEW: u64 = 5;
const K_ID: u64 = 6;
// Keys of `confidentiality-information`.
const K_POLICY: u64 = 1;
const K_POLICY_URI: u64 = 2;
const K_CLASS: u64 = 3;
const K_CLASS_URI: u64 = 4;
const K_PRIVACY: u64 = 5;
const K_CATEGORIES: u64 = 6;
// Keys of `category`.
const K_TAG_NAME: u64 = 1;
const K_TYPE: u64 = 2;
const K_URI: u64 = 3;
const K_VALUES: u64 = 4;
// Keys of `originator-id` and `succession-handling`.
const K_ID_TYPE: u64 = 1;
const K_ID_VALUE: u64 = 2;
const K_SUCCESSION_TIME: u64 = 1;
const K_SUCCESSOR: u64 = 2;

// ---------------------------------------------------------------- encode
//
// Every map here has small unsigned keys written in increasing order: for such keys numeric
// order is the bytewise order of their encodings, so the output is deterministic as written.

pub(crate) fn encode(label: &Label) -> Vec<u8> {
    let mut e = Encoder::new();
    encode_base(
        &mut e,
        &label.confidentiality,
        label.originator_id.as_ref(),
        &label.creation_date_time,
        label.succession_handling.as_ref(),
        label.review_date_time.as_ref(),
        label.id.as_ref(),
    );
    e.into_bytes()
}

fn count<T>(o: Option<T>) -> u64 {
    u64::from(o.is_some())
}

fn encode_time(e: &mut Encoder, t: &DateTime) {
    e.tag(TAG_DATE_TIME);
    e.text(&t.to_string());
}

fn encode_base(
    e: &mut Encoder,
    info: &ConfidentialityInformation,
    originator: Option<&OriginatorId>,
    created: &DateTime,
    succession: Option<&SuccessionHandling>,
    review: Option<&DateTime>,
    id: Option<&XmlId>,
) {
    e.map(2 + count(originator) + count(succession) + count(review) + count(id));
    e.u64(K_INFO);
    encode_info(e, info);
    if let Some(o) = originator {
        e.u64(K_ORIGINATOR);
        e.map(2);
        e.u64(K_ID_TYPE);
        e.u64(o.id_type.code());
        e.u64(K_ID_VALUE);
        e.text(o.value.as_str());
    }
    e.u64(K_CREATED);
    encode_time(e, created);
    if let Some(s) = succession {
        e.u64(K_SUCCESSION);
        e.map(2);
        e.u64(K_SUCCESSION_TIME);
        encode_time(e, &s.succession_date_time);
        e.u64(K_SUCCESSOR);
        let n = &s.successor;
        encode_base(
            e,
            &n.confidentiality,
            n.originator_id.as_ref(),
            &n.creation_date_time,
            n.succession_handling.as_ref(),
            None,
            None,
        );
    }
    if let Some(r) = review {
        e.u64(K_REVIEW);
        encode_time(e, r);
    }
    if let Some(id) = id {
        e.u64(K_ID);
        e.text(id.as_str());
    }
}

fn encode_info(e: &mut Encoder, info: &ConfidentialityInformation) {
    let has_categories = !info.categories.is_empty();
    e.map(
        2 + count(info.policy_identifier_uri.as_ref())
            + count(info.classification_uri.as_ref())
            + count(info.privacy_mark.as_ref())
            + u64::from(has_categories),
    );
    e.u64(K_POLICY);
    e.text(info.policy_identifier.as_str());
    if let Some(u) = &info.policy_identifier_uri {
        e.u64(K_POLICY_URI);
        e.text(u.as_str());
    }
    e.u64(K_CLASS);
    e.text(info.classification.as_str());
    if let Some(u) = &info.classification_uri {
        e.u64(K_CLASS_URI);
        e.text(u.as_str());
    }
    if let Some(p) = &info.privacy_mark {
        e.u64(K_PRIVACY);
        e.text(p.as_str());
    }
    if has_categories {
        e.u64(K_CATEGORIES);
        e.array(info.categories.len() as u64);
        for c in &info.categories {
            encode_category(e, c);
        }
    }
}

fn encode_category(e: &mut Encoder, c: &Category) {
    let has_values = !c.values.is_empty();
    e.map(2 + count(c.uri.as_ref()) + u64::from(has_values));
    e.u64(K_TAG_NAME);
    e.text(c.tag_name.as_str());
    e.u64(K_TYPE);
    e.u64(c.category_type.code());
    if let Some(u) = &c.uri {
        e.u64(K_URI);
        e.text(u.as_str());
    }
    if has_values {
        e.u64(K_VALUES);
        e.array(c.values.len() as u64);
        for v in &c.values {
            match v {
                CategoryValue::Generic(t) => e.text(t.as_str()),
                CategoryValue::Integer(i) => e.u64(*i),
                CategoryValue::BitString(b) => e.bytes(&bits_to_bytes(b)),
            };
        }
    }
}

/// A bit string as a byte string: the count of unused bits in the last byte (0..=7), then the
/// bits packed most significant first, unused bits zero (the DER BIT STRING contents).
fn bits_to_bytes(b: &BitString) -> Vec<u8> {
    let bits = b.as_str().as_bytes();
    let unused = (8 - bits.len() % 8) % 8;
    let mut out = Vec::with_capacity(1 + bits.len().div_ceil(8));
    out.push(unused as u8);
    for chunk in bits.chunks(8) {
        let mut byte = 0u8;
        for (i, &bit) in chunk.iter().enumerate() {
            if bit == b'1' {
                byte |= 0x80 >> i;
            }
        }
        out.push(byte);
    }
    out
}

fn bytes_to_bits(raw: &[u8]) -> Result<BitString, &'static str> {
    let (&unused, packed) = raw.split_first().ok_or("empty byte string")?;
    if unused > 7 {
        return Err("unused-bit count above 7");
    }
    let Some(&last) = packed.last() else {
        return Err("no bits");
    };
    if last & ((1u8 << unused) - 1) != 0 {
        return Err("unused bits are not zero");
    }
    let n = packed.len() * 8 - usize::from(unused);
    let mut s = String::with_capacity(n);
    for i in 0..n {
        let byte = packed.get(i / 8).copied().unwrap_or(0);
        s.push(if byte & (0x80 >> (i % 8)) != 0 {
            '1'
        } else {
            '0'
        });
    }
    BitString::new(s).map_err(|_| "no bits")
}

// ---------------------------------------------------------------- decode
/// Where the decoder stands, built lazily: a chain of borrowed segments on the stack, turned
/// into the JSON-member path of an error (`/confidentialityInformation/categories/1`) only
/// when there is an error, so decoding a good label allocates no path strings.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Name(&'a Path<'a>, &'static str),
    Index(&'a Path<'a>, u64),
}

impl<'a> Path<'a> {
    const ROOT: Path<'static> = Path::Root;

    fn join(&'a self, name: &'static str) -> Path<'a> {
        Path::Name(self, name)
    }

    fn at(&'a self, i: u64) -> Path<'a> {
        Path::Index(self, i)
    }

    fn push(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Name(p, n) => {
                p.push(out);
                out.push('/');
                out.push_str(n);
            }
            Path::Index(p, i) => {
                p.push(out);
                out.push('/');
                out.push_str(&i.to_string());
            }
        }
    }

    fn render(&self) -> String {
        let mut s = String::new();
        self.push(&mut s);
        if s.is_empty() { "/".to_owned() } else { s }
    }
}

pub(crate) fn decode(bytes: &[u8], limits: &Limits) -> Result<Label, Error> {
    pouch_status::TooLarge::check(bytes.len(), limits.max_bytes)
        .map_err(|e| Error::new(ErrorKind::TooLarge(e), "/", None))?;
    let cbor_limits = pouch_cbor::Limits {
        max_bytes: limits.max_bytes,
        // label > info > categories > category > values (five containers), and two more
        // (succession, successor) per succession level.
        max_depth: 5 + 2 * limits.max_succession_depth,
        max_items: limits.max_bytes,
    };
    let reader = Reader::new(bytes, &cbor_limits).map_err(|e| cbor_error(&e, &Path::ROOT))?;
    decode_checked(reader, limits)
}

/// Decodes a label from a reader over input already checked as part of an enclosing item
/// (an envelope header): the strict check is not run a second time, the size limit is.
/// The decoder never skips, so its own structure bounds the depth it reaches.
pub(crate) fn decode_item(reader: Reader<'_>, limits: &Limits) -> Result<Label, Error> {
    pouch_status::TooLarge::check(reader.input_len(), limits.max_bytes)
        .map_err(|e| Error::new(ErrorKind::TooLarge(e), "/", None))?;
    decode_checked(reader, limits)
}

fn decode_checked(reader: Reader<'_>, limits: &Limits) -> Result<Label, Error> {
    let mut d = Decoder { r: reader, limits };
    let base = d.base(&Path::ROOT, 0, true)?;
    Ok(Label {
        confidentiality: base.info,
        originator_id: base.originator,
        creation_date_time: base.created,
        succession_handling: base.succession,
        review_date_time: base.review,
        id: base.id,
    })
}

fn cbor_error(e: &pouch_cbor::Error, path: &Path<'_>) -> Error {
    Error::new(
        ErrorKind::Cbor(e.kind().clone()),
        path.render(),
        Some(e.position() as u64),
    )
}

struct Base {
    info: ConfidentialityInformation,
    originator: Option<OriginatorId>,
    created: DateTime,
    succession: Option<SuccessionHandling>,
    review: Option<DateTime>,
    id: Option<XmlId>,
}

struct Decoder<'a, 'l> {
    r: Reader<'a>,
    limits: &'l Limits,
}

impl Decoder<'_, '_> {
    fn err(&self, kind: ErrorKind, path: &Path<'_>) -> Error {
        Error::new(kind, path.render(), Some(self.r.position() as u64))
    }

    /// A required member absent from the map at `path`: reported at the member's own path,
    /// as the XML decoder reports a missing element (spec/02-label.md POUCH-LBL-044).
    fn missing(&self, member: &'static str, path: &Path<'_>) -> Error {
        self.err(ErrorKind::Missing(member), &path.join(member))
    }

    fn expect_kind(&self, want: Kind, what: &'static str, path: &Path<'_>) -> Result<(), Error> {
        if self.r.peek_kind() == Some(want) {
            Ok(())
        } else {
            Err(self.err(ErrorKind::WrongType(what), path))
        }
    }

    fn map(&mut self, path: &Path<'_>) -> Result<u64, Error> {
        self.expect_kind(Kind::Map, "a map", path)?;
        self.r.map().map_err(|e| cbor_error(&e, path))
    }

    fn array(&mut self, path: &Path<'_>, what: &'static str, limit: usize) -> Result<u64, Error> {
        self.expect_kind(Kind::Array, "an array", path)?;
        let n = self.r.array().map_err(|e| cbor_error(&e, path))?;
        if n == 0 {
            return Err(self.err(ErrorKind::EmptyCollection, path));
        }
        if n > limit as u64 {
            return Err(self.err(ErrorKind::LimitExceeded { what, limit }, path));
        }
        Ok(n)
    }

    fn key(&mut self, path: &Path<'_>) -> Result<u64, Error> {
        self.expect_kind(Kind::Unsigned, "an unsigned integer map key", path)?;
        self.r.u64().map_err(|e| cbor_error(&e, path))
    }

    fn uint(&mut self, path: &Path<'_>) -> Result<u64, Error> {
        self.expect_kind(Kind::Unsigned, "an unsigned integer", path)?;
        self.r.u64().map_err(|e| cbor_error(&e, path))
    }

    fn text(&mut self, path: &Path<'_>) -> Result<&str, Error> {
        self.expect_kind(Kind::Text, "a text string", path)?;
        let max = self.limits.max_string_bytes;
        let pos = self.r.position() as u64;
        let s = self.r.text().map_err(|e| cbor_error(&e, path))?;
        if s.len() > max {
            return Err(Error::new(
                ErrorKind::LimitExceeded {
                    what: "bytes in a string",
                    limit: max,
                },
                path.render(),
                Some(pos),
            ));
        }
        Ok(s)
    }

    fn token(&mut self, path: &Path<'_>) -> Result<Token, Error> {
        let pos = self.r.position() as u64;
        let s = self.text(path)?;
        Token::new(s).map_err(|e| Error::new(ErrorKind::String(e), path.render(), Some(pos)))
    }

    fn plain_text(&mut self, path: &Path<'_>) -> Result<Text, Error> {
        let pos = self.r.position() as u64;
        let s = self.text(path)?;
        Text::new(s).map_err(|e| Error::new(ErrorKind::String(e), path.render(), Some(pos)))
    }

    fn time(&mut self, path: &Path<'_>) -> Result<DateTime, Error> {
        self.expect_kind(Kind::Tag, "a tag-0 date/time string", path)?;
        let tag = self.r.tag().map_err(|e| cbor_error(&e, path))?;
        if tag != TAG_DATE_TIME {
            return Err(self.err(ErrorKind::WrongType("a tag-0 date/time string"), path));
        }
        let pos = self.r.position() as u64;
        let s = self.text(path)?;
        DateTime::parse_canonical(s)
            .map_err(|e| Error::new(ErrorKind::Time(e), path.render(), Some(pos)))
    }

    fn unknown(&self, key: u64, path: &Path<'_>) -> Error {
        self.err(ErrorKind::Unknown(format!("key {key}")), path)
    }

    /// A `label` (`top`) or a `successor-label` at succession depth `depth`.
    fn base(&mut self, path: &Path<'_>, depth: usize, top: bool) -> Result<Base, Error> {
        let n = self.map(path)?;
        let (mut info, mut originator, mut created, mut succession, mut review, mut id) =
            (None, None, None, None, None, None);
        for _ in 0..n {
            let key = self.key(path)?;
            match key {
                K_INFO => info = Some(self.info(&path.join("confidentialityInformation"))?),
                K_ORIGINATOR => originator = Some(self.originator(&path.join("originatorId"))?),
                K_CREATED => created = Some(self.time(&path.join("creationDateTime"))?),
                K_SUCCESSION => {
                    let p = path.join("successionHandling");
                    if depth >= self.limits.max_succession_depth {
                        let limit = self.limits.max_succession_depth;
                        return Err(self.err(
                            ErrorKind::LimitExceeded {
                                what: "succession levels",
                                limit,
                            },
                            &p,
                        ));
                    }
                    succession = Some(self.succession(&p, depth + 1)?);
                }
                K_REVIEW if top => review = Some(self.time(&path.join("reviewDateTime"))?),
                K_ID if top => {
                    let p = path.join("id");
                    let pos = self.r.position() as u64;
                    let s = self.text(&p)?;
                    id =
                        Some(XmlId::new(s).map_err(|e| {
                            Error::new(ErrorKind::String(e), p.render(), Some(pos))
                        })?);
                }
                other => return Err(self.unknown(other, path)),
            }
        }
        let info = info.ok_or_else(|| self.missing("confidentialityInformation", path))?;
        let created = created.ok_or_else(|| self.missing("creationDateTime", path))?;
        Ok(Base {
            info,
            originator,
            created,
            succession,
            review,
            id,
        })
    }

    fn originator(&mut self, path: &Path<'_>) -> Result<OriginatorId, Error> {
        let n = self.map(path)?;
        let (mut id_type, mut value) = (None, None);
        for _ in 0..n {
            match self.key(path)? {
                K_ID_TYPE => {
                    let p = path.join("idType");
                    let code = self.uint(&p)?;
                    id_type = Some(
                        IdType::from_code(code)
                            .ok_or_else(|| self.err(ErrorKind::IdType(code.to_string()), &p))?,
                    );
                }
                K_ID_VALUE => value = Some(self.plain_text(&path.join("value"))?),
                other => return Err(self.unknown(other, path)),
            }
        }
        Ok(OriginatorId {
            id_type: id_type.ok_or_else(|| self.missing("idType", path))?,
            value: value.ok_or_else(|| self.missing("value", path))?,
        })
    }

    fn succession(&mut self, path: &Path<'_>, depth: usize) -> Result<SuccessionHandling, Error> {
        let n = self.map(path)?;
        let (mut at, mut successor) = (None, None);
        for _ in 0..n {
            match self.key(path)? {
                K_SUCCESSION_TIME => at = Some(self.time(&path.join("successionDateTime"))?),
                K_SUCCESSOR => {
                    let b = self.base(&path.join("successor"), depth, false)?;
                    successor = Some(SuccessorLabel {
                        confidentiality: b.info,
                        originator_id: b.originator,
                        creation_date_time: b.created,
                        succession_handling: b.succession,
                    });
                }
                other => return Err(self.unknown(other, path)),
            }
        }
        Ok(SuccessionHandling {
            succession_date_time: at.ok_or_else(|| self.missing("successionDateTime", path))?,
            successor: Box::new(successor.ok_or_else(|| self.missing("successor", path))?),
        })
    }

    fn info(&mut self, path: &Path<'_>) -> Result<ConfidentialityInformation, Error> {
        let n = self.map(path)?;
        let (mut policy, mut policy_uri, mut class, mut class_uri, mut privacy) =
            (None, None, None, None, None);
        let mut categories = Vec::new();
        for _ in 0..n {
            match self.key(path)? {
                K_POLICY => policy = Some(self.token(&path.join("policyIdentifier"))?),
                K_POLICY_URI => policy_uri = Some(self.token(&path.join("policyIdentifierUri"))?),
                K_CLASS => class = Some(self.token(&path.join("classification"))?),
                K_CLASS_URI => class_uri = Some(self.token(&path.join("classificationUri"))?),
                K_PRIVACY => privacy = Some(self.plain_text(&path.join("privacyMark"))?),
                K_CATEGORIES => {
                    let p = path.join("categories");
                    let count = self.array(&p, "categories", self.limits.max_categories)?;
                    for i in 0..count {
                        categories.push(self.category(&p.at(i))?);
                    }
                }
                other => return Err(self.unknown(other, path)),
            }
        }
        let mut info = ConfidentialityInformation::new(
            policy.ok_or_else(|| self.missing("policyIdentifier", path))?,
            class.ok_or_else(|| self.missing("classification", path))?,
        );
        info.policy_identifier_uri = policy_uri;
        info.classification_uri = class_uri;
        info.privacy_mark = privacy;
        info.categories = categories;
        Ok(info)
    }

    fn category(&mut self, path: &Path<'_>) -> Result<Category, Error> {
        let n = self.map(path)?;
        let (mut tag_name, mut category_type, mut uri) = (None, None, None);
        let mut values = Vec::new();
        for _ in 0..n {
            match self.key(path)? {
                K_TAG_NAME => tag_name = Some(self.plain_text(&path.join("tagName"))?),
                K_TYPE => {
                    let p = path.join("type");
                    let code = self.uint(&p)?;
                    category_type =
                        Some(CategoryType::from_code(code).ok_or_else(|| {
                            self.err(ErrorKind::CategoryType(code.to_string()), &p)
                        })?);
                }
                K_URI => uri = Some(self.token(&path.join("uri"))?),
                K_VALUES => {
                    let p = path.join("values");
                    let count = self.array(&p, "category values", self.limits.max_values)?;
                    for i in 0..count {
                        values.push(self.value(&p.at(i))?);
                    }
                }
                other => return Err(self.unknown(other, path)),
            }
        }
        Ok(Category {
            tag_name: tag_name.ok_or_else(|| self.missing("tagName", path))?,
            category_type: category_type.ok_or_else(|| self.missing("type", path))?,
            uri,
            values,
        })
    }

    fn value(&mut self, path: &Path<'_>) -> Result<CategoryValue, Error> {
        match self.r.peek_kind() {
            Some(Kind::Text) => Ok(CategoryValue::Generic(self.plain_text(path)?)),
            Some(Kind::Unsigned) => Ok(CategoryValue::Integer(self.uint(path)?)),
            Some(Kind::Bytes) => {
                let pos = self.r.position() as u64;
                let raw = self.r.bytes().map_err(|e| cbor_error(&e, path))?;
                if raw.len() > self.limits.max_string_bytes {
                    let limit = self.limits.max_string_bytes;
                    return Err(self.err(
                        ErrorKind::LimitExceeded {
                            what: "bytes in a string",
                            limit,
                        },
                        path,
                    ));
                }
                bytes_to_bits(raw)
                    .map(CategoryValue::BitString)
                    .map_err(|why| Error::new(ErrorKind::WrongType(why), path.render(), Some(pos)))
            }
            _ => Err(self.err(
                ErrorKind::WrongType("a text string, unsigned integer or bit-string byte string"),
                path,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn bit_strings_pack_like_der() {
        for (bits, bytes) in [
            ("1", vec![7, 0x80]),
            ("0", vec![7, 0x00]),
            ("10101010", vec![0, 0xaa]),
            ("101010101", vec![7, 0xaa, 0x80]),
            ("0000000000001", vec![3, 0x00, 0x08]),
        ] {
            let b = BitString::new(bits).unwrap();
            assert_eq!(bits_to_bytes(&b), bytes, "{bits}");
            assert_eq!(bytes_to_bits(&bytes).unwrap(), b);
        }
    }

    #[test]
    fn malformed_bit_strings_are_refused() {
        assert!(bytes_to_bits(&[]).is_err());
        assert!(bytes_to_bits(&[0]).is_err());
        assert!(bytes_to_bits(&[8, 0]).is_err());
        assert!(bytes_to_bits(&[7, 0x81]).is_err(), "unused bit set");
    }
}

//! The DER writer: definite minimal lengths, minimal integers, SET OF sorted by encoding,
//! SET components sorted by tag.

use crate::ber::tag;
use crate::model::{FreeFormField, MissiCategories, NamedTagSet, SecurityCategory, SecurityTag};
use crate::{BitString, EssLabel, Oid, PrivacyMark};

/// A TLV with a one-octet identifier.
pub(crate) fn tlv(identifier: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 10);
    out.push(identifier);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let octets = (len as u64).to_be_bytes();
        let skip = octets.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (octets.len() - skip) as u8);
        out.extend_from_slice(&octets[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// SET OF: the elements' encodings sorted as octet strings (X.690 §11.6).
fn set_of(mut elements: Vec<Vec<u8>>) -> Vec<u8> {
    elements.sort();
    tlv(tag::SET, &elements.concat())
}

fn integer(value: u64) -> Vec<u8> {
    let octets = value.to_be_bytes();
    let skip = octets.iter().take_while(|&&b| b == 0).count().min(7);
    let digits = &octets[skip..];
    if digits[0] & 0x80 != 0 {
        tlv(tag::INTEGER, &[&[0u8][..], digits].concat())
    } else {
        tlv(tag::INTEGER, digits)
    }
}

fn oid(oid: &Oid) -> Vec<u8> {
    tlv(tag::OID, oid.content())
}

fn bits(bits: &BitString) -> Vec<u8> {
    tlv(tag::BIT_STRING, &bits.content())
}

fn attributes(list: &[u64]) -> Vec<u8> {
    set_of(list.iter().map(|&v| integer(v)).collect())
}

fn free_form(field: &FreeFormField) -> Vec<u8> {
    match field {
        FreeFormField::BitSet(b) => bits(b),
        FreeFormField::Attributes(list) => attributes(list),
    }
}

/// The label. `check` has passed and `others` holds the re-encoded value of each `Other`
/// category, in order.
pub(crate) fn label(label: &EssLabel, others: &[Vec<u8>]) -> Vec<u8> {
    // DER orders SET components by tag number (X.690 §10.3); for the privacy-mark CHOICE the
    // tag is the chosen alternative's, so a PrintableString (19) follows the categories (17).
    let mut parts: Vec<(u8, Vec<u8>)> = Vec::new();
    if let Some(p) = &label.policy {
        parts.push((tag::OID, oid(p)));
    }
    if let Some(c) = label.classification {
        parts.push((tag::INTEGER, integer(u64::from(c))));
    }
    if let Some(mark) = &label.privacy_mark {
        let part = match mark {
            PrivacyMark::Printable(s) => (tag::PRINTABLE_STRING, s),
            PrivacyMark::Utf8(s) => (tag::UTF8_STRING, s),
        };
        parts.push((part.0, tlv(part.0, part.1.as_bytes())));
    }
    if !label.categories.is_empty() {
        let mut others = others.iter();
        let cats = label
            .categories
            .iter()
            .map(|c| category(c, &mut others))
            .collect();
        parts.push((tag::SET, set_of(cats)));
    }
    // All four are universal-class tags, so the tag number orders them.
    parts.sort_by_key(|(t, _)| t & 0x1f);
    let content: Vec<u8> = parts.into_iter().flat_map(|(_, p)| p).collect();
    tlv(tag::SET, &content)
}

fn category<'o>(cat: &SecurityCategory, others: &mut impl Iterator<Item = &'o Vec<u8>>) -> Vec<u8> {
    let tagged =
        |tag_set: &Oid, field: Vec<u8>| tlv(tag::SEQUENCE, &[oid(tag_set), field].concat());
    let value = match cat {
        SecurityCategory::RestrictiveBitMap {
            tag_set,
            attributes: a,
        }
        | SecurityCategory::PermissiveBitMap {
            tag_set,
            attributes: a,
        } => tagged(tag_set, bits(a)),
        SecurityCategory::EnumeratedPermissive {
            tag_set,
            attributes: a,
        }
        | SecurityCategory::EnumeratedRestrictive {
            tag_set,
            attributes: a,
        } => tagged(tag_set, attributes(a)),
        SecurityCategory::Informative { tag_set, field } => tagged(tag_set, free_form(field)),
        SecurityCategory::Missi(m) => missi(m),
        SecurityCategory::Other { .. } => others.next().cloned().unwrap_or_default(),
    };
    let type_id = tlv(tag::CATEGORY_TYPE, cat.type_id().content());
    tlv(
        tag::SEQUENCE,
        &[type_id, tlv(tag::CATEGORY_VALUE, &value)].concat(),
    )
}

fn missi(m: &MissiCategories) -> Vec<u8> {
    match m {
        MissiCategories::Lrbac { policy, tag_sets } => tlv(
            tag::SEQUENCE,
            &[oid(policy), named_tag_sets(tag_sets)].concat(),
        ),
        MissiCategories::Prbac(tag_sets) => named_tag_sets(tag_sets),
    }
}

fn named_tag_sets(sets: &[NamedTagSet]) -> Vec<u8> {
    set_of(
        sets.iter()
            .map(|s| {
                let tags: Vec<u8> = s.tags.iter().flat_map(security_tag).collect();
                tlv(
                    tag::SEQUENCE,
                    &[oid(&s.name), tlv(tag::SEQUENCE, &tags)].concat(),
                )
            })
            .collect(),
    )
}

fn security_tag(t: &SecurityTag) -> Vec<u8> {
    let with_level = |identifier: u8, level: &Option<u64>, field: Vec<u8>| {
        let level = level.map(integer).unwrap_or_default();
        tlv(identifier, &[level, field].concat())
    };
    match t {
        SecurityTag::RestrictiveBitMap { level, attributes } => {
            with_level(0xa1, level, bits(attributes))
        }
        SecurityTag::Enumerated {
            level,
            attributes: a,
        } => with_level(0xa2, level, attributes(a)),
        SecurityTag::PermissiveBitMap { level, attributes } => {
            with_level(0xa6, level, bits(attributes))
        }
        SecurityTag::FreeForm(field) => tlv(0xa7, &free_form(field)),
    }
}

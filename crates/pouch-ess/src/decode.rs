//! The decoder: BER with definite lengths in, a typed [`EssLabel`] out.

use crate::ber::{Ctx, Items, Tlv, reencode, tag, uint};
use crate::model::{
    FreeFormField, MAX_CATEGORIES, MAX_CLASSIFICATION, MAX_PRINTABLE_MARK, MissiCategories,
    NamedTagSet, SecurityCategory, SecurityTag, is_printable,
};
use crate::{BerDeviation, BitString, Encoding, Error, ErrorKind, EssLabel, Limits, Oid};
use crate::{Decoded, PrivacyMark};

/// Depth of a category's value: label SET, categories SET, SecurityCategory, `[1]`.
const VALUE_DEPTH: usize = 4;

pub(crate) fn decode(input: &[u8], limits: &Limits) -> Result<Decoded, Error> {
    pouch_status::TooLarge::check(input.len(), limits.max_bytes)
        .map_err(|e| Error::at(ErrorKind::TooLarge(e), 0))?;
    let mut ctx = Ctx::new(limits);
    let mut top = Items::new(input);
    let set = top.expect(&mut ctx, tag::SET, "ESSSecurityLabel (SET)")?;
    top.finish("the ESSSecurityLabel")?;
    let label = label(&set, &mut ctx)?;
    let encoding = match ctx.deviation {
        None => Encoding::Der,
        Some((deviation, offset)) => Encoding::Ber { deviation, offset },
    };
    Ok(Decoded { label, encoding })
}

const COMPONENT: &str =
    "a label component: INTEGER, OBJECT IDENTIFIER, UTF8String, SET or PrintableString";

fn label(set: &Tlv<'_>, ctx: &mut Ctx<'_>) -> Result<EssLabel, Error> {
    let mut label = EssLabel::default();
    let mut items = set.items();
    let mut previous: Option<u8> = None;
    let mut seen_categories = false;
    while let Some(t) = items.next(ctx, COMPONENT)? {
        let duplicate = |what| Err(Error::at(ErrorKind::Duplicate(what), t.offset));
        match t.tag {
            tag::OID => {
                if label.policy.is_some() {
                    return duplicate("security-policy-identifier");
                }
                label.policy = Some(Oid::decode(t.content, t.offset)?);
            }
            tag::INTEGER => {
                if label.classification.is_some() {
                    return duplicate("security-classification");
                }
                let max = u64::from(MAX_CLASSIFICATION);
                let value = uint(&t, "security-classification", max)?;
                label.classification = u32::try_from(value).ok();
            }
            tag::PRINTABLE_STRING | tag::UTF8_STRING => {
                if label.privacy_mark.is_some() {
                    return duplicate("privacy-mark");
                }
                label.privacy_mark = Some(privacy_mark(&t, ctx.limits)?);
            }
            tag::SET => {
                if seen_categories {
                    return duplicate("security-categories");
                }
                seen_categories = true;
                label.categories = categories(&t, ctx)?;
            }
            _ => return Err(t.unexpected(COMPONENT)),
        }
        // Distinct universal tags, so DER's order is ascending tag number (X.690 §10.3).
        let number = t.tag & 0x1f;
        if previous.is_some_and(|p| p > number) {
            ctx.note(BerDeviation::SetOrder, t.offset);
        }
        previous = Some(number);
    }
    if previous.is_none() {
        return Err(Error::at(ErrorKind::Empty("ESSSecurityLabel"), set.offset));
    }
    Ok(label)
}

fn privacy_mark(t: &Tlv<'_>, limits: &Limits) -> Result<PrivacyMark, Error> {
    let bad = |reason| {
        Err(Error::at(
            ErrorKind::BadString {
                what: "privacy-mark",
                reason,
            },
            t.offset,
        ))
    };
    if t.content.is_empty() {
        return bad("empty");
    }
    if t.content.len() > limits.max_string_bytes {
        return Err(Error::at(
            ErrorKind::LimitExceeded {
                what: "bytes in the privacy mark",
                limit: limits.max_string_bytes,
            },
            t.offset,
        ));
    }
    let Ok(text) = std::str::from_utf8(t.content) else {
        return bad("not UTF-8");
    };
    if t.tag == tag::UTF8_STRING {
        return Ok(PrivacyMark::Utf8(text.to_owned()));
    }
    if !is_printable(text) {
        return bad("character outside the PrintableString set");
    }
    if text.len() > MAX_PRINTABLE_MARK {
        return bad("longer than 128 characters");
    }
    Ok(PrivacyMark::Printable(text.to_owned()))
}

fn categories(set: &Tlv<'_>, ctx: &mut Ctx<'_>) -> Result<Vec<SecurityCategory>, Error> {
    let element = SetOf {
        tag: tag::SEQUENCE,
        expected: "SecurityCategory (SEQUENCE)",
        what: "security categories",
        limit: ctx.limits.max_categories.min(MAX_CATEGORIES),
    };
    let out = element.read(set, ctx, category)?;
    if out.is_empty() {
        return Err(Error::at(
            ErrorKind::Empty("security-categories"),
            set.offset,
        ));
    }
    Ok(out)
}

/// The elements of a SET OF: each of one tag, at most `limit` of them.
struct SetOf {
    tag: u8,
    /// The element as an error names it when another tag stands in its place.
    expected: &'static str,
    /// What the limit counts, as `LimitExceeded` names it.
    what: &'static str,
    limit: usize,
}

impl SetOf {
    /// Reads each element of `set` with `element`, noting any out of DER order.
    fn read<T>(
        &self,
        set: &Tlv<'_>,
        ctx: &mut Ctx<'_>,
        mut element: impl FnMut(&Tlv<'_>, &mut Ctx<'_>) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let mut out = Vec::new();
        let mut items = set.items();
        let mut previous = None;
        while let Some(t) = items.next(ctx, self.expected)? {
            if out.len() == self.limit {
                return Err(Error::at(
                    ErrorKind::LimitExceeded {
                        what: self.what,
                        limit: self.limit,
                    },
                    t.offset,
                ));
            }
            if t.tag != self.tag {
                return Err(t.unexpected(self.expected));
            }
            set_of_order(ctx, &mut previous, &t);
            out.push(element(&t, ctx)?);
        }
        Ok(out)
    }
}

/// Notes a SET OF element that sorts before its predecessor (X.690 §11.6).
fn set_of_order<'a>(ctx: &mut Ctx<'_>, previous: &mut Option<&'a [u8]>, t: &Tlv<'a>) {
    if previous.is_some_and(|p| p > t.whole) {
        ctx.note(BerDeviation::SetOfOrder, t.offset);
    }
    *previous = Some(t.whole);
}

fn category(seq: &Tlv<'_>, ctx: &mut Ctx<'_>) -> Result<SecurityCategory, Error> {
    let mut items = seq.items();
    let type_id = items.expect(
        ctx,
        tag::CATEGORY_TYPE,
        "type ([0] IMPLICIT OBJECT IDENTIFIER)",
    )?;
    let type_id = Oid::decode(type_id.content, type_id.offset)?;
    let wrapper = items.expect(ctx, tag::CATEGORY_VALUE, "value ([1] EXPLICIT)")?;
    items.finish("the SecurityCategory value")?;
    let mut inner = wrapper.items();
    let value = inner.take(ctx, "the category value")?;
    inner.finish("the category value")?;
    let tag_set = |ctx: &mut Ctx<'_>, what| -> Result<(Oid, Items<'_>), Error> {
        if value.tag != tag::SEQUENCE {
            return Err(value.unexpected(what));
        }
        let mut fields = value.items();
        let name = fields.expect(ctx, tag::OID, "tagName (OBJECT IDENTIFIER)")?;
        Ok((Oid::decode(name.content, name.offset)?, fields))
    };
    let cat = if type_id == Oid::RESTRICTIVE_ATTRIBUTES || type_id == Oid::PERMISSIVE_ATTRIBUTES {
        let (tag_set, mut fields) = tag_set(ctx, "RestrictiveTag or PermissiveTag (SEQUENCE)")?;
        let flags = fields.expect(ctx, tag::BIT_STRING, "attributeFlags (BIT STRING)")?;
        fields.finish("attributeFlags")?;
        let attributes = bit_string(&flags, ctx)?;
        if type_id == Oid::RESTRICTIVE_ATTRIBUTES {
            SecurityCategory::RestrictiveBitMap {
                tag_set,
                attributes,
            }
        } else {
            SecurityCategory::PermissiveBitMap {
                tag_set,
                attributes,
            }
        }
    } else if type_id == Oid::ENUMERATED_PERMISSIVE_ATTRIBUTES
        || type_id == Oid::ENUMERATED_RESTRICTIVE_ATTRIBUTES
    {
        let (tag_set, mut fields) = tag_set(ctx, "EnumeratedTag (SEQUENCE)")?;
        let list = fields.expect(ctx, tag::SET, "attributeList (SET OF INTEGER)")?;
        fields.finish("attributeList")?;
        let attributes = attribute_set(&list, ctx)?;
        if type_id == Oid::ENUMERATED_PERMISSIVE_ATTRIBUTES {
            SecurityCategory::EnumeratedPermissive {
                tag_set,
                attributes,
            }
        } else {
            SecurityCategory::EnumeratedRestrictive {
                tag_set,
                attributes,
            }
        }
    } else if type_id == Oid::INFORMATIVE_ATTRIBUTES {
        let (tag_set, mut fields) = tag_set(ctx, "InformativeTag (SEQUENCE)")?;
        let field = fields.take(ctx, "field (BIT STRING or SET OF INTEGER)")?;
        fields.finish("field")?;
        SecurityCategory::Informative {
            tag_set,
            field: free_form(&field, ctx)?,
        }
    } else if type_id == Oid::MISSI_SECURITY_CATEGORIES {
        SecurityCategory::Missi(missi(&value, ctx)?)
    } else {
        SecurityCategory::Other {
            type_id,
            value_der: reencode(&value, ctx, VALUE_DEPTH)?,
        }
    };
    Ok(cat)
}

fn bit_string(t: &Tlv<'_>, ctx: &mut Ctx<'_>) -> Result<BitString, Error> {
    let (bits, padded) = BitString::decode(t.content, t.offset)?;
    if padded {
        ctx.note(BerDeviation::BitStringPadding, t.offset);
    }
    Ok(bits)
}

/// A SET OF `SecurityAttribute` (INTEGER 0..MAX, here at most 2^64-1).
fn attribute_set(set: &Tlv<'_>, ctx: &mut Ctx<'_>) -> Result<Vec<u64>, Error> {
    let element = SetOf {
        tag: tag::INTEGER,
        expected: "SecurityAttribute (INTEGER)",
        what: "attributes in one set",
        limit: ctx.limits.max_attributes,
    };
    element.read(set, ctx, |t, _| uint(t, "SecurityAttribute", u64::MAX))
}

fn free_form(t: &Tlv<'_>, ctx: &mut Ctx<'_>) -> Result<FreeFormField, Error> {
    match t.tag {
        tag::BIT_STRING => Ok(FreeFormField::BitSet(bit_string(t, ctx)?)),
        tag::SET => Ok(FreeFormField::Attributes(attribute_set(t, ctx)?)),
        _ => Err(t.unexpected("bitSetAttributes (BIT STRING) or securityAttributes (SET OF)")),
    }
}

fn missi(value: &Tlv<'_>, ctx: &mut Ctx<'_>) -> Result<MissiCategories, Error> {
    match value.tag {
        tag::SEQUENCE => {
            let mut fields = value.items();
            let policy = fields.expect(ctx, tag::OID, "securityPolicyIdentifier")?;
            let policy = Oid::decode(policy.content, policy.offset)?;
            let sets = fields.expect(ctx, tag::SET, "lrbacSecurityCategories (SET OF)")?;
            fields.finish("lrbacSecurityCategories")?;
            Ok(MissiCategories::Lrbac {
                policy,
                tag_sets: named_tag_sets(&sets, ctx)?,
            })
        }
        tag::SET => Ok(MissiCategories::Prbac(named_tag_sets(value, ctx)?)),
        _ => Err(value.unexpected("lrbacInfo (SEQUENCE) or prbacSecurityCategories (SET OF)")),
    }
}

fn named_tag_sets(set: &Tlv<'_>, ctx: &mut Ctx<'_>) -> Result<Vec<NamedTagSet>, Error> {
    let mut out = Vec::new();
    let mut items = set.items();
    let mut previous = None;
    while let Some(t) = items.next(ctx, "NamedTagSet (SEQUENCE)")? {
        if t.tag != tag::SEQUENCE {
            return Err(t.unexpected("NamedTagSet (SEQUENCE)"));
        }
        set_of_order(ctx, &mut previous, &t);
        let mut fields = t.items();
        let name = fields.expect(ctx, tag::OID, "tagSetName (OBJECT IDENTIFIER)")?;
        let name = Oid::decode(name.content, name.offset)?;
        let list = fields.expect(ctx, tag::SEQUENCE, "securityTags (SEQUENCE OF)")?;
        fields.finish("securityTags")?;
        let mut tags = Vec::new();
        let mut tag_items = list.items();
        while let Some(tag) = tag_items.next(ctx, "SecurityTag")? {
            tags.push(security_tag(&tag, ctx)?);
        }
        out.push(NamedTagSet { name, tags });
    }
    Ok(out)
}

const SECURITY_TAG: &str = "SecurityTag: [1], [2], [6] or [7]";

fn security_tag(t: &Tlv<'_>, ctx: &mut Ctx<'_>) -> Result<SecurityTag, Error> {
    if t.tag == 0xa7 {
        let mut inner = t.items();
        let field = inner.take(ctx, "TagType7Data")?;
        inner.finish("TagType7Data")?;
        return Ok(SecurityTag::FreeForm(free_form(&field, ctx)?));
    }
    if !matches!(t.tag, 0xa1 | 0xa2 | 0xa6) {
        return Err(t.unexpected(SECURITY_TAG));
    }
    let mut fields = t.items();
    let level = if fields.peek() == Some(tag::INTEGER) {
        let l = fields.take(ctx, "securityLevel")?;
        Some(uint(&l, "securityLevel", u64::MAX)?)
    } else {
        None
    };
    let tag = match t.tag {
        0xa2 => {
            let set = fields.expect(ctx, tag::SET, "attributeFlags (SET OF INTEGER)")?;
            SecurityTag::Enumerated {
                level,
                attributes: attribute_set(&set, ctx)?,
            }
        }
        identifier => {
            let flags = fields.expect(ctx, tag::BIT_STRING, "attributeFlags (BIT STRING)")?;
            let attributes = bit_string(&flags, ctx)?;
            if identifier == 0xa1 {
                SecurityTag::RestrictiveBitMap { level, attributes }
            } else {
                SecurityTag::PermissiveBitMap { level, attributes }
            }
        }
    };
    fields.finish("attributeFlags")?;
    Ok(tag)
}

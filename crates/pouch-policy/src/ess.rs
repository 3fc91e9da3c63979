//! A label to and from an RFC 2634 ESSSecurityLabel through the SPIF's lacvs and OIDs
//! (spec/05-policy.md §5.9, POUCH-POL-090..096; the ESS form itself is spec/06-ess.md).

use std::collections::BTreeMap;

use pouch_ess::{
    EnumType, EssLabel, MAX_CATEGORIES, MAX_CLASSIFICATION, Oid, PrivacyMark, SecurityCategory,
    Tag7Encoding,
};
use pouch_label::{
    Category, CategoryValue, ConfidentialityInformation, DateTime, Label, Text, Token,
};

use crate::error::{Error, ErrorKind};
use crate::model::{Policy, Tag, TagType};

/// The ESS tag type (and so the category syntax) of a SPIF tag (spec/06-ess.md §6.3). An
/// informative tag without `tag7Encoding` travels as integers (POUCH-POL-092).
fn ess_tag_type(tag: &Tag) -> pouch_ess::TagType {
    match tag.tag_type {
        TagType::Restrictive => pouch_ess::TagType::Restrictive,
        TagType::EnumeratedRestrictive => pouch_ess::TagType::Enumerated(EnumType::Restrictive),
        TagType::Permissive => pouch_ess::TagType::Permissive,
        TagType::EnumeratedPermissive => pouch_ess::TagType::Enumerated(EnumType::Permissive),
        TagType::Informative => pouch_ess::TagType::Informative(
            tag.tag7_encoding
                .unwrap_or(Tag7Encoding::SecurityAttributes),
        ),
    }
}

/// Whether a category of ESS type `ess` can be a value of `tag` (either encoding of an
/// informative tag is read).
fn same_type(tag: &Tag, ess: pouch_ess::TagType) -> bool {
    match (tag.tag_type, ess) {
        (TagType::Informative, pouch_ess::TagType::Informative(_)) => true,
        _ => ess_tag_type(tag) == ess,
    }
}

fn oid(text: &str, what: &'static str) -> Result<Oid, Error> {
    text.trim().parse().map_err(|_| {
        Error::from(ErrorKind::EssNotEncodable {
            what,
            value: text.to_owned(),
        })
    })
}

impl Policy {
    /// The ESS form of `label` (spec/05-policy.md §5.9): this policy's OID, the
    /// classification's lacv, the privacy mark, and one category per SPIF tag holding the
    /// label's values, in SPIF order, each in the syntax of the tag's type.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Unresolved`] when the label names another policy or a classification or
    /// value this policy does not have; [`ErrorKind::EssNotEncodable`] when something cannot
    /// travel in ESS (a classification lacv above 256, an OID that is not one, a lacv two
    /// values of one tag share, more than 64 categories); [`ErrorKind::Ess`] when a lacv is
    /// beyond what a bit map can hold.
    pub fn to_ess(&self, label: &Label) -> Result<EssLabel, Error> {
        let resolved = self.resolve_strict(label)?;
        let class = resolved
            .class
            .and_then(|i| self.classifications.get(i))
            .ok_or_else(|| ErrorKind::EssNotEncodable {
                what: "classification",
                value: label.confidentiality.classification.as_str().to_owned(),
            })?;
        let classification = u32::try_from(class.lacv)
            .ok()
            .filter(|v| *v <= MAX_CLASSIFICATION)
            .ok_or_else(|| ErrorKind::EssNotEncodable {
                what: "classification lacv (above 256)",
                value: class.lacv.to_string(),
            })?;
        let mut per_tag: BTreeMap<(usize, usize), Vec<u64>> = BTreeMap::new();
        for r in &resolved.cats {
            let (Some(tag), Some(cat)) = (
                self.tag_sets.get(r.set).and_then(|s| s.tags.get(r.tag)),
                self.cat(*r),
            ) else {
                continue;
            };
            // A receiver maps a lacv back to the first value that has it; another value
            // with the same lacv would arrive as that one (POUCH-POL-093).
            if let Some(first) = tag.categories.iter().find(|c| c.lacv == cat.lacv)
                && first.name != cat.name
            {
                return Err(ErrorKind::EssNotEncodable {
                    what: "value whose lacv another value of its tag has",
                    value: format!("{} (lacv {}, also {})", cat.name, cat.lacv, first.name),
                }
                .into());
            }
            per_tag.entry((r.set, r.tag)).or_default().push(cat.lacv);
        }
        if per_tag.len() > MAX_CATEGORIES {
            return Err(ErrorKind::EssNotEncodable {
                what: "number of categories (above 64)",
                value: per_tag.len().to_string(),
            }
            .into());
        }
        let mut categories = Vec::with_capacity(per_tag.len());
        for ((set, tag), lacvs) in per_tag {
            let (Some(ts), Some(tag)) = (
                self.tag_sets.get(set),
                self.tag_sets.get(set).and_then(|s| s.tags.get(tag)),
            ) else {
                continue;
            };
            let tag_set = oid(&ts.id, "tag set OID")?;
            categories.push(
                SecurityCategory::from_lacvs(ess_tag_type(tag), tag_set, &lacvs)
                    .map_err(ErrorKind::Ess)?,
            );
        }
        Ok(EssLabel {
            policy: Some(oid(&self.id, "policy OID")?),
            classification: Some(classification),
            privacy_mark: label
                .confidentiality
                .privacy_mark
                .as_ref()
                .map(|m| PrivacyMark::from_text(m.as_str())),
            categories,
        })
    }

    /// The label an ESS label stands for under this policy (spec/05-policy.md §5.9): names
    /// from lacvs, the policy named by its name with the URI `urn:oid:` and its OID, created
    /// at `created` (an ESS label carries no time).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::EssPolicyMismatch`] naming the label's policy OID when it is not this
    /// policy's; [`ErrorKind::EssNoPolicy`] and [`ErrorKind::EssNoClassification`] when the
    /// label lacks them; [`ErrorKind::EssUnmapped`] naming the classification lacv, tag set
    /// OID, tag type or value lacv the SPIF does not define, or a category syntax with no
    /// SPIF meaning (MISSI, unknown types).
    pub fn from_ess(&self, ess: &EssLabel, created: DateTime) -> Result<Label, Error> {
        let Some(policy) = &ess.policy else {
            return Err(ErrorKind::EssNoPolicy {
                policy: self.name.clone(),
            }
            .into());
        };
        if policy.to_string() != self.id.trim() {
            return Err(ErrorKind::EssPolicyMismatch {
                found: policy.to_string(),
                policy: self.name.clone(),
                id: self.id.clone(),
            }
            .into());
        }
        let unmapped = |what: &'static str, value: String| {
            Error::from(ErrorKind::EssUnmapped {
                what,
                value,
                policy: self.name.clone(),
            })
        };
        let lacv = ess.classification.ok_or(ErrorKind::EssNoClassification)?;
        let class = self
            .classifications
            .iter()
            .find(|c| c.lacv == u64::from(lacv))
            .ok_or_else(|| unmapped("classification lacv", lacv.to_string()))?;
        let mut info = ConfidentialityInformation::new(token(&self.name)?, token(&class.name)?);
        info.policy_identifier_uri = Some(token(&format!("urn:oid:{}", self.id.trim()))?);
        info.privacy_mark = ess
            .privacy_mark
            .as_ref()
            .map(|m| text(m.as_str()))
            .transpose()?;
        for cat in &ess.categories {
            let (Some(ess_type), Some(set_oid), Some(lacvs)) =
                (cat.tag_type(), cat.tag_set(), cat.lacvs())
            else {
                return Err(unmapped("category syntax", cat.type_id().to_string()));
            };
            let set_oid = set_oid.to_string();
            if lacvs.is_empty() {
                return Err(unmapped("category without values in tag set", set_oid));
            }
            let ts = self
                .tag_sets
                .iter()
                .find(|s| s.id.trim() == set_oid)
                .ok_or_else(|| unmapped("tag set OID", set_oid.clone()))?;
            let tag = ts
                .tags
                .iter()
                .find(|t| same_type(t, ess_type))
                .ok_or_else(|| {
                    unmapped(
                        "tag type in tag set",
                        format!("{ess_type:?} in {}", ts.name),
                    )
                })?;
            let mut values = Vec::with_capacity(lacvs.len());
            for n in lacvs {
                let k = tag
                    .categories
                    .iter()
                    .find(|c| c.lacv == n)
                    .ok_or_else(|| unmapped("value lacv", format!("{n} of {}", ts.name)))?;
                values.push(CategoryValue::Generic(text(&k.name)?));
            }
            // Values in SPIF order, whatever the order of the lacvs.
            values.sort_by_key(|v| {
                tag.categories
                    .iter()
                    .position(|c| matches!(v, CategoryValue::Generic(t) if t.as_str() == c.name))
            });
            values.dedup();
            let category_type = tag.tag_type.category_type();
            match info
                .categories
                .iter_mut()
                .find(|c| c.tag_name.as_str() == ts.name && c.category_type == category_type)
            {
                Some(existing) => existing.values.extend(values),
                None => info.categories.push(Category {
                    tag_name: text(&ts.name)?,
                    category_type,
                    uri: None,
                    values,
                }),
            }
        }
        // Categories in SPIF order (tag sets as the SPIF lists them, then their tags), not
        // in the DER order of the ESS label, so that import after export gives the label back.
        info.categories.sort_by_key(|c| {
            self.tag_sets
                .iter()
                .position(|s| s.name == c.tag_name.as_str())
                .map(|i| {
                    let tag = self.tag_sets.get(i).and_then(|s| {
                        s.tags
                            .iter()
                            .position(|t| t.tag_type.category_type() == c.category_type)
                    });
                    (i, tag)
                })
        });
        Ok(Label::new(info, created))
    }
}

fn token(s: &str) -> Result<Token, Error> {
    Token::collapse(s).map_err(|e| {
        Error::from(ErrorKind::EssNotEncodable {
            what: "name in the label model",
            value: format!("{s:?}: {e}"),
        })
    })
}

fn text(s: &str) -> Result<Text, Error> {
    Text::new(s).map_err(|e| {
        Error::from(ErrorKind::EssNotEncodable {
            what: "text in the label model",
            value: format!("{s:?}: {e}"),
        })
    })
}

//! The ESSSecurityLabel model: RFC 2634 §5.4.15 with the category syntaxes of ACP-145(A) and
//! MISSI (SDN.801), as spec/06-ess.md describes.

use crate::{BitString, Error, ErrorKind, Oid};

/// An ESSSecurityLabel (RFC 2634 §5.4.15; X.841 `ConfidentialityLabel`).
///
/// Every component is optional, as in X.841, so that any received label round-trips. RFC 2634
/// requires the policy identifier, and an exporter must set it (POUCH-ESS-002); this codec
/// does not insist. `categories` empty means the component is absent. Collections keep the
/// order of the input; the encoder sorts them as DER requires.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct EssLabel {
    /// `security-policy-identifier`.
    pub policy: Option<Oid>,
    /// `security-classification`: the classification's lacv, 0..=256 (`ub-integer-options`).
    pub classification: Option<u32>,
    /// `privacy-mark`.
    pub privacy_mark: Option<PrivacyMark>,
    /// `security-categories`, at most 64 (`ub-security-categories`).
    pub categories: Vec<SecurityCategory>,
}

/// The largest classification value an ESS label can carry (`ub-integer-options`).
pub const MAX_CLASSIFICATION: u32 = 256;

/// The most categories an ESS label can carry (`ub-security-categories`, ACP-145(A)).
pub const MAX_CATEGORIES: usize = 64;

/// The longest `pString` privacy mark, in characters (`ub-privacy-mark-length`).
pub const MAX_PRINTABLE_MARK: usize = 128;

/// `ESSPrivacyMark`: free text shown with the label. The text is not empty; a `Printable`
/// mark holds only PrintableString characters, at most [`MAX_PRINTABLE_MARK`] of them. The
/// encoder refuses a mark that breaks these rules.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PrivacyMark {
    /// `pString PrintableString (SIZE (1..128))`.
    Printable(String),
    /// `utf8String UTF8String (SIZE (1..MAX))`.
    Utf8(String),
}

impl PrivacyMark {
    /// The mark for `text` in the form other systems read most widely: PrintableString when
    /// every character allows it and the text fits, UTF8String otherwise.
    pub fn from_text(text: &str) -> PrivacyMark {
        if is_printable(text) && text.len() <= MAX_PRINTABLE_MARK && !text.is_empty() {
            PrivacyMark::Printable(text.to_owned())
        } else {
            PrivacyMark::Utf8(text.to_owned())
        }
    }

    /// The text, whichever the form.
    pub fn as_str(&self) -> &str {
        match self {
            PrivacyMark::Printable(s) | PrivacyMark::Utf8(s) => s,
        }
    }

    pub(crate) fn check(&self) -> Result<(), &'static str> {
        match self {
            PrivacyMark::Printable(s) if !is_printable(s) => {
                Err("character outside the PrintableString set")
            }
            PrivacyMark::Printable(s) if s.len() > MAX_PRINTABLE_MARK => {
                Err("longer than 128 characters")
            }
            _ if self.as_str().is_empty() => Err("empty"),
            _ => Ok(()),
        }
    }
}

/// Whether every character is in the PrintableString set (X.680 §41.4).
pub(crate) fn is_printable(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b))
}

/// One `SecurityCategory`: a type identifier and a value of the syntax it names. The variants
/// are the syntaxes this crate understands, in the order of their ACP-145(A) identifiers;
/// any other type is kept whole as [`SecurityCategory::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SecurityCategory {
    /// Type 1, `id-restrictiveAttributes`: `RestrictiveTag`, bit `n` set for lacv `n`.
    RestrictiveBitMap {
        /// `tagName`: the SPIF's category tag set identifier.
        tag_set: Oid,
        /// `attributeFlags`.
        attributes: BitString,
    },
    /// Type 2, `id-enumeratedPermissiveAttributes`: `EnumeratedTag`, one integer per lacv.
    EnumeratedPermissive {
        /// `tagName`.
        tag_set: Oid,
        /// `attributeList`, a SET OF `SecurityAttribute`.
        attributes: Vec<u64>,
    },
    /// Type 6, `id-permissiveAttributes`: `PermissiveTag`, bit `n` set for lacv `n`.
    PermissiveBitMap {
        /// `tagName`.
        tag_set: Oid,
        /// `attributeFlags`.
        attributes: BitString,
    },
    /// Type 7, `id-informativeAttributes`: `InformativeTag`.
    Informative {
        /// `tagName`.
        tag_set: Oid,
        /// `field`.
        field: FreeFormField,
    },
    /// Type 3, `id-enumeratedRestrictiveAttributes`: `EnumeratedTag`, one integer per lacv.
    EnumeratedRestrictive {
        /// `tagName`.
        tag_set: Oid,
        /// `attributeList`, a SET OF `SecurityAttribute`.
        attributes: Vec<u64>,
    },
    /// The MISSI category syntax: named tag sets, each with a list of security tags.
    Missi(MissiCategories),
    /// A category of a syntax this crate does not know, kept whole.
    Other {
        /// `type`.
        type_id: Oid,
        /// The complete encoding of `value` (inside its `[1]` tag), with minimal lengths.
        value_der: Vec<u8>,
    },
}

/// ACP-145(A) `FreeFormField`, the value of an informative category.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FreeFormField {
    /// `bitSetAttributes BIT STRING`.
    BitSet(BitString),
    /// `securityAttributes SET OF SecurityAttribute`.
    Attributes(Vec<u64>),
}

/// `MissiSecurityCategories`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MissiCategories {
    /// `lrbacInfo`: tag sets under a policy other than the label's.
    Lrbac {
        /// `securityPolicyIdentifier`.
        policy: Oid,
        /// `lrbacSecurityCategories`.
        tag_sets: Vec<NamedTagSet>,
    },
    /// `prbacSecurityCategories`: tag sets under the label's own policy.
    Prbac(Vec<NamedTagSet>),
}

/// MISSI `NamedTagSet`: one tag set and its tags, in order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NamedTagSet {
    /// `tagSetName`.
    pub name: Oid,
    /// `securityTags`, a SEQUENCE OF `SecurityTag`.
    pub tags: Vec<SecurityTag>,
}

/// MISSI `SecurityTag`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SecurityTag {
    /// `[1] restrictivebitMap`.
    RestrictiveBitMap {
        /// `securityLevel`.
        level: Option<u64>,
        /// `attributeFlags`.
        attributes: BitString,
    },
    /// `[2] enumeratedAttributes`, permissive or restrictive as the policy says.
    Enumerated {
        /// `securityLevel`.
        level: Option<u64>,
        /// `attributeFlags`, a SET OF `SecurityAttribute`.
        attributes: Vec<u64>,
    },
    /// `[6] permissivebitMap`.
    PermissiveBitMap {
        /// `securityLevel`.
        level: Option<u64>,
        /// `attributeFlags`.
        attributes: BitString,
    },
    /// `[7] freeFormField`, as MISSI's `TagType7Data`.
    FreeForm(FreeFormField),
}

/// The tag type of an ACP-145(A) category in the terms of an Open XML SPIF
/// (`tagType`, `enumType`, `tag7Encoding`), so that a SPIF's tag maps to a syntax directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TagType {
    /// `restrictive`: a restrictive bit map.
    Restrictive,
    /// `enumerated`, with its `enumType`.
    Enumerated(EnumType),
    /// `permissive`: a permissive bit map.
    Permissive,
    /// `tagType7` (informative), with its `tag7Encoding`.
    Informative(Tag7Encoding),
}

/// A SPIF's `enumType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnumType {
    /// `restrictive`.
    Restrictive,
    /// `permissive`.
    Permissive,
}

/// A SPIF's `tag7Encoding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag7Encoding {
    /// `bitSetAttributes`.
    BitSetAttributes,
    /// `securityAttributes`.
    SecurityAttributes,
}

impl SecurityCategory {
    /// The category of `tag_type` in tag set `tag_set` holding exactly `lacvs` (bit positions
    /// for bit maps, integers otherwise): what an exporter builds from a SPIF's lacvs.
    pub fn from_lacvs(tag_type: TagType, tag_set: Oid, lacvs: &[u64]) -> Result<Self, Error> {
        let mut list = lacvs.to_vec();
        list.sort_unstable();
        list.dedup();
        Ok(match tag_type {
            TagType::Restrictive => SecurityCategory::RestrictiveBitMap {
                tag_set,
                attributes: BitString::from_positions(&list)?,
            },
            TagType::Permissive => SecurityCategory::PermissiveBitMap {
                tag_set,
                attributes: BitString::from_positions(&list)?,
            },
            TagType::Enumerated(EnumType::Permissive) => SecurityCategory::EnumeratedPermissive {
                tag_set,
                attributes: list,
            },
            TagType::Enumerated(EnumType::Restrictive) => SecurityCategory::EnumeratedRestrictive {
                tag_set,
                attributes: list,
            },
            TagType::Informative(Tag7Encoding::BitSetAttributes) => SecurityCategory::Informative {
                tag_set,
                field: FreeFormField::BitSet(BitString::from_positions(&list)?),
            },
            TagType::Informative(Tag7Encoding::SecurityAttributes) => {
                SecurityCategory::Informative {
                    tag_set,
                    field: FreeFormField::Attributes(list),
                }
            }
        })
    }

    /// The category's `type` identifier.
    pub fn type_id(&self) -> Oid {
        match self {
            SecurityCategory::RestrictiveBitMap { .. } => Oid::RESTRICTIVE_ATTRIBUTES,
            SecurityCategory::EnumeratedPermissive { .. } => Oid::ENUMERATED_PERMISSIVE_ATTRIBUTES,
            SecurityCategory::PermissiveBitMap { .. } => Oid::PERMISSIVE_ATTRIBUTES,
            SecurityCategory::Informative { .. } => Oid::INFORMATIVE_ATTRIBUTES,
            SecurityCategory::EnumeratedRestrictive { .. } => {
                Oid::ENUMERATED_RESTRICTIVE_ATTRIBUTES
            }
            SecurityCategory::Missi(_) => Oid::MISSI_SECURITY_CATEGORIES,
            SecurityCategory::Other { type_id, .. } => type_id.clone(),
        }
    }

    /// The SPIF tag type of an ACP-145(A) category; `None` for MISSI and unknown syntaxes.
    pub fn tag_type(&self) -> Option<TagType> {
        Some(match self {
            SecurityCategory::RestrictiveBitMap { .. } => TagType::Restrictive,
            SecurityCategory::EnumeratedPermissive { .. } => {
                TagType::Enumerated(EnumType::Permissive)
            }
            SecurityCategory::PermissiveBitMap { .. } => TagType::Permissive,
            SecurityCategory::Informative { field, .. } => TagType::Informative(match field {
                FreeFormField::BitSet(_) => Tag7Encoding::BitSetAttributes,
                FreeFormField::Attributes(_) => Tag7Encoding::SecurityAttributes,
            }),
            SecurityCategory::EnumeratedRestrictive { .. } => {
                TagType::Enumerated(EnumType::Restrictive)
            }
            SecurityCategory::Missi(_) | SecurityCategory::Other { .. } => return None,
        })
    }

    /// The tag set (`tagName`) of an ACP-145(A) category.
    pub fn tag_set(&self) -> Option<&Oid> {
        match self {
            SecurityCategory::RestrictiveBitMap { tag_set, .. }
            | SecurityCategory::EnumeratedPermissive { tag_set, .. }
            | SecurityCategory::PermissiveBitMap { tag_set, .. }
            | SecurityCategory::Informative { tag_set, .. }
            | SecurityCategory::EnumeratedRestrictive { tag_set, .. } => Some(tag_set),
            SecurityCategory::Missi(_) | SecurityCategory::Other { .. } => None,
        }
    }

    /// The lacvs of an ACP-145(A) category, ascending and without repeats: the set bits of a
    /// bit map, or the integers of an enumeration. `None` for MISSI and unknown syntaxes.
    pub fn lacvs(&self) -> Option<Vec<u64>> {
        let mut out: Vec<u64> = match self {
            SecurityCategory::RestrictiveBitMap { attributes, .. }
            | SecurityCategory::PermissiveBitMap { attributes, .. }
            | SecurityCategory::Informative {
                field: FreeFormField::BitSet(attributes),
                ..
            } => attributes.positions().collect(),
            SecurityCategory::EnumeratedPermissive { attributes, .. }
            | SecurityCategory::EnumeratedRestrictive { attributes, .. }
            | SecurityCategory::Informative {
                field: FreeFormField::Attributes(attributes),
                ..
            } => attributes.clone(),
            SecurityCategory::Missi(_) | SecurityCategory::Other { .. } => return None,
        };
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

impl EssLabel {
    /// Checks the rules the type system does not: what [`EssLabel::to_der`] refuses.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let refuse = |why| Err(Error::encoding(ErrorKind::Unencodable(why)));
        if self.policy.is_none()
            && self.classification.is_none()
            && self.privacy_mark.is_none()
            && self.categories.is_empty()
        {
            return Err(Error::encoding(ErrorKind::Empty("label")));
        }
        if self.classification.is_some_and(|c| c > MAX_CLASSIFICATION) {
            return Err(Error::encoding(ErrorKind::IntegerTooLarge {
                what: "security-classification",
                max: u64::from(MAX_CLASSIFICATION),
            }));
        }
        if let Some(mark) = &self.privacy_mark {
            mark.check().map_err(|reason| {
                Error::encoding(ErrorKind::BadString {
                    what: "privacy-mark",
                    reason,
                })
            })?;
        }
        if self.categories.len() > MAX_CATEGORIES {
            return Err(Error::encoding(ErrorKind::LimitExceeded {
                what: "security categories",
                limit: MAX_CATEGORIES,
            }));
        }
        let known_as_other = self.categories.iter().any(
            |c| matches!(c, SecurityCategory::Other { type_id, .. } if is_known_syntax(type_id)),
        );
        if known_as_other {
            return refuse("an Other category with the identifier of a known syntax");
        }
        Ok(())
    }
}

/// Whether `oid` names a syntax this crate decodes into a typed value.
pub(crate) fn is_known_syntax(oid: &Oid) -> bool {
    [
        Oid::RESTRICTIVE_ATTRIBUTES,
        Oid::ENUMERATED_PERMISSIVE_ATTRIBUTES,
        Oid::PERMISSIVE_ATTRIBUTES,
        Oid::INFORMATIVE_ATTRIBUTES,
        Oid::ENUMERATED_RESTRICTIVE_ATTRIBUTES,
        Oid::MISSI_SECURITY_CATEGORIES,
    ]
    .contains(oid)
}

//! The SPIF model (Open XML SPIF 2.1), as loaded: every value well-formed, every reference
//! resolved (spec/05-policy.md §2).

use pouch_label::DateTime;

/// A loaded security policy.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Policy {
    /// `securityPolicyId/@name`.
    pub name: String,
    /// `securityPolicyId/@id`: the policy OID in dotted form.
    pub id: String,
    /// `SPIF/@version` (default 1).
    pub version: String,
    /// `SPIF/@schemaVersion`, when present.
    pub schema_version: Option<String>,
    /// `SPIF/@creationDate`, as written.
    pub creation_date: Option<String>,
    /// The policy's own validity period (`notBefore`/`notAfter`).
    pub validity: Validity,
    /// Classifications in document order.
    pub classifications: Vec<Classification>,
    /// Tag sets in document order.
    pub tag_sets: Vec<TagSet>,
    /// `equivalentPolicies`.
    pub equivalent_policies: Vec<EquivalentPolicy>,
    /// Policy-level `markingData` and `markingQualifier`.
    pub marking: Marking,
    /// The NATO `nspif:memberships` extension: groups and their members.
    pub memberships: Vec<Membership>,
    /// What the loader accepted but a strict reader of the schema would not (spec §2.3).
    pub warnings: Vec<String>,
}

/// A validity period; either bound may be absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Validity {
    /// `notBefore`.
    pub not_before: Option<DateTime>,
    /// `notAfter`.
    pub not_after: Option<DateTime>,
}

impl Validity {
    /// Whether `at` lies within the period.
    pub fn contains(&self, at: DateTime) -> bool {
        self.not_before.is_none_or(|b| at >= b) && self.not_after.is_none_or(|a| at <= a)
    }
}

/// `securityClassification`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Classification {
    /// `name`.
    pub name: String,
    /// `lacv`.
    pub lacv: u64,
    /// `hierarchy`: higher is more sensitive.
    pub hierarchy: u64,
    /// `obsolete`.
    pub obsolete: bool,
    /// `color`, as written.
    pub color: Option<String>,
    /// `notBefore`/`notAfter`.
    pub validity: Validity,
    /// Markings, every language.
    pub marking: Marking,
    /// `requiredCategory` groups.
    pub required: Vec<RequiredGroup>,
    /// `equivalentClassification` entries.
    pub equivalents: Vec<EquivalentClassification>,
}

/// `securityCategoryTagSet`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TagSet {
    /// `name`: what a label's `TagName` names.
    pub name: String,
    /// `id`: the tag set OID.
    pub id: String,
    /// The tags, in document order.
    pub tags: Vec<Tag>,
}

/// The type of a security category tag (`tagType` with `enumType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TagType {
    /// `restrictive` (bit map).
    Restrictive,
    /// `enumerated` with `enumType="restrictive"`.
    EnumeratedRestrictive,
    /// `permissive` (bit map).
    Permissive,
    /// `enumerated` with `enumType="permissive"`.
    EnumeratedPermissive,
    /// `tagType7`: informative.
    Informative,
}

impl TagType {
    /// The ADatP-4774 category `Type` a label uses for this tag type.
    pub fn category_type(self) -> pouch_label::CategoryType {
        match self {
            TagType::Restrictive | TagType::EnumeratedRestrictive => {
                pouch_label::CategoryType::Restrictive
            }
            TagType::Permissive | TagType::EnumeratedPermissive => {
                pouch_label::CategoryType::Permissive
            }
            TagType::Informative => pouch_label::CategoryType::Informative,
        }
    }

    /// The SPIF spelling (`tagType`, and `enumType` for enumerated tags).
    pub fn as_str(self) -> &'static str {
        match self {
            TagType::Restrictive => "restrictive",
            TagType::EnumeratedRestrictive => "enumerated/restrictive",
            TagType::Permissive => "permissive",
            TagType::EnumeratedPermissive => "enumerated/permissive",
            TagType::Informative => "tagType7",
        }
    }
}

/// `securityCategoryTag`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Tag {
    /// `name`.
    pub name: String,
    /// `tagType` (+ `enumType`).
    pub tag_type: TagType,
    /// `singleSelection`.
    pub single_selection: bool,
    /// `minSelection` (`None` = unbounded).
    pub min_selection: Option<u64>,
    /// `maxSelection` (`None` = unbounded).
    pub max_selection: Option<u64>,
    /// `tag7Encoding` of an informative tag, when the SPIF gives one: how its values travel
    /// in an ESS label (spec/05-policy.md §5.9).
    pub tag7_encoding: Option<pouch_ess::Tag7Encoding>,
    /// Tag-level markings (qualifiers: prefix, separator, suffix).
    pub marking: Marking,
    /// The values, in document order.
    pub categories: Vec<TagCategory>,
}

/// `tagCategory`: one value of a tag.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TagCategory {
    /// `name`: what a label's `GenericValue` carries.
    pub name: String,
    /// `lacv`.
    pub lacv: u64,
    /// `obsolete`.
    pub obsolete: bool,
    /// `notBefore`/`notAfter`.
    pub validity: Validity,
    /// Markings, every language.
    pub marking: Marking,
    /// `excludedClass`: indices into [`Policy::classifications`].
    pub excluded_classes: Vec<usize>,
    /// `excludedCategory`.
    pub excluded: Vec<CategoryRef>,
    /// `requiredCategory`.
    pub required: Vec<RequiredGroup>,
    /// `equivalentSecCategoryTag`.
    pub equivalents: Vec<EquivalentCategory>,
}

/// `optionalCategoryData` (`categoryGroup`, `excludedCategory`): a reference by tag set
/// name, tag type and, optionally, lacv.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CategoryRef {
    /// `tagSetRef`: a tag set name.
    pub tag_set: String,
    /// `tagType` (+ `enumType`).
    pub tag_type: TagType,
    /// `lacv`; `None` matches every value of the tag.
    pub lacv: Option<u64>,
}

/// `requiredCategory/@operation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `onlyOne`.
    OnlyOne,
    /// `oneOrMore`.
    OneOrMore,
    /// `all`.
    All,
}

/// `requiredCategory`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RequiredGroup {
    /// `operation`.
    pub operation: Operation,
    /// `categoryGroup` entries.
    pub groups: Vec<CategoryRef>,
}

/// `applied` of an equivalence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// `encrypt`: when a label of this policy is mapped to the other policy.
    Encrypt,
    /// `decrypt`: when a label of the other policy is mapped to this one.
    Decrypt,
    /// `both`.
    Both,
}

impl Applied {
    /// Whether the mapping applies from this policy to the other.
    pub fn outgoing(self) -> bool {
        matches!(self, Applied::Encrypt | Applied::Both)
    }
}

/// `equivalentPolicy`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EquivalentPolicy {
    /// `name`: what `policyRef` attributes refer to.
    pub name: String,
    /// `id`: the other policy's OID.
    pub id: String,
    /// Categories every equivalent label under that policy must carry.
    pub required: Vec<RequiredGroup>,
}

/// `equivalentClassification`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EquivalentClassification {
    /// `policyRef`.
    pub policy: String,
    /// The other policy's classification lacv.
    pub lacv: u64,
    /// `applied`.
    pub applied: Applied,
    /// Categories (of the other policy) the equivalent label must carry.
    pub required: Vec<RequiredGroup>,
}

/// `equivalentSecCategoryTag`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EquivalentCategory {
    /// `policyRef`.
    pub policy: String,
    /// `tagSetId`: the other policy's tag set OID.
    pub tag_set_id: String,
    /// `tagType` (+ `enumType`).
    pub tag_type: TagType,
    /// `lacv`; `None` with `discard`.
    pub lacv: Option<u64>,
    /// `applied`.
    pub applied: Applied,
    /// `action="discard"`: the value has no counterpart and is dropped.
    pub discard: bool,
}

/// A group of the `nspif:memberships` extension, e.g. KFOR and its member nations.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Membership {
    /// `nspif:name`: the group, as a tag category name or marking phrase.
    pub name: String,
    /// Member codes (`nspif:member/@nspif:name`).
    pub members: Vec<String>,
}

/// The marking codes of the SPIF schema that Pouch's rendering uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MarkingCodes {
    /// Applies to the page top (`pageTop`, `pageTopBottom`).
    pub page_top: bool,
    /// Applies to the page bottom (`pageBottom`, `pageTopBottom`).
    pub page_bottom: bool,
    /// Any other location code (`documentStart`, `subject`, ...).
    pub other_location: bool,
    /// `noNameDisplay`.
    pub no_name_display: bool,
    /// `noMarkingDisplay`.
    pub no_marking_display: bool,
    /// `suppressClassName`.
    pub suppress_class_name: bool,
    /// `replacePolicy`.
    pub replace_policy: bool,
}

/// One `markingData`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct MarkingData {
    /// `xml:lang`, if any.
    pub lang: Option<String>,
    /// `phrase`, if any.
    pub phrase: Option<String>,
    /// The codes.
    pub codes: MarkingCodes,
}

/// `qualifier/@qualifierCode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QualifierCode {
    /// `prefix`.
    Prefix,
    /// `suffix`.
    Suffix,
    /// `separator`.
    Separator,
}

/// One `qualifier` of a `markingQualifier`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Qualifier {
    /// `xml:lang`, if any.
    pub lang: Option<String>,
    /// `qualifierCode`.
    pub code: QualifierCode,
    /// `markingQualifier`: the text.
    pub text: String,
}

/// The marking data and qualifiers of one SPIF element, in every language present.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Marking {
    /// `markingData` entries.
    pub data: Vec<MarkingData>,
    /// `qualifier` entries of every `markingQualifier`.
    pub qualifiers: Vec<Qualifier>,
}

impl Marking {
    /// Every language tag this marking carries.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.data
            .iter()
            .filter_map(|d| d.lang.as_deref())
            .chain(self.qualifiers.iter().filter_map(|q| q.lang.as_deref()))
    }
}

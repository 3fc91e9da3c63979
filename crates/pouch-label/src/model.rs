//! The ADatP-4774 information model (spec/02-label.md, §2).
//!
//! Every value of these types is well-formed by construction: strings are checked when they
//! are made ([`Token::new`], [`Text::new`], [`XmlId::new`], [`BitString::new`]) and the
//! structure has no cross-field rule that a type cannot express. Decoders add limits
//! ([`crate::Limits`]); the profile's advisory rules are reported by [`crate::check`].

use core::fmt;

pub(crate) use crate::time::DateTime;

/// Why a string cannot be a label string.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StringError {
    /// A character that XML 1.0 cannot carry (so the XML form could not hold it).
    #[error("character U+{0:04X} cannot appear in XML 1.0")]
    NotXmlChar(u32),
    /// An `xs:token` must have at least one character.
    #[error("empty token")]
    EmptyToken,
    /// An `xs:token` has no leading, trailing or repeated spaces and no tab, CR or LF.
    #[error(
        "token is not whitespace-collapsed (leading, trailing or repeated space, or tab/CR/LF)"
    )]
    NotCollapsed,
    /// Not an XML `NCName` (the lexical space of `xs:ID`).
    #[error("not an XML NCName")]
    NotNcName,
    /// A bit string holds only `0` and `1` and at least one of them.
    #[error("bit string must be one or more of '0' and '1'")]
    NotBits,
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn check_xml_chars(s: &str) -> Result<(), StringError> {
    match s.chars().find(|&c| !is_xml_char(c)) {
        Some(c) => Err(StringError::NotXmlChar(u32::from(c))),
        None => Ok(()),
    }
}

/// An `xs:string`: any text XML 1.0 can carry, kept exactly (PrivacyMark, TagName,
/// GenericValue, OriginatorID).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(String);

impl Text {
    /// Checks that every character can be carried by XML 1.0.
    pub fn new(s: impl Into<String>) -> Result<Self, StringError> {
        let s = s.into();
        check_xml_chars(&s)?;
        Ok(Self(s))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An `xs:token` of at least one character: whitespace-collapsed (PolicyIdentifier,
/// Classification, and the `URI` attributes, whose `xs:anyURI` type collapses too).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Token(String);

impl Token {
    /// Accepts only an already collapsed, non-empty token (what CBOR and JSON carry).
    pub fn new(s: impl Into<String>) -> Result<Self, StringError> {
        let s = s.into();
        check_xml_chars(&s)?;
        if s.is_empty() {
            return Err(StringError::EmptyToken);
        }
        let collapsed = !s.starts_with(' ')
            && !s.ends_with(' ')
            && !s.contains("  ")
            && !s.contains(['\t', '\n', '\r']);
        if !collapsed {
            return Err(StringError::NotCollapsed);
        }
        Ok(Self(s))
    }

    /// Applies XML Schema's `collapse` whitespace rule first (what an XML reader does).
    pub fn collapse(s: &str) -> Result<Self, StringError> {
        let collapsed = s
            .split(['\t', '\n', '\r', ' '])
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Self::new(collapsed)
    }

    /// The token.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An `xs:ID` (an XML `NCName`): the label's optional `Id` attribute, which ADatP-4778
/// bindings use to point at the label.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct XmlId(String);

impl XmlId {
    /// Checks the NCName form: a letter or `_`, then letters, digits, `.`, `-`, `_`.
    pub fn new(s: impl Into<String>) -> Result<Self, StringError> {
        let s = s.into();
        let mut chars = s.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
        let rest_ok = chars.all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '\u{B7}'));
        if first_ok && rest_ok {
            check_xml_chars(&s)?;
            Ok(Self(s))
        } else {
            Err(StringError::NotNcName)
        }
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The value of a `BitStringValue`: one or more bits, as the text `[01]+`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BitString(String);

impl BitString {
    /// Accepts one or more of `0` and `1`.
    pub fn new(s: impl Into<String>) -> Result<Self, StringError> {
        let s = s.into();
        if !s.is_empty() && s.bytes().all(|b| b == b'0' || b == b'1') {
            Ok(Self(s))
        } else {
            Err(StringError::NotBits)
        }
    }

    /// The bits as text, most significant first.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Number of bits.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a bit string has at least one bit.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Where a label stands, which its XML element name says (ADatP-4774 / NCMS). Pouch keeps
/// the role outside [`Label`]: in an envelope the position of a label is its role
/// (POUCH-LBL-004).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum LabelElement {
    /// `originatorConfidentialityLabel`: the label its originator gave the data.
    #[default]
    Originator,
    /// `alternativeConfidentialityLabel`: an equivalent label under another policy.
    Alternative,
    /// `metadataConfidentialityLabel`: the label of the metadata itself.
    Metadata,
    /// `ConfidentialityLabel`: the schema's element kept for backwards compatibility.
    Legacy,
}

impl LabelElement {
    /// Every role, in the order the ADatP-4774 schema declares their elements.
    pub const ALL: [LabelElement; 4] = [
        LabelElement::Legacy,
        LabelElement::Originator,
        LabelElement::Alternative,
        LabelElement::Metadata,
    ];

    /// The XML element name of this role.
    pub const fn element_name(self) -> &'static str {
        match self {
            LabelElement::Originator => "originatorConfidentialityLabel",
            LabelElement::Alternative => "alternativeConfidentialityLabel",
            LabelElement::Metadata => "metadataConfidentialityLabel",
            LabelElement::Legacy => "ConfidentialityLabel",
        }
    }

    /// The role of an XML element name, if it names one.
    pub fn from_element_name(name: &str) -> Option<LabelElement> {
        LabelElement::ALL
            .into_iter()
            .find(|r| r.element_name() == name)
    }
}

/// ADatP-4774 `ConfidentialityLabel`: the label with its optional attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// `ConfidentialityInformation`.
    pub confidentiality: ConfidentialityInformation,
    /// `OriginatorID`: who made the label (not necessarily the data).
    pub originator_id: Option<OriginatorId>,
    /// `CreationDateTime`: when the label was made.
    pub creation_date_time: DateTime,
    /// `SuccessionHandling`: the label proposed to apply from a later date.
    pub succession_handling: Option<SuccessionHandling>,
    /// The `ReviewDateTime` attribute: when the label is due for review.
    pub review_date_time: Option<DateTime>,
    /// The `Id` attribute.
    pub id: Option<XmlId>,
}

impl Label {
    /// A label with only the required elements.
    pub fn new(confidentiality: ConfidentialityInformation, creation_date_time: DateTime) -> Self {
        Self {
            confidentiality,
            originator_id: None,
            creation_date_time,
            succession_handling: None,
            review_date_time: None,
            id: None,
        }
    }
}

/// ADatP-4774 `SuccessorConfidentialityLabel` (`ConfidentialityLabelBaseType`): a label
/// without the `Id` and `ReviewDateTime` attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuccessorLabel {
    /// `ConfidentialityInformation`.
    pub confidentiality: ConfidentialityInformation,
    /// `OriginatorID`.
    pub originator_id: Option<OriginatorId>,
    /// `CreationDateTime`.
    pub creation_date_time: DateTime,
    /// `SuccessionHandling`, nested.
    pub succession_handling: Option<SuccessionHandling>,
}

/// ADatP-4774 `SuccessionHandling`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuccessionHandling {
    /// `SuccessionDateTime`: when the successor should come into force.
    pub succession_date_time: DateTime,
    /// `SuccessorConfidentialityLabel`.
    pub successor: Box<SuccessorLabel>,
}

/// ADatP-4774 `ConfidentialityInformation`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfidentialityInformation {
    /// `PolicyIdentifier`: the security policy that gives the other fields their meaning.
    pub policy_identifier: Token,
    /// The `URI` attribute of `PolicyIdentifier` (e.g. `urn:oid:1.3.26.1.3.1`).
    pub policy_identifier_uri: Option<Token>,
    /// `Classification`.
    pub classification: Token,
    /// The `URI` attribute of `Classification`.
    pub classification_uri: Option<Token>,
    /// `PrivacyMark`.
    pub privacy_mark: Option<Text>,
    /// `Category` elements, in document order.
    pub categories: Vec<Category>,
}

impl ConfidentialityInformation {
    /// Policy and classification only.
    pub fn new(policy_identifier: Token, classification: Token) -> Self {
        Self {
            policy_identifier,
            policy_identifier_uri: None,
            classification,
            classification_uri: None,
            privacy_mark: None,
            categories: Vec::new(),
        }
    }
}

/// ADatP-4774 `Category`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    /// The `TagName` attribute (e.g. `Releasable To`).
    pub tag_name: Text,
    /// The `Type` attribute.
    pub category_type: CategoryType,
    /// The optional `URI` attribute.
    pub uri: Option<Token>,
    /// The values, in document order.
    pub values: Vec<CategoryValue>,
}

/// The `Type` attribute of a category, in the schema's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CategoryType {
    /// `RESTRICTIVE`: a recipient must hold every value.
    Restrictive,
    /// `PERMISSIVE`: a recipient must hold at least one value.
    Permissive,
    /// `INFORMATIVE`: no access-control effect.
    Informative,
}

impl CategoryType {
    /// Every type, in the schema's order.
    pub const ALL: [CategoryType; 3] = [
        CategoryType::Restrictive,
        CategoryType::Permissive,
        CategoryType::Informative,
    ];

    /// The XML and JSON spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            CategoryType::Restrictive => "RESTRICTIVE",
            CategoryType::Permissive => "PERMISSIVE",
            CategoryType::Informative => "INFORMATIVE",
        }
    }

    /// The CBOR code (spec/pouch.cddl `category-type`).
    pub const fn code(self) -> u64 {
        match self {
            CategoryType::Restrictive => 1,
            CategoryType::Permissive => 2,
            CategoryType::Informative => 3,
        }
    }

    /// The type with this XML/JSON spelling.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The type with this CBOR code.
    pub fn from_code(c: u64) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == c)
    }
}

impl fmt::Display for CategoryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One category value: the members of the schema's `CategoryValue` substitution group.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CategoryValue {
    /// `GenericValue`: text.
    Generic(Text),
    /// `IntegerValue`: a non-negative integer (the schema's `[0-9]+`, up to 2^64-1 here).
    Integer(u64),
    /// `BitStringValue`.
    BitString(BitString),
}

impl fmt::Display for CategoryValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CategoryValue::Generic(t) => f.write_str(t.as_str()),
            CategoryValue::Integer(i) => write!(f, "{i}"),
            CategoryValue::BitString(b) => f.write_str(b.as_str()),
        }
    }
}

/// ADatP-4774 `OriginatorID`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginatorId {
    /// The `IDType` attribute.
    pub id_type: IdType,
    /// The identifier.
    pub value: Text,
}

/// The `IDType` of an originator identifier, in the schema's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdType {
    /// `rfc822Name`.
    Rfc822Name,
    /// `dNSName`.
    DnsName,
    /// `directoryName`.
    DirectoryName,
    /// `uniformResourceIdentifier`.
    UniformResourceIdentifier,
    /// `iPAddress`.
    IpAddress,
    /// `x400Address`.
    X400Address,
    /// `userPrincipalName`.
    UserPrincipalName,
    /// `jID`.
    Jid,
}

impl IdType {
    /// Every type, in the schema's order.
    pub const ALL: [IdType; 8] = [
        IdType::Rfc822Name,
        IdType::DnsName,
        IdType::DirectoryName,
        IdType::UniformResourceIdentifier,
        IdType::IpAddress,
        IdType::X400Address,
        IdType::UserPrincipalName,
        IdType::Jid,
    ];

    /// The XML and JSON spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            IdType::Rfc822Name => "rfc822Name",
            IdType::DnsName => "dNSName",
            IdType::DirectoryName => "directoryName",
            IdType::UniformResourceIdentifier => "uniformResourceIdentifier",
            IdType::IpAddress => "iPAddress",
            IdType::X400Address => "x400Address",
            IdType::UserPrincipalName => "userPrincipalName",
            IdType::Jid => "jID",
        }
    }

    /// The CBOR code: position in the schema's enumeration, from 1.
    pub const fn code(self) -> u64 {
        match self {
            IdType::Rfc822Name => 1,
            IdType::DnsName => 2,
            IdType::DirectoryName => 3,
            IdType::UniformResourceIdentifier => 4,
            IdType::IpAddress => 5,
            IdType::X400Address => 6,
            IdType::UserPrincipalName => 7,
            IdType::Jid => 8,
        }
    }

    /// The type with this spelling.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The type with this CBOR code.
    pub fn from_code(c: u64) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == c)
    }
}

#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod clearance;
pub mod demo;
mod dom;
mod dominance;
mod equivalence;
mod error;
mod ess;
mod identity;
mod load;
mod marking;
mod model;
mod release;
mod resolve;
pub mod spiffy;
mod validate;

use pouch_status::StatusCode;

pub use clearance::ClearanceLimits;
pub use error::{Error, ErrorKind, Place};
pub use identity::PolicyMatch;
pub use load::{NSPIF_NAMESPACE, SPIF_NAMESPACE};
pub use model::{
    Applied, CategoryRef, Classification, EquivalentCategory, EquivalentClassification,
    EquivalentPolicy, Marking, MarkingCodes, MarkingData, Membership, Operation, Policy, Qualifier,
    QualifierCode, RequiredGroup, Tag, TagCategory, TagSet, TagType, Validity,
};
pub use release::{Clearance, Decision, Recipient};

/// Loader limits (spec/05-policy.md §2.2). The defaults load every reference SPIF with room
/// to spare; a document beyond any of them is refused before it is held in memory whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest document, in bytes.
    pub max_bytes: usize,
    /// Deepest element nesting.
    pub max_depth: usize,
    /// Most elements in the document.
    pub max_elements: usize,
    /// Longest attribute value or element text, in bytes.
    pub max_string_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 4 * 1024 * 1024,
            max_depth: 32,
            max_elements: 100_000,
            max_string_bytes: 4096,
        }
    }
}

/// One outcome of a policy check: a registry status code, where, and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Status {
    /// The registry code.
    pub code: StatusCode,
    /// Where in the label, as a JSON member path (`/` for the whole label).
    pub path: String,
    /// What was found, in one line.
    pub detail: String,
}

impl Status {
    pub(crate) fn new(
        code: StatusCode,
        path: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            code,
            path: path.into(),
            detail: detail.into(),
        }
    }
}

impl core::fmt::Display for Status {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} at {}: {}", self.code, self.path, self.detail)
    }
}

impl Policy {
    /// Loads an Open XML SPIF 2.1 document within `limits` (spec/05-policy.md §2).
    ///
    /// # Errors
    ///
    /// An [`Error`] naming the element and line at fault: XML that is not well-formed, a DTD
    /// or entity, a limit exceeded, a namespace other than the SPIF's, a missing or invalid
    /// attribute, a duplicate, or a reference to a classification or tag set the SPIF does
    /// not declare.
    pub fn load(text: &[u8], limits: &Limits) -> Result<Policy, Error> {
        load::load(text, limits)
    }

    /// The classification named `name`, exactly.
    pub fn classification(&self, name: &str) -> Option<&Classification> {
        self.classifications.iter().find(|c| c.name == name)
    }

    /// The tag set named `name`, exactly.
    pub fn tag_set(&self, name: &str) -> Option<&TagSet> {
        self.tag_sets.iter().find(|s| s.name == name)
    }

    /// The members of the group `name` (a membership whose name equals it), if listed.
    pub fn members_of(&self, name: &str) -> Option<&[String]> {
        self.memberships
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.members.as_slice())
    }
}

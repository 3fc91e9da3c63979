//! Surevine's "spiffy" XML label and clearance forms (namespace
//! `http://surevine.com/xmlns/spiffy`), as the spiffing test suite writes them: policy OID
//! and lacv values. Read here so that suite can run against Pouch; [`Policy::spiffy_label`]
//! and [`Policy::spiffy_clearance`] turn them into the ADatP-4774 model by the SPIF's names.

use pouch_label::{ConfidentialityInformation, DateTime, Label, Token};

use crate::Limits;
use crate::dom::{self, Node};
use crate::error::{Error, ErrorKind};
use crate::model::{Policy, TagType};
use crate::release::Clearance;
use crate::resolve::{CatRef, Resolved};

/// The spiffy namespace.
pub const NAMESPACE: &str = "http://surevine.com/xmlns/spiffy";

/// One `tag` element: type, tag set OID and lacv.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpiffyTag {
    /// `type`.
    pub tag_type: TagType,
    /// `id`: the tag set OID.
    pub tag_set_id: String,
    /// `lacv`.
    pub lacv: u64,
}

/// A spiffy `label` or `clearance` document.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpiffyDocument {
    /// `true` for a `clearance`, `false` for a `label`.
    pub clearance: bool,
    /// `policy/@id`.
    pub policy_id: String,
    /// `classification/@lacv`, in document order (a label has one).
    pub classifications: Vec<u64>,
    /// `tag` elements.
    pub tags: Vec<SpiffyTag>,
}

fn bad(node: &Node, what: &'static str, value: &str) -> Error {
    Error::new(
        ErrorKind::Invalid {
            what,
            value: value.to_owned(),
        },
        &node.local,
        node.line,
    )
}

/// Reads a spiffy `label` or `clearance` document.
///
/// # Errors
///
/// An [`Error`] naming the element and line at fault.
pub fn parse(text: &[u8], limits: &Limits) -> Result<SpiffyDocument, Error> {
    let root = dom::parse(text, limits)?;
    let clearance = match root.local.as_str() {
        "label" => false,
        "clearance" => true,
        other => {
            return Err(Error::new(
                ErrorKind::WrongRoot(other.to_owned(), "label or clearance"),
                other,
                root.line,
            ));
        }
    };
    let mut doc = SpiffyDocument {
        clearance,
        policy_id: String::new(),
        classifications: Vec::new(),
        tags: Vec::new(),
    };
    for child in std::iter::once(&root).chain(root.children.iter()) {
        if child.ns != NAMESPACE {
            return Err(Error::new(
                ErrorKind::Namespace {
                    element: child.local.clone(),
                    found: child.ns.clone(),
                },
                &child.local,
                child.line,
            ));
        }
    }
    let lacv = |n: &Node| -> Result<u64, Error> {
        let v = n.attr("lacv").unwrap_or_default();
        v.trim().parse().map_err(|_| bad(n, "lacv", v))
    };
    for child in &root.children {
        match child.local.as_str() {
            "policy" => {
                doc.policy_id = child
                    .attr("id")
                    .ok_or_else(|| Error::new(ErrorKind::Missing("id"), "policy", child.line))?
                    .trim()
                    .to_owned();
            }
            "classification" => doc.classifications.push(lacv(child)?),
            "tag" => {
                let t = child.attr("type").unwrap_or_default();
                let tag_type = match t {
                    "restrictive" => TagType::Restrictive,
                    "enumeratedRestrictive" => TagType::EnumeratedRestrictive,
                    "permissive" => TagType::Permissive,
                    "enumeratedPermissive" => TagType::EnumeratedPermissive,
                    "informative" => TagType::Informative,
                    _ => return Err(bad(child, "tag type", t)),
                };
                doc.tags.push(SpiffyTag {
                    tag_type,
                    tag_set_id: child
                        .attr("id")
                        .ok_or_else(|| Error::new(ErrorKind::Missing("id"), "tag", child.line))?
                        .trim()
                        .to_owned(),
                    lacv: lacv(child)?,
                });
            }
            other => return Err(bad(child, "element", other)),
        }
    }
    if doc.policy_id.is_empty() {
        return Err(Error::new(
            ErrorKind::Missing("policy"),
            &root.local,
            root.line,
        ));
    }
    Ok(doc)
}

impl Policy {
    fn spiffy_cats(&self, doc: &SpiffyDocument) -> Result<Vec<CatRef>, Error> {
        if doc.policy_id != self.id {
            return Err(ErrorKind::TargetUnknown {
                what: "policy",
                value: doc.policy_id.clone(),
            }
            .into());
        }
        doc.tags
            .iter()
            .map(|t| {
                let set = self.tag_sets.iter().position(|s| s.id == t.tag_set_id);
                set.and_then(|s| self.find_in_set(s, t.tag_type, t.lacv))
                    .ok_or_else(|| {
                        Error::from(ErrorKind::TargetUnknown {
                            what: "category",
                            value: format!("{} {} {}", t.tag_set_id, t.tag_type.as_str(), t.lacv),
                        })
                    })
            })
            .collect()
    }

    /// The ADatP-4774 label of a spiffy label under this policy, created at `created`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::TargetUnknown`] for another policy or a lacv this policy lacks.
    pub fn spiffy_label(&self, doc: &SpiffyDocument, created: DateTime) -> Result<Label, Error> {
        let cats = self.spiffy_cats(doc)?;
        let class = doc
            .classifications
            .first()
            .and_then(|l| self.classifications.iter().position(|c| c.lacv == *l))
            .ok_or_else(|| ErrorKind::TargetUnknown {
                what: "classification lacv",
                value: format!("{:?}", doc.classifications),
            })?;
        let r = Resolved {
            class: Some(class),
            cats: cats.into_iter().collect(),
        };
        let template = Label::new(
            ConfidentialityInformation::new(
                Token::new("-").map_err(|_| ErrorKind::NoLabels)?,
                Token::new("-").map_err(|_| ErrorKind::NoLabels)?,
            ),
            created,
        );
        self.to_label(&r, &template)
    }

    /// The clearance of a spiffy clearance under this policy.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::TargetUnknown`] for another policy or a lacv this policy lacks.
    pub fn spiffy_clearance(&self, doc: &SpiffyDocument) -> Result<Clearance, Error> {
        let cats = self.spiffy_cats(doc)?;
        let classifications = doc
            .classifications
            .iter()
            .map(|l| {
                self.classifications
                    .iter()
                    .find(|c| c.lacv == *l)
                    .map(|c| c.name.clone())
                    .ok_or_else(|| ErrorKind::TargetUnknown {
                        what: "classification lacv",
                        value: l.to_string(),
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Clearance {
            policy: self.id.clone(),
            classifications,
            categories: self.categories_of(&cats.into_iter().collect())?,
        })
    }
}

//! The one error type of this crate: what was wrong ([`ErrorKind`]) and where ([`Place`]).

use core::fmt;

use crate::Status;

/// Everything this crate refuses: a SPIF, a Surevine "spiffy" document or a clearance that
/// could not be loaded, or a label that an operation cannot resolve under a policy. The
/// [`ErrorKind`] says what was wrong and the [`Place`] says where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<Inner>);

/// What an [`Error`] holds, boxed so that a `Result` carrying one stays a pointer wide.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    place: Place,
}

/// Where an [`Error`] was found. The place also says which input was at fault: an XML
/// document (SPIF or spiffy), a JSON clearance, or the label handed to an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Place {
    /// An element of an XML document.
    Element {
        /// The element's local name (empty for the document as a whole).
        name: String,
        /// The 1-based line of its start tag.
        line: usize,
    },
    /// A member of a JSON clearance, as a JSON pointer (`/categories/0/values/2`; `/` for
    /// the document).
    Json(String),
    /// The label (or labels, or clearance) handed to an operation under a loaded policy, as a
    /// whole: a decoded label has no line.
    Label,
}

impl Error {
    fn at(kind: ErrorKind, place: Place) -> Self {
        Self(Box::new(Inner { kind, place }))
    }

    pub(crate) fn new(kind: ErrorKind, element: &str, line: usize) -> Self {
        Self::at(
            kind,
            Place::Element {
                name: element.to_owned(),
                line,
            },
        )
    }

    pub(crate) fn at_json(kind: ErrorKind, path: &str) -> Self {
        Self::at(kind, Place::Json(path.to_owned()))
    }

    /// What was wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// Where.
    pub fn place(&self) -> &Place {
        &self.0.place
    }

    /// What was wrong, without the place.
    pub fn into_kind(self) -> ErrorKind {
        self.0.kind
    }

    /// The local name of the element at fault, when the fault is in an XML document (empty
    /// for the document as a whole).
    pub fn element(&self) -> Option<&str> {
        match self.place() {
            Place::Element { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The 1-based line of the element's start tag, when the fault is in an XML document.
    pub fn line(&self) -> Option<usize> {
        match *self.place() {
            Place::Element { line, .. } => Some(line),
            _ => None,
        }
    }

    /// The JSON pointer of the member at fault, when the fault is in a clearance.
    pub fn json_path(&self) -> Option<&str> {
        match self.place() {
            Place::Json(path) => Some(path),
            _ => None,
        }
    }
}

/// An error about the label handed to an operation ([`Place::Label`]).
impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self::at(kind, Place::Label)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place() {
            Place::Element { name, line } if name.is_empty() => {
                write!(f, "{} (line {line})", self.kind())
            }
            Place::Element { name, line } => write!(f, "{} in <{name}> (line {line})", self.kind()),
            Place::Json(path) => write!(f, "{} at {path}", self.kind()),
            Place::Label => write!(f, "{}", self.kind()),
        }
    }
}

impl std::error::Error for Error {}

/// What was wrong: with a policy document (SPIF, spiffy), with a clearance, or with a label
/// under a policy.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A limit other than size was exceeded.
    #[error("more than {limit} {what}")]
    LimitExceeded {
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// Not well-formed or not namespace-well-formed XML, or a DTD or entity.
    #[error("XML: {0}")]
    Xml(String),
    /// The root is not a SPIF (or the expected document element).
    #[error("root element {0} is not {1}")]
    WrongRoot(String, &'static str),
    /// An element in a namespace the document may not use there.
    #[error("element {element} is in namespace {found:?}")]
    Namespace {
        /// The element's local name.
        element: String,
        /// Its namespace (empty for none).
        found: String,
    },
    /// A required element or attribute is absent.
    #[error("missing {0}")]
    Missing(&'static str),
    /// An element or attribute whose value the schema does not allow.
    #[error("invalid {what} {value:?}")]
    Invalid {
        /// What the value is.
        what: &'static str,
        /// The value.
        value: String,
    },
    /// The same thing declared twice.
    #[error("duplicate {what} {value:?}")]
    Duplicate {
        /// What is duplicated (e.g. `excluded classification in category`).
        what: &'static str,
        /// The duplicated name or value.
        value: String,
    },
    /// A reference to something the SPIF does not declare.
    #[error("unknown {what} {value:?}")]
    Unknown {
        /// What kind of name was referred to.
        what: &'static str,
        /// The name.
        value: String,
    },
    /// The input is larger than the decoder's byte limit.
    #[error(transparent)]
    TooLarge(#[from] pouch_status::TooLarge),
    /// A clearance that is not JSON (with serde_json's line and column), or that gives a
    /// member twice.
    #[error("JSON: {0}")]
    Json(String),
    /// A clearance member the format does not define.
    #[error("unknown member {0:?}")]
    UnknownMember(String),
    /// A required clearance member is absent.
    #[error("missing member {0:?}")]
    MissingMember(&'static str),
    /// A clearance value of the wrong JSON type.
    #[error("expected {0}")]
    WrongType(&'static str),
    /// An empty array or string where the clearance format needs content.
    #[error("empty {0}")]
    Empty(&'static str),
    /// A clearance string the label model refuses (control characters, a bit string not of
    /// 0 and 1).
    #[error("invalid {what}: {reason}")]
    Refused {
        /// What the string is.
        what: &'static str,
        /// Why.
        reason: String,
    },

    /// The label does not resolve under the policy: the statuses say what is unknown.
    #[error("the label does not resolve under the policy: {}", crate::equivalence::first(.0))]
    Unresolved(Vec<Status>),
    /// The source policy lists no equivalent policy with the target's OID.
    #[error("policy {from} declares no equivalence to policy {to}")]
    NoEquivalentPolicy {
        /// The source policy's name.
        from: String,
        /// The target policy's OID.
        to: String,
    },
    /// The classification has no equivalent classification for the target.
    #[error("classification {classification} has no equivalent under {policy}")]
    NoEquivalentClassification {
        /// The source classification.
        classification: String,
        /// The target policy's name.
        policy: String,
    },
    /// A category value has no equivalent for the target.
    #[error("category {tag_set}: {value} has no equivalent under {policy}")]
    NoEquivalentCategory {
        /// The source tag set.
        tag_set: String,
        /// The source value.
        value: String,
        /// The target policy's name.
        policy: String,
    },
    /// An equivalence points at something the target policy does not have.
    #[error("the target policy has no {what} {value}")]
    TargetUnknown {
        /// What was looked for.
        what: &'static str,
        /// Its identifier.
        value: String,
    },
    /// No labels were given.
    #[error("no labels")]
    NoLabels,
    /// An ESS label without a policy identifier: its lacvs name nothing (spec §5.9).
    #[error("the ESS label has no policy id, so its values cannot be read under {policy}")]
    EssNoPolicy {
        /// This policy's name.
        policy: String,
    },
    /// An ESS label under another policy.
    #[error("unknown policy id: {found} (this policy is {policy}, {id})")]
    EssPolicyMismatch {
        /// The label's policy OID.
        found: String,
        /// This policy's name.
        policy: String,
        /// This policy's OID.
        id: String,
    },
    /// An ESS label without a classification, which every Pouch label has.
    #[error("the ESS label has no classification")]
    EssNoClassification,
    /// Something in an ESS label this policy does not define.
    #[error("{what} {value} is not in policy {policy}")]
    EssUnmapped {
        /// What was looked up (`classification lacv`, `tag set OID`, `value lacv`, ...).
        what: &'static str,
        /// What the label carries.
        value: String,
        /// This policy's name.
        policy: String,
    },
    /// Something of the label or the SPIF that cannot travel in an ESS label.
    #[error("cannot be carried in an ESS label: {what} {value}")]
    EssNotEncodable {
        /// What could not be encoded.
        what: &'static str,
        /// The value.
        value: String,
    },
    /// The ESS codec refused a value (e.g. a lacv too large for a bit map).
    #[error("ESS: {0}")]
    Ess(pouch_ess::Error),
}

#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use core::fmt;

/// How a status code bears on the verdict of its stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// A positive statement: the stage passed.
    Success,
    /// A rule that a producer SHOULD follow was not followed; the object stays usable.
    Warning,
    /// The object fails this stage.
    Error,
}

impl Severity {
    /// The registry's spelling of this severity.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Success => "success",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The pipeline stage that emits a status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Label decoding and the label profile's syntactic rules.
    Label,
}

impl Stage {
    /// The registry's spelling of this stage.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::Label => "label",
        }
    }
}

/// One entry of the status-code registry (`spec/registries/status-codes.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StatusCode {
    id: &'static str,
    stage: Stage,
    severity: Severity,
}

impl StatusCode {
    const fn new(id: &'static str, stage: Stage, severity: Severity) -> Self {
        Self {
            id,
            stage,
            severity,
        }
    }

    /// The code's identifier, e.g. `label.malformed`; identical in every binding.
    pub const fn id(&self) -> &'static str {
        self.id
    }

    /// The stage that emits the code.
    pub const fn stage(&self) -> Stage {
        self.stage
    }

    /// How the code bears on its stage's verdict.
    pub const fn severity(&self) -> Severity {
        self.severity
    }

    /// Looks a code up by its identifier.
    pub fn from_id(id: &str) -> Option<StatusCode> {
        ALL.iter().copied().find(|c| c.id == id)
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

macro_rules! registry {
    ($($(#[$doc:meta])* $name:ident = ($id:literal, $stage:ident, $sev:ident);)*) => {
        $(
            $(#[$doc])*
            pub const $name: StatusCode = StatusCode::new($id, Stage::$stage, Severity::$sev);
        )*
        /// Every registered code, in registry order.
        pub const ALL: &[StatusCode] = &[$($name),*];
    };
}

registry! {
    /// The label decoded under the label profile.
    LABEL_WELL_FORMED = ("label.well-formed", Label, Success);
    /// The label could not be decoded.
    LABEL_MALFORMED = ("label.malformed", Label, Error);
    /// Neither a ReviewDateTime nor a SuccessionHandling is present.
    LABEL_REVIEW_TIME_MISSING = ("label.review-time-missing", Label, Warning);
    /// The ReviewDateTime is earlier than the CreationDateTime.
    LABEL_REVIEW_TIME_BEFORE_CREATION = ("label.review-time-before-creation", Label, Warning);
    /// A SuccessionDateTime is earlier than the CreationDateTime it succeeds.
    LABEL_SUCCESSION_TIME_BEFORE_CREATION = ("label.succession-time-before-creation", Label, Warning);
    /// Two categories share the same TagName and Type.
    LABEL_CATEGORY_DUPLICATE = ("label.category-duplicate", Label, Warning);
    /// A category lists the same value twice.
    LABEL_CATEGORY_VALUE_DUPLICATE = ("label.category-value-duplicate", Label, Warning);
    /// A category carries no value.
    LABEL_CATEGORY_EMPTY = ("label.category-empty", Label, Warning);
}

//! One rule for which policy a label, a clearance or a trust-bundle authorisation names
//! (spec/05-policy.md §5.3, POUCH-POL-020 and POUCH-POL-032), and what follows from it:
//! authorisation through the policy's hierarchy and label equivalence (POUCH-POL-033,
//! POUCH-POL-054).

use pouch_label::Label;
use pouch_status::Severity;

use crate::error::Error;
use crate::model::Policy;
use crate::resolve::{Resolved, resolve};

/// How a label's `PolicyIdentifier` relates to one policy (POUCH-POL-020).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyMatch {
    /// The label names this policy: its text, and its URI when it has one, agree with the
    /// SPIF. `exact` is false when the text matches the SPIF's name only ignoring ASCII case.
    Names {
        /// Whether the text matched the name or OID exactly.
        exact: bool,
    },
    /// The label names another policy: neither its text nor its URI is this policy's.
    Other,
    /// One of the text and the URI names this policy and the other does not: the label is
    /// malformed under this policy (`policy.identifier-conflict`), whatever else it says.
    Conflict {
        /// Which part names this policy and which does not, in one line.
        detail: String,
    },
}

impl PolicyMatch {
    /// Whether the label names the policy, as [`PolicyMatch::Names`] or as a conflict:
    /// either way this policy is the one that judges it (and finds the conflict).
    pub fn claims(&self) -> bool {
        !matches!(self, PolicyMatch::Other)
    }
}

/// The OID of a `urn:oid:` URI (the prefix compared ignoring ASCII case, RFC 8141).
fn oid_of_uri(uri: &str) -> Option<&str> {
    uri.get(..8)
        .filter(|p| p.eq_ignore_ascii_case("urn:oid:"))
        .and_then(|_| uri.get(8..))
}

/// `s` with its whitespace collapsed as xs:token does.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Policy {
    /// How `label` names a policy relative to this one (POUCH-POL-020): the
    /// `PolicyIdentifier` text names this policy when it is the SPIF's name (ignoring ASCII
    /// case) or its OID; the `URI`, when present, when it is `urn:oid:` and the SPIF's OID.
    /// When the label has a URI, both must name this policy or neither.
    pub fn identify(&self, label: &Label) -> PolicyMatch {
        let ci = &label.confidentiality;
        let text = ci.policy_identifier.as_str();
        let id = self.id.trim();
        let name = collapse(&self.name);
        let text_exact = text == id || text == name;
        let text_names = text_exact || text.eq_ignore_ascii_case(&name);
        let Some(uri) = &ci.policy_identifier_uri else {
            return if text_names {
                PolicyMatch::Names { exact: text_exact }
            } else {
                PolicyMatch::Other
            };
        };
        let uri_names = oid_of_uri(uri.as_str()) == Some(id);
        match (text_names, uri_names) {
            (true, true) => PolicyMatch::Names { exact: text_exact },
            (false, false) => PolicyMatch::Other,
            (true, false) => PolicyMatch::Conflict {
                detail: format!(
                    "PolicyIdentifier {text:?} names {name} but its URI <{}> is not urn:oid:{id}",
                    uri.as_str()
                ),
            },
            (false, true) => PolicyMatch::Conflict {
                detail: format!(
                    "the URI <{}> names {name} but PolicyIdentifier {text:?} is neither its name nor its OID",
                    uri.as_str()
                ),
            },
        }
    }

    /// Whether the label names this policy, its text and URI agreeing (POUCH-POL-020).
    pub fn names_this_policy(&self, label: &Label) -> bool {
        matches!(self.identify(label), PolicyMatch::Names { .. })
    }

    /// Whether `identifier`, as a clearance or a trust-bundle authorisation writes a
    /// policy, is this policy: its name (ignoring ASCII case), its OID, or `urn:oid:` and its
    /// OID (POUCH-POL-032).
    pub fn is_called(&self, identifier: &str) -> bool {
        let p = collapse(identifier);
        let id = self.id.trim();
        p == id || oid_of_uri(&p) == Some(id) || p.eq_ignore_ascii_case(&collapse(&self.name))
    }

    /// Whether an authorisation listing `classifications` of this policy covers
    /// `classification` (POUCH-POL-033): the listed classification of highest hierarchy
    /// reaches it. Names are compared exactly, then ignoring ASCII case; a listed name this
    /// policy lacks covers nothing, and a classification this policy lacks is not covered.
    pub fn covers(&self, classifications: &[String], classification: &str) -> bool {
        let find = |n: &str| {
            let n = collapse(n);
            self.classifications
                .iter()
                .find(|c| c.name == n)
                .or_else(|| {
                    self.classifications
                        .iter()
                        .find(|c| c.name.eq_ignore_ascii_case(&n))
                })
                .map(|c| c.hierarchy)
        };
        let Some(wanted) = find(classification) else {
            return false;
        };
        classifications
            .iter()
            .filter_map(|c| find(c))
            .max()
            .is_some_and(|reach| reach >= wanted)
    }

    /// Whether `a` and `b` say the same under this policy: both name it, resolve without
    /// error, and have one classification and one set of values (their order, spelling by
    /// name or lacv, and grouping into categories aside).
    pub fn same_meaning(&self, a: &Label, b: &Label) -> bool {
        match (self.resolve_clean(a), self.resolve_clean(b)) {
            (Some(x), Some(y)) => x.class == y.class && x.cats == y.cats,
            _ => false,
        }
    }

    /// Whether `alternative`, a label under `target`, is the SPIF equivalent of `label`, a
    /// label under this policy (POUCH-POL-054): the label this policy's equivalences derive
    /// for `target` (POUCH-POL-050..052) says the same as `alternative` under `target`.
    ///
    /// # Errors
    ///
    /// [`Error`] when no equivalent can be derived (the label does not resolve, or
    /// this policy declares no equivalence for `target`, its classification or a value):
    /// then no alternative label is its equivalent.
    pub fn is_equivalent(
        &self,
        label: &Label,
        target: &Policy,
        alternative: &Label,
    ) -> Result<bool, Error> {
        let derived = self.equivalent(label, target)?;
        Ok(target.same_meaning(&derived, alternative))
    }

    fn resolve_clean(&self, label: &Label) -> Option<Resolved> {
        let mut statuses = Vec::new();
        let r = resolve(self, label, &mut statuses)?;
        (!statuses
            .iter()
            .any(|s| s.code.severity() == Severity::Error))
        .then_some(r)
    }
}

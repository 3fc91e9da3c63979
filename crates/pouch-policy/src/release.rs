//! Release decisions for one recipient (spec/05-policy.md §7, POUCH-POL-060..067).

use std::collections::BTreeSet;

use pouch_label::{Category, DateTime, Label};
use pouch_status::{
    RELEASE_CLEARANCE_CATEGORY, RELEASE_CLEARANCE_CLASSIFICATION,
    RELEASE_CLEARANCE_POLICY_MISMATCH, RELEASE_CLEARANCE_REQUIRED, RELEASE_DENIED,
    RELEASE_LABEL_INVALID, RELEASE_NO_BASIS, RELEASE_NOT_RELEASABLE_TO, RELEASE_PERMITTED,
    Severity,
};

use crate::Status;
use crate::model::{Policy, TagCategory};
use crate::resolve::{CatRef, resolve, resolve_categories};

/// A clearance: what a person or system is cleared for under one policy (its JSON form,
/// read by [`Clearance::from_json`], is in spec/05-policy.md §5.7.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clearance {
    /// The policy: its name, its OID, or `urn:oid:` and its OID.
    pub policy: String,
    /// Classification names held.
    pub classifications: Vec<String>,
    /// Category values held, as label categories (tag set name, type, values).
    pub categories: Vec<Category>,
}

/// Who would receive the data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recipient {
    /// A nation (ISO 3166 alpha-3, e.g. `FIN`) or organisation code, as the policy's
    /// category values and memberships spell it.
    pub code: String,
    /// The recipient's clearance, if known.
    pub clearance: Option<Clearance>,
}

impl Recipient {
    /// A recipient known by its code only.
    pub fn new(code: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            clearance: None,
        }
    }

    /// The same recipient with a clearance.
    pub fn with_clearance(mut self, clearance: Clearance) -> Self {
        self.clearance = Some(clearance);
        self
    }
}

/// The outcome of a release decision.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decision {
    /// Whether the recipient may receive the data.
    pub permitted: bool,
    /// Why: the reasons, ending with `release.permitted` or `release.denied`.
    pub statuses: Vec<Status>,
}

impl Clearance {
    /// Whether the clearance is under `policy`: its `policy` is the policy's name, OID or
    /// `urn:oid:` URI (POUCH-POL-032).
    pub fn is_under(&self, policy: &Policy) -> bool {
        policy.is_called(&self.policy)
    }
}

impl Policy {
    /// Decides whether `recipient` may receive data under `label` (spec/05-policy.md §7).
    /// The label may be an originator label or an alternative label under this policy; the
    /// caller decides which label applies. Validity periods are judged at the label's
    /// creation time. Release fails closed (POUCH-POL-067): it is permitted only on an
    /// explicit basis, a permissive value naming the recipient or a group listing it, or a
    /// clearance under this policy that dominates the label.
    pub fn release(&self, label: &Label, recipient: &Recipient) -> Decision {
        self.release_at(label, recipient, label.creation_date_time)
    }

    /// As [`Policy::release`], judging validity periods at `at`.
    pub fn release_at(&self, label: &Label, recipient: &Recipient, at: DateTime) -> Decision {
        let mut out: Vec<Status> = self
            .validate_at(label, at)
            .into_iter()
            .filter(|s| s.code.severity() == Severity::Error)
            .collect();
        let mut scratch = Vec::new();
        let resolved = resolve(self, label, &mut scratch);
        match resolved {
            Some(r) if out.is_empty() => self.decide(&r.cats, r.class, recipient, &mut out),
            _ => out.push(Status::new(
                RELEASE_LABEL_INVALID,
                "/",
                format!("the label is not valid under {}", self.name),
            )),
        }
        let permitted = !out.iter().any(|s| s.code.severity() == Severity::Error);
        out.push(if permitted {
            Status::new(
                RELEASE_PERMITTED,
                "/",
                format!("releasable to {}", recipient.code),
            )
        } else {
            Status::new(
                RELEASE_DENIED,
                "/",
                format!("not releasable to {}", recipient.code),
            )
        });
        Decision {
            permitted,
            statuses: out,
        }
    }

    /// Whether value `k` names `code`, directly or as a group that lists it.
    fn names(&self, k: &TagCategory, code: &str) -> bool {
        if k.name.trim().eq_ignore_ascii_case(code) {
            return true;
        }
        let mut aliases = vec![k.name.trim()];
        aliases.extend(k.marking.data.iter().filter_map(|d| d.phrase.as_deref()));
        self.memberships.iter().any(|m| {
            aliases.iter().any(|a| a.eq_ignore_ascii_case(&m.name))
                && m.members.iter().any(|x| x.eq_ignore_ascii_case(code))
        })
    }

    fn decide(
        &self,
        cats: &BTreeSet<CatRef>,
        class: Option<usize>,
        recipient: &Recipient,
        out: &mut Vec<Status>,
    ) {
        let clearance = recipient.clearance.as_ref();
        let held: Option<BTreeSet<CatRef>> = match clearance {
            Some(c) if c.is_under(self) => {
                let mut scratch = Vec::new();
                Some(resolve_categories(self, &c.categories, &mut scratch))
            }
            Some(c) => {
                out.push(Status::new(
                    RELEASE_CLEARANCE_POLICY_MISMATCH,
                    "/",
                    format!("clearance is under {:?}, not {}", c.policy, self.name),
                ));
                None
            }
            None => None,
        };
        let is_permissive = |c: &CatRef| {
            self.tag_type_of(*c).map(|t| t.category_type())
                == Some(pouch_label::CategoryType::Permissive)
        };
        let is_restrictive = |c: &CatRef| {
            self.tag_type_of(*c).map(|t| t.category_type())
                == Some(pouch_label::CategoryType::Restrictive)
        };
        // Releasability (POUCH-POL-062).
        let permissive: Vec<CatRef> = cats.iter().copied().filter(is_permissive).collect();
        if !permissive.is_empty() {
            let named = permissive
                .iter()
                .any(|&c| self.cat(c).is_some_and(|k| self.names(k, &recipient.code)));
            let cleared = held.as_ref().is_some_and(|h| {
                let mut tags: Vec<(usize, usize)> =
                    permissive.iter().map(|c| (c.set, c.tag)).collect();
                tags.dedup();
                tags.iter().all(|&(s, t)| {
                    permissive
                        .iter()
                        .any(|c| c.set == s && c.tag == t && h.contains(c))
                })
            });
            if !named && !cleared {
                out.push(Status::new(
                    RELEASE_NOT_RELEASABLE_TO,
                    "/confidentialityInformation/categories",
                    format!(
                        "no permissive value names {} or a group it belongs to",
                        recipient.code
                    ),
                ));
            }
        }
        // No permissive value names anyone: only a clearance can be the basis (POUCH-POL-067).
        if permissive.is_empty() && held.is_none() {
            out.push(Status::new(
                RELEASE_NO_BASIS,
                "/confidentialityInformation/categories",
                format!(
                    "the label names no one it is releasable to and {} holds no clearance under {}",
                    recipient.code, self.name
                ),
            ));
        }
        // Restrictive values need a clearance holding each (POUCH-POL-063, 066).
        let restrictive: Vec<CatRef> = cats.iter().copied().filter(is_restrictive).collect();
        if !restrictive.is_empty() && clearance.is_none() {
            out.push(Status::new(
                RELEASE_CLEARANCE_REQUIRED,
                "/confidentialityInformation/categories",
                "the label has restrictive categories and the recipient has no clearance",
            ));
        }
        if let Some(h) = &held {
            for c in &restrictive {
                if !h.contains(c) {
                    let name = self.cat(*c).map_or("?", |k| k.name.as_str());
                    out.push(Status::new(
                        RELEASE_CLEARANCE_CATEGORY,
                        "/confidentialityInformation/categories",
                        format!("the clearance lacks restrictive value {name}"),
                    ));
                }
            }
            // Classification (POUCH-POL-065).
            if let (Some(k), Some(c)) = (class.and_then(|i| self.classifications.get(i)), clearance)
            {
                let reach = c
                    .classifications
                    .iter()
                    .filter_map(|n| self.classification(n))
                    .map(|x| x.hierarchy)
                    .max();
                if reach.is_none_or(|h| h < k.hierarchy) {
                    out.push(Status::new(
                        RELEASE_CLEARANCE_CLASSIFICATION,
                        "/confidentialityInformation/classification",
                        format!("the clearance does not reach {}", k.name),
                    ));
                }
            }
        }
    }
}

//! Equivalent labels under another policy (spec/05-policy.md §5, POUCH-POL-050..053), and
//! the error of every operation that needs a label to resolve.

use std::collections::BTreeSet;

use pouch_label::{Category, CategoryValue, ConfidentialityInformation, Label, Text, Token};
use pouch_status::Severity;

use crate::Status;
use crate::model::{Operation, Policy, RequiredGroup};
use crate::resolve::{CatRef, Resolved, resolve};

/// Why a label could not be rendered, mapped or combined under a policy.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LabelError {
    /// The label does not resolve under the policy: the statuses say what is unknown.
    #[error("the label does not resolve under the policy: {}", first(.0))]
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

fn first(statuses: &[Status]) -> String {
    statuses
        .iter()
        .find(|s| s.code.severity() == Severity::Error)
        .map_or_else(String::new, ToString::to_string)
}

impl Policy {
    /// `label` resolved, or the statuses that say why not.
    pub(crate) fn resolve_strict(&self, label: &Label) -> Result<Resolved, LabelError> {
        let mut statuses = Vec::new();
        match resolve(self, label, &mut statuses) {
            Some(r)
                if !statuses
                    .iter()
                    .any(|s| s.code.severity() == Severity::Error) =>
            {
                Ok(r)
            }
            _ => Err(LabelError::Unresolved(statuses)),
        }
    }

    /// The value of tag set `name`, tag type and lacv of a category reference.
    fn find_ref(&self, set_name: &str, tag_type: crate::TagType, lacv: u64) -> Option<CatRef> {
        let set = self.tag_sets.iter().position(|s| s.name == set_name)?;
        self.find_in_set(set, tag_type, lacv)
    }

    pub(crate) fn find_in_set(
        &self,
        set: usize,
        tag_type: crate::TagType,
        lacv: u64,
    ) -> Option<CatRef> {
        let ts = self.tag_sets.get(set)?;
        ts.tags.iter().enumerate().find_map(|(t, tag)| {
            if tag.tag_type != tag_type {
                return None;
            }
            let cat = tag.categories.iter().position(|c| c.lacv == lacv)?;
            Some(CatRef { set, tag: t, cat })
        })
    }

    /// Adds what `groups` require and `r` lacks: every referenced value for `all`, the first
    /// for `oneOrMore` and `onlyOne` (POUCH-POL-052).
    fn fix_up(&self, r: &mut Resolved, groups: &[RequiredGroup]) -> Result<(), LabelError> {
        for g in groups {
            if self.group_satisfied(r, g) {
                continue;
            }
            let wanted: Vec<_> = match g.operation {
                Operation::All => g.groups.iter().collect(),
                Operation::OneOrMore | Operation::OnlyOne => g.groups.iter().take(1).collect(),
            };
            for w in wanted {
                let Some(l) = w.lacv else { continue };
                let c = self.find_ref(&w.tag_set, w.tag_type, l).ok_or_else(|| {
                    LabelError::TargetUnknown {
                        what: "required category",
                        value: format!("{} {} {l}", w.tag_set, w.tag_type.as_str()),
                    }
                })?;
                r.cats.insert(c);
            }
        }
        Ok(())
    }

    /// The alternative label of `label` (under this policy) under `target`, through this
    /// policy's equivalences (spec/05-policy.md §5). The originator label is not changed: a
    /// new label is returned, with the originator's identifier and times.
    ///
    /// # Errors
    ///
    /// [`LabelError`] naming what has no equivalent, or why the label does not resolve.
    pub fn equivalent(&self, label: &Label, target: &Policy) -> Result<Label, LabelError> {
        let src = self.resolve_strict(label)?;
        let ep = self
            .equivalent_policies
            .iter()
            .find(|e| e.id == target.id)
            .ok_or_else(|| LabelError::NoEquivalentPolicy {
                from: self.name.clone(),
                to: target.id.clone(),
            })?;
        let mut out = Resolved::default();
        let mut required: Vec<RequiredGroup> = ep.required.clone();
        if let Some(k) = src.class.and_then(|i| self.classifications.get(i)) {
            let eq = k
                .equivalents
                .iter()
                .find(|e| e.policy == ep.name && e.applied.outgoing())
                .ok_or_else(|| LabelError::NoEquivalentClassification {
                    classification: k.name.clone(),
                    policy: target.name.clone(),
                })?;
            let i = target
                .classifications
                .iter()
                .position(|c| c.lacv == eq.lacv)
                .ok_or_else(|| LabelError::TargetUnknown {
                    what: "classification lacv",
                    value: eq.lacv.to_string(),
                })?;
            out.class = Some(i);
            required.extend(eq.required.iter().cloned());
        }
        for &c in &src.cats {
            let Some(k) = self.cat(c) else { continue };
            let eqs: Vec<_> = k
                .equivalents
                .iter()
                .filter(|e| e.policy == ep.name && e.applied.outgoing())
                .collect();
            if eqs.is_empty() {
                return Err(LabelError::NoEquivalentCategory {
                    tag_set: self
                        .tag_sets
                        .get(c.set)
                        .map(|s| s.name.clone())
                        .unwrap_or_default(),
                    value: k.name.clone(),
                    policy: target.name.clone(),
                });
            }
            for e in eqs {
                if e.discard {
                    continue;
                }
                let unknown = || LabelError::TargetUnknown {
                    what: "category",
                    value: format!(
                        "{} {} {}",
                        e.tag_set_id,
                        e.tag_type.as_str(),
                        e.lacv.map(|l| l.to_string()).unwrap_or_default()
                    ),
                };
                let set = target
                    .tag_sets
                    .iter()
                    .position(|s| s.id == e.tag_set_id)
                    .ok_or_else(unknown)?;
                let lacv = e.lacv.ok_or_else(unknown)?;
                out.cats.insert(
                    target
                        .find_in_set(set, e.tag_type, lacv)
                        .ok_or_else(unknown)?,
                );
            }
        }
        target.fix_up(&mut out, &required)?;
        target.to_label(&out, label)
    }

    /// A label under this policy with the values of `r` and the identifier and times of
    /// `template`.
    pub(crate) fn to_label(&self, r: &Resolved, template: &Label) -> Result<Label, LabelError> {
        let bad = |what: &'static str, value: &str| LabelError::TargetUnknown {
            what,
            value: value.to_owned(),
        };
        let class = r
            .class
            .and_then(|i| self.classifications.get(i))
            .ok_or_else(|| bad("classification", ""))?;
        let mut ci = ConfidentialityInformation::new(
            Token::collapse(&self.name).map_err(|_| bad("policy name as a token", &self.name))?,
            Token::collapse(&class.name)
                .map_err(|_| bad("classification name as a token", &class.name))?,
        );
        ci.policy_identifier_uri = Token::new(format!("urn:oid:{}", self.id)).ok();
        ci.categories = self.categories_of(&r.cats)?;
        let mut l = Label::new(ci, template.creation_date_time);
        l.originator_id = template.originator_id.clone();
        l.review_date_time = template.review_date_time;
        Ok(l)
    }

    /// Label categories for a set of values: one per tag set and category type, in SPIF order.
    pub(crate) fn categories_of(
        &self,
        cats: &BTreeSet<CatRef>,
    ) -> Result<Vec<Category>, LabelError> {
        let mut out: Vec<Category> = Vec::new();
        for &c in cats {
            let (Some(set), Some(k), Some(t)) =
                (self.tag_sets.get(c.set), self.cat(c), self.tag_type_of(c))
            else {
                continue;
            };
            let ty = t.category_type();
            let value = CategoryValue::Generic(Text::new(k.name.clone()).map_err(|_| {
                LabelError::TargetUnknown {
                    what: "value name as text",
                    value: k.name.clone(),
                }
            })?);
            if let Some(cat) = out
                .iter_mut()
                .find(|x| x.tag_name.as_str() == set.name && x.category_type == ty)
            {
                if !cat.values.contains(&value) {
                    cat.values.push(value);
                }
            } else {
                out.push(Category {
                    tag_name: Text::new(set.name.clone()).map_err(|_| {
                        LabelError::TargetUnknown {
                            what: "tag set name as text",
                            value: set.name.clone(),
                        }
                    })?,
                    category_type: ty,
                    uri: None,
                    values: vec![value],
                });
            }
        }
        Ok(out)
    }
}

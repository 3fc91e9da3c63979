//! Equivalent labels under another policy (spec/05-policy.md §5, POUCH-POL-050..053).

use std::collections::BTreeSet;

use pouch_label::{Category, CategoryValue, ConfidentialityInformation, Label, Text, Token};
use pouch_status::Severity;

use crate::Status;
use crate::error::{Error, ErrorKind};
use crate::model::{Operation, Policy, RequiredGroup};
use crate::resolve::{CatRef, Resolved, resolve};

pub(crate) fn first(statuses: &[Status]) -> String {
    statuses
        .iter()
        .find(|s| s.code.severity() == Severity::Error)
        .map_or_else(String::new, ToString::to_string)
}

impl Policy {
    /// `label` resolved, or the statuses that say why not.
    pub(crate) fn resolve_strict(&self, label: &Label) -> Result<Resolved, Error> {
        let mut statuses = Vec::new();
        match resolve(self, label, &mut statuses) {
            Some(r)
                if !statuses
                    .iter()
                    .any(|s| s.code.severity() == Severity::Error) =>
            {
                Ok(r)
            }
            _ => Err(ErrorKind::Unresolved(statuses).into()),
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
    fn fix_up(&self, r: &mut Resolved, groups: &[RequiredGroup]) -> Result<(), Error> {
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
                    ErrorKind::TargetUnknown {
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
    /// [`Error`] naming what has no equivalent, or why the label does not resolve.
    pub fn equivalent(&self, label: &Label, target: &Policy) -> Result<Label, Error> {
        let src = self.resolve_strict(label)?;
        let ep = self
            .equivalent_policies
            .iter()
            .find(|e| e.id == target.id)
            .ok_or_else(|| ErrorKind::NoEquivalentPolicy {
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
                .ok_or_else(|| ErrorKind::NoEquivalentClassification {
                    classification: k.name.clone(),
                    policy: target.name.clone(),
                })?;
            let i = target
                .classifications
                .iter()
                .position(|c| c.lacv == eq.lacv)
                .ok_or_else(|| ErrorKind::TargetUnknown {
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
                return Err(ErrorKind::NoEquivalentCategory {
                    tag_set: self
                        .tag_sets
                        .get(c.set)
                        .map(|s| s.name.clone())
                        .unwrap_or_default(),
                    value: k.name.clone(),
                    policy: target.name.clone(),
                }
                .into());
            }
            for e in eqs {
                if e.discard {
                    continue;
                }
                let unknown = || ErrorKind::TargetUnknown {
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
    pub(crate) fn to_label(&self, r: &Resolved, template: &Label) -> Result<Label, Error> {
        let bad = |what: &'static str, value: &str| ErrorKind::TargetUnknown {
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
    pub(crate) fn categories_of(&self, cats: &BTreeSet<CatRef>) -> Result<Vec<Category>, Error> {
        let mut out: Vec<Category> = Vec::new();
        for &c in cats {
            let (Some(set), Some(k), Some(t)) =
                (self.tag_sets.get(c.set), self.cat(c), self.tag_type_of(c))
            else {
                continue;
            };
            let ty = t.category_type();
            let value = CategoryValue::Generic(Text::new(k.name.clone()).map_err(|_| {
                ErrorKind::TargetUnknown {
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
                        ErrorKind::TargetUnknown {
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

//! Matching a label to a policy: names to classification and tag categories
//! (spec/05-policy.md §3, POUCH-POL-020..025).

use std::collections::BTreeSet;

use pouch_label::{CategoryValue, Label};
use pouch_status::{
    POLICY_CATEGORY_TYPE_MISMATCH, POLICY_CATEGORY_UNKNOWN, POLICY_CATEGORY_VALUE_UNKNOWN,
    POLICY_CLASSIFICATION_UNKNOWN, POLICY_IDENTIFIER_CONFLICT, POLICY_MISMATCH, POLICY_NAME_CASE,
};

use crate::Status;
use crate::identity::PolicyMatch;
use crate::model::{Policy, TagCategory, TagType};

/// One value of a policy: tag set, tag and category indices. The derived order is the
/// SPIF's document order, which markings follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct CatRef {
    pub(crate) set: usize,
    pub(crate) tag: usize,
    pub(crate) cat: usize,
}

/// A label in the terms of a policy.
#[derive(Clone, Debug, Default)]
pub(crate) struct Resolved {
    pub(crate) class: Option<usize>,
    pub(crate) cats: BTreeSet<CatRef>,
}

impl Policy {
    pub(crate) fn cat(&self, r: CatRef) -> Option<&TagCategory> {
        self.tag_sets
            .get(r.set)?
            .tags
            .get(r.tag)?
            .categories
            .get(r.cat)
    }

    pub(crate) fn tag_type_of(&self, r: CatRef) -> Option<TagType> {
        Some(self.tag_sets.get(r.set)?.tags.get(r.tag)?.tag_type)
    }
}

/// Finds `name` among `names`: exactly, else ignoring ASCII case (reported).
fn find<'a, I: Iterator<Item = &'a str>>(names: I, name: &str) -> Option<(usize, bool)> {
    let names: Vec<&str> = names.collect();
    if let Some(i) = names.iter().position(|n| *n == name) {
        return Some((i, true));
    }
    names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(name))
        .map(|i| (i, false))
}

pub(crate) fn resolve(policy: &Policy, label: &Label, out: &mut Vec<Status>) -> Option<Resolved> {
    let ci = &label.confidentiality;
    match policy.identify(label) {
        PolicyMatch::Names { exact: true } => {}
        PolicyMatch::Names { exact: false } => out.push(Status::new(
            POLICY_NAME_CASE,
            "/confidentialityInformation/policyIdentifier",
            format!(
                "policy {:?} matches {:?} only ignoring case",
                ci.policy_identifier.as_str(),
                policy.name
            ),
        )),
        PolicyMatch::Conflict { detail } => {
            out.push(Status::new(
                POLICY_IDENTIFIER_CONFLICT,
                "/confidentialityInformation/policyIdentifier",
                detail,
            ));
            return None;
        }
        PolicyMatch::Other => {
            out.push(Status::new(
                POLICY_MISMATCH,
                "/confidentialityInformation/policyIdentifier",
                format!(
                    "label names policy {:?}{}; this policy is {} ({})",
                    ci.policy_identifier.as_str(),
                    ci.policy_identifier_uri
                        .as_ref()
                        .map(|u| format!(" <{}>", u.as_str()))
                        .unwrap_or_default(),
                    policy.name,
                    policy.id
                ),
            ));
            return None;
        }
    }
    let mut r = Resolved::default();
    let class = ci.classification.as_str();
    match find(
        policy.classifications.iter().map(|c| c.name.as_str()),
        class,
    ) {
        Some((i, exact)) => {
            r.class = Some(i);
            if !exact {
                out.push(Status::new(
                    POLICY_NAME_CASE,
                    "/confidentialityInformation/classification",
                    format!("classification {class:?} matches only ignoring case"),
                ));
            }
        }
        None => out.push(Status::new(
            POLICY_CLASSIFICATION_UNKNOWN,
            "/confidentialityInformation/classification",
            format!("classification {class:?} is not in policy {}", policy.name),
        )),
    }
    r.cats = resolve_categories(policy, &ci.categories, out);
    Some(r)
}

/// The values of `categories` in `policy`; each one that does not resolve is reported.
pub(crate) fn resolve_categories(
    policy: &Policy,
    categories: &[pouch_label::Category],
    out: &mut Vec<Status>,
) -> BTreeSet<CatRef> {
    let mut cats = BTreeSet::new();
    for (ci_idx, cat) in categories.iter().enumerate() {
        let path = format!("/confidentialityInformation/categories/{ci_idx}");
        let tag_name = cat.tag_name.as_str();
        let Some((set, exact)) = find(policy.tag_sets.iter().map(|s| s.name.as_str()), tag_name)
        else {
            out.push(Status::new(
                POLICY_CATEGORY_UNKNOWN,
                format!("{path}/tagName"),
                format!("no tag set {tag_name:?} in policy {}", policy.name),
            ));
            continue;
        };
        if !exact {
            out.push(Status::new(
                POLICY_NAME_CASE,
                format!("{path}/tagName"),
                format!("tag set {tag_name:?} matches only ignoring case"),
            ));
        }
        let Some(ts) = policy.tag_sets.get(set) else {
            continue;
        };
        let tags: Vec<usize> = (0..ts.tags.len())
            .filter(|&t| {
                ts.tags
                    .get(t)
                    .is_some_and(|t| t.tag_type.category_type() == cat.category_type)
            })
            .collect();
        if tags.is_empty() {
            out.push(Status::new(
                POLICY_CATEGORY_TYPE_MISMATCH,
                format!("{path}/type"),
                format!(
                    "tag set {:?} has no {} tag",
                    ts.name,
                    cat.category_type.as_str()
                ),
            ));
            continue;
        }
        for (vi, value) in cat.values.iter().enumerate() {
            let found = tags.iter().find_map(|&t| {
                let tag = ts.tags.get(t)?;
                let c = match value {
                    CategoryValue::Generic(text) => find(
                        tag.categories.iter().map(|c| c.name.as_str()),
                        text.as_str(),
                    ),
                    CategoryValue::Integer(n) => tag
                        .categories
                        .iter()
                        .position(|c| c.lacv == *n)
                        .map(|i| (i, true)),
                    CategoryValue::BitString(_) => None,
                }?;
                Some((t, c))
            });
            match found {
                Some((tag, (c, exact))) => {
                    if !exact {
                        out.push(Status::new(
                            POLICY_NAME_CASE,
                            format!("{path}/values/{vi}"),
                            format!("value {value} matches only ignoring case"),
                        ));
                    }
                    cats.insert(CatRef { set, tag, cat: c });
                }
                None => out.push(Status::new(
                    POLICY_CATEGORY_VALUE_UNKNOWN,
                    format!("{path}/values/{vi}"),
                    format!(
                        "{value:?} is not a {} value of {:?}",
                        cat.category_type, ts.name
                    ),
                )),
            }
        }
    }
    cats
}

//! Label validation under a policy (spec/05-policy.md §3, POUCH-POL-026..032).

use pouch_label::{DateTime, Label};
use pouch_status::{
    POLICY_CATEGORY_EXCLUDED, POLICY_CATEGORY_REQUIRED, POLICY_CLASSIFICATION_EXCLUDED,
    POLICY_LABEL_VALID, POLICY_NOT_IN_FORCE, POLICY_OBSOLETE, POLICY_SELECTION_LIMIT, Severity,
};

use crate::Status;
use crate::model::{CategoryRef, Operation, Policy, RequiredGroup};
use crate::resolve::{CatRef, Resolved, resolve};

impl Policy {
    /// Every rule of this policy the label breaks, each as its own status; or the single
    /// status `policy.label-valid` (with any warnings before it) when it breaks none.
    /// Validity periods are judged at the label's `CreationDateTime` (POUCH-POL-031).
    pub fn validate(&self, label: &Label) -> Vec<Status> {
        self.validate_at(label, label.creation_date_time)
    }

    /// As [`Policy::validate`], judging validity periods at `at`.
    pub fn validate_at(&self, label: &Label, at: DateTime) -> Vec<Status> {
        let mut out = Vec::new();
        if let Some(r) = resolve(self, label, &mut out) {
            self.rules(&r, at, &mut out);
        }
        if !out.iter().any(|s| s.code.severity() == Severity::Error) {
            out.push(Status::new(
                POLICY_LABEL_VALID,
                "/",
                format!("valid under {} ({})", self.name, self.id),
            ));
        }
        out
    }

    /// Whether a resolved value matches a category reference of this policy.
    pub(crate) fn matches(&self, c: CatRef, r: &CategoryRef) -> bool {
        let Some(set) = self.tag_sets.get(c.set) else {
            return false;
        };
        set.name == r.tag_set
            && self.tag_type_of(c) == Some(r.tag_type)
            && r.lacv
                .is_none_or(|l| self.cat(c).is_some_and(|k| k.lacv == l))
    }

    pub(crate) fn group_satisfied(&self, r: &Resolved, g: &RequiredGroup) -> bool {
        let hits = g
            .groups
            .iter()
            .filter(|want| r.cats.iter().any(|&c| self.matches(c, want)))
            .count();
        match g.operation {
            Operation::OnlyOne => hits == 1,
            Operation::OneOrMore => hits >= 1,
            Operation::All => hits == g.groups.len(),
        }
    }

    fn describe(&self, c: CatRef) -> String {
        let set = self.tag_sets.get(c.set).map_or("?", |s| s.name.as_str());
        let name = self.cat(c).map_or("?", |k| k.name.as_str());
        format!("{set}: {name}")
    }

    pub(crate) fn rules(&self, r: &Resolved, at: DateTime, out: &mut Vec<Status>) {
        let class_path = "/confidentialityInformation/classification";
        if !self.validity.contains(at) {
            out.push(Status::new(
                POLICY_NOT_IN_FORCE,
                "/confidentialityInformation/policyIdentifier",
                format!("policy {} is not in force at {at}", self.name),
            ));
        }
        if let Some(k) = r.class.and_then(|i| self.classifications.get(i)) {
            if k.obsolete {
                out.push(Status::new(
                    POLICY_OBSOLETE,
                    class_path,
                    format!("classification {} is obsolete", k.name),
                ));
            }
            if !k.validity.contains(at) {
                out.push(Status::new(
                    POLICY_NOT_IN_FORCE,
                    class_path,
                    format!("classification {} is not in force at {at}", k.name),
                ));
            }
            for g in &k.required {
                if !self.group_satisfied(r, g) {
                    out.push(Status::new(
                        POLICY_CATEGORY_REQUIRED,
                        class_path,
                        format!("classification {} requires {}", k.name, describe_group(g)),
                    ));
                }
            }
        }
        // Selection limits, per tag present.
        let mut tags: Vec<(usize, usize)> = r.cats.iter().map(|c| (c.set, c.tag)).collect();
        tags.dedup();
        for (set, tag) in tags {
            let Some(t) = self.tag_sets.get(set).and_then(|s| s.tags.get(tag)) else {
                continue;
            };
            let n = r
                .cats
                .iter()
                .filter(|c| c.set == set && c.tag == tag)
                .count() as u64;
            let max = if t.single_selection {
                Some(1)
            } else {
                t.max_selection
            };
            let too_many = max.is_some_and(|m| n > m);
            let too_few = t.min_selection.is_some_and(|m| n < m);
            if too_many || too_few {
                out.push(Status::new(
                    POLICY_SELECTION_LIMIT,
                    "/confidentialityInformation/categories",
                    format!(
                        "tag {:?} has {n} values; the policy allows {}..{}",
                        t.name,
                        t.min_selection.unwrap_or(0),
                        max.map_or("unbounded".to_owned(), |m| m.to_string())
                    ),
                ));
            }
        }
        for &c in &r.cats {
            let Some(k) = self.cat(c) else { continue };
            let path = "/confidentialityInformation/categories";
            if k.obsolete {
                out.push(Status::new(
                    POLICY_OBSOLETE,
                    path,
                    format!("{} is obsolete", self.describe(c)),
                ));
            }
            if !k.validity.contains(at) {
                out.push(Status::new(
                    POLICY_NOT_IN_FORCE,
                    path,
                    format!("{} is not in force at {at}", self.describe(c)),
                ));
            }
            if let Some(class) = r.class
                && k.excluded_classes.contains(&class)
            {
                let name = self
                    .classifications
                    .get(class)
                    .map_or("?", |k| k.name.as_str());
                out.push(Status::new(
                    POLICY_CLASSIFICATION_EXCLUDED,
                    class_path,
                    format!("{} excludes classification {name}", self.describe(c)),
                ));
            }
            for ex in &k.excluded {
                for &other in &r.cats {
                    if other != c && self.matches(other, ex) {
                        out.push(Status::new(
                            POLICY_CATEGORY_EXCLUDED,
                            path,
                            format!("{} excludes {}", self.describe(c), self.describe(other)),
                        ));
                    }
                }
            }
            for g in &k.required {
                if !self.group_satisfied(r, g) {
                    out.push(Status::new(
                        POLICY_CATEGORY_REQUIRED,
                        path,
                        format!("{} requires {}", self.describe(c), describe_group(g)),
                    ));
                }
            }
        }
    }
}

fn describe_group(g: &RequiredGroup) -> String {
    let op = match g.operation {
        Operation::OnlyOne => "exactly one of",
        Operation::OneOrMore => "one or more of",
        Operation::All => "all of",
    };
    let items: Vec<String> = g
        .groups
        .iter()
        .map(|r| {
            format!(
                "{} {}{}",
                r.tag_set,
                r.tag_type.as_str(),
                r.lacv.map(|l| format!(" lacv {l}")).unwrap_or_default()
            )
        })
        .collect();
    format!("{op} [{}]", items.join(", "))
}

//! The dominant label of several labels (spec/05-policy.md §6, POUCH-POL-055..057).

use std::collections::BTreeSet;

use pouch_label::{CategoryType, Label};

use crate::Status;
use crate::error::{Error, ErrorKind};
use crate::model::Policy;
use crate::resolve::{CatRef, Resolved};

impl Policy {
    /// The label that dominates every label of `labels` under this policy: the highest
    /// classification by hierarchy; permissive values intersected per tag (a tag absent from
    /// any label, or left with no value, is dropped); restrictive and informative values
    /// united. The result is validated under the policy and returned with its statuses; its
    /// creation time is the latest of the labels'.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NoLabels`] for an empty slice, [`ErrorKind::Unresolved`] when a label
    /// does not resolve under this policy.
    pub fn dominant(&self, labels: &[Label]) -> Result<(Label, Vec<Status>), Error> {
        let Some(latest) = labels.iter().max_by_key(|l| l.creation_date_time) else {
            return Err(ErrorKind::NoLabels.into());
        };
        let resolved: Vec<Resolved> = labels
            .iter()
            .map(|l| self.resolve_strict(l))
            .collect::<Result<_, _>>()?;
        let mut out = Resolved {
            class: resolved
                .iter()
                .filter_map(|r| r.class)
                .max_by_key(|&i| self.classifications.get(i).map(|k| k.hierarchy)),
            cats: BTreeSet::new(),
        };
        let ty = |c: &CatRef| self.tag_type_of(*c).map(|t| t.category_type());
        for r in &resolved {
            out.cats.extend(
                r.cats
                    .iter()
                    .filter(|c| ty(c) != Some(CategoryType::Permissive)),
            );
        }
        let tags: BTreeSet<(usize, usize)> = resolved
            .iter()
            .flat_map(|r| r.cats.iter())
            .filter(|c| ty(c) == Some(CategoryType::Permissive))
            .map(|c| (c.set, c.tag))
            .collect();
        for (set, tag) in tags {
            let mut common: Option<BTreeSet<CatRef>> = None;
            for r in &resolved {
                let mine: BTreeSet<CatRef> = r
                    .cats
                    .iter()
                    .copied()
                    .filter(|c| c.set == set && c.tag == tag)
                    .collect();
                common = Some(match common {
                    None => mine,
                    Some(prev) => prev.intersection(&mine).copied().collect(),
                });
            }
            out.cats.extend(common.unwrap_or_default());
        }
        let label = self.to_label(&out, latest)?;
        let statuses = self.validate(&label);
        Ok((label, statuses))
    }
}

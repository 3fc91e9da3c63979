//! The label profile's advisory rules (spec/02-label.md §6), which a well-formed label may
//! still break, and the plain marking.

use pouch_status::{
    LABEL_CATEGORY_DUPLICATE, LABEL_CATEGORY_EMPTY, LABEL_CATEGORY_VALUE_DUPLICATE,
    LABEL_REVIEW_TIME_BEFORE_CREATION, LABEL_REVIEW_TIME_MISSING,
    LABEL_SUCCESSION_TIME_BEFORE_CREATION, StatusCode,
};

use crate::model::{ConfidentialityInformation, Label, SuccessionHandling};
use crate::time::DateTime;

/// One broken advisory rule: its status code, where, and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The registry code (severity `warning` for every rule of this module).
    pub code: StatusCode,
    /// Where in the label, as a JSON member path.
    pub path: String,
    /// What is wrong, in one line.
    pub detail: String,
}

/// Every advisory rule the label breaks, in document order; empty when it follows them all.
pub fn check(label: &Label) -> Vec<Finding> {
    let mut out = Vec::new();
    if label.review_date_time.is_none() && label.succession_handling.is_none() {
        out.push(Finding {
            code: LABEL_REVIEW_TIME_MISSING,
            path: "/".into(),
            detail: "neither reviewDateTime nor successionHandling is present".into(),
        });
    }
    if let Some(r) = label.review_date_time
        && r < label.creation_date_time
    {
        out.push(Finding {
            code: LABEL_REVIEW_TIME_BEFORE_CREATION,
            path: "/reviewDateTime".into(),
            detail: format!("review {r} precedes creation {}", label.creation_date_time),
        });
    }
    info_rules(
        &label.confidentiality,
        "/confidentialityInformation",
        &mut out,
    );
    succession_rules(
        label.succession_handling.as_ref(),
        label.creation_date_time,
        "/successionHandling",
        &mut out,
    );
    out
}

fn succession_rules(
    mut s: Option<&SuccessionHandling>,
    mut created: DateTime,
    path: &str,
    out: &mut Vec<Finding>,
) {
    let mut path = path.to_owned();
    while let Some(h) = s {
        if h.succession_date_time < created {
            out.push(Finding {
                code: LABEL_SUCCESSION_TIME_BEFORE_CREATION,
                path: format!("{path}/successionDateTime"),
                detail: format!(
                    "succession {} precedes creation {created}",
                    h.succession_date_time
                ),
            });
        }
        let n = &h.successor;
        info_rules(
            &n.confidentiality,
            &format!("{path}/successor/confidentialityInformation"),
            out,
        );
        created = n.creation_date_time;
        s = n.succession_handling.as_ref();
        path = format!("{path}/successor/successionHandling");
    }
}

fn info_rules(info: &ConfidentialityInformation, path: &str, out: &mut Vec<Finding>) {
    for (i, c) in info.categories.iter().enumerate() {
        let cp = format!("{path}/categories/{i}");
        if let Some(first) = info.categories[..i]
            .iter()
            .position(|o| o.tag_name == c.tag_name && o.category_type == c.category_type)
        {
            out.push(Finding {
                code: LABEL_CATEGORY_DUPLICATE,
                path: cp.clone(),
                detail: format!(
                    "category {:?} {} repeats category {first}",
                    c.tag_name.as_str(),
                    c.category_type
                ),
            });
        }
        if c.values.is_empty() {
            out.push(Finding {
                code: LABEL_CATEGORY_EMPTY,
                path: cp.clone(),
                detail: format!("category {:?} has no value", c.tag_name.as_str()),
            });
        }
        for (j, v) in c.values.iter().enumerate() {
            if c.values[..j].contains(v) {
                out.push(Finding {
                    code: LABEL_CATEGORY_VALUE_DUPLICATE,
                    path: format!("{cp}/values/{j}"),
                    detail: format!("value {v} appears twice in {:?}", c.tag_name.as_str()),
                });
            }
        }
    }
}

/// `CLASSIFICATION [PRIVACY MARK] [TagName v1, v2] ...`, without policy knowledge.
pub(crate) fn plain_marking(label: &Label) -> String {
    let i = &label.confidentiality;
    let mut parts = vec![i.classification.as_str().to_owned()];
    if let Some(p) = &i.privacy_mark {
        parts.push(p.as_str().to_owned());
    }
    for c in &i.categories {
        let values: Vec<String> = c.values.iter().map(|v| v.to_string()).collect();
        if values.is_empty() {
            parts.push(c.tag_name.as_str().to_owned());
        } else {
            parts.push(format!("{} {}", c.tag_name.as_str(), values.join(", ")));
        }
    }
    parts.join(" ")
}

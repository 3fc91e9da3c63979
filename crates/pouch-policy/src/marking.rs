//! Display markings (spec/05-policy.md §4, POUCH-POL-040..044).

use pouch_label::Label;
use pouch_status::Severity;

use crate::error::{Error, ErrorKind};
use crate::model::{Marking, MarkingData, Policy, QualifierCode};
use crate::release::Clearance;
use crate::resolve::{CatRef, resolve, resolve_categories};

/// The language used when none is asked for.
const DEFAULT_LANG: &str = "en";

fn primary(lang: &str) -> &str {
    lang.split(['-', '_']).next().unwrap_or(lang)
}

/// The entries of one language: exact tag, then same primary subtag, then untagged
/// (POUCH-POL-041).
fn by_lang<'a, T>(items: &'a [T], lang_of: impl Fn(&T) -> Option<&str>, lang: &str) -> Vec<&'a T> {
    let exact: Vec<&T> = items
        .iter()
        .filter(|i| lang_of(i).is_some_and(|l| l.eq_ignore_ascii_case(lang)))
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let near: Vec<&T> = items
        .iter()
        .filter(|i| lang_of(i).is_some_and(|l| primary(l).eq_ignore_ascii_case(primary(lang))))
        .collect();
    if !near.is_empty() {
        return near;
    }
    items.iter().filter(|i| lang_of(i).is_none()).collect()
}

/// The marking data that applies to the page-bottom display marking in `lang`: the first
/// entry coded for the page bottom or carrying no location code (POUCH-POL-042).
fn data<'a>(m: &'a Marking, lang: &str) -> Option<&'a MarkingData> {
    by_lang(&m.data, |d| d.lang.as_deref(), lang)
        .into_iter()
        .find(|d| d.codes.page_bottom || !(d.codes.page_top || d.codes.other_location))
}

fn qualifier(m: &Marking, lang: &str, code: QualifierCode) -> Option<String> {
    let of_code: Vec<_> = m
        .qualifiers
        .iter()
        .filter(|q| q.code == code)
        .cloned()
        .collect();
    by_lang(&of_code, |q| q.lang.as_deref(), lang)
        .first()
        .map(|q| q.text.clone())
}

impl Policy {
    /// The display marking of `label` in `lang` (default `en`), e.g.
    /// `NATO SECRET Releasable to FIN, SWE` (spec/05-policy.md §4).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Unresolved`] when the label names another policy or a classification,
    /// tag set or value this policy does not have.
    pub fn marking(&self, label: &Label, lang: Option<&str>) -> Result<String, Error> {
        let mut statuses = Vec::new();
        let resolved = resolve(self, label, &mut statuses);
        if statuses
            .iter()
            .any(|s| s.code.severity() == Severity::Error)
        {
            return Err(ErrorKind::Unresolved(statuses).into());
        }
        let Some(r) = resolved else {
            return Err(ErrorKind::Unresolved(statuses).into());
        };
        let lang = lang.unwrap_or(DEFAULT_LANG);
        let class = r.class.and_then(|i| self.classifications.get(i));
        let class_data = class.and_then(|k| data(&k.marking, lang));
        let policy_data = data(&self.marking, lang);
        let sep = qualifier(&self.marking, lang, QualifierCode::Separator)
            .unwrap_or_else(|| " ".to_owned());
        let cat_data = |c: CatRef| self.cat(c).and_then(|k| data(&k.marking, lang));
        let suppress = r
            .cats
            .iter()
            .any(|&c| cat_data(c).is_some_and(|d| d.codes.suppress_class_name));
        // The policy's part: replaced by the policy, the classification or a value.
        let mut out = if let Some(d) = policy_data.filter(|d| d.codes.replace_policy) {
            d.phrase.clone().unwrap_or_else(|| self.name.clone())
        } else if let (Some(d), Some(k)) = (class_data.filter(|d| d.codes.replace_policy), class) {
            d.phrase.clone().unwrap_or_else(|| k.name.clone())
        } else if let Some((c, d)) = r.cats.iter().find_map(|&c| {
            cat_data(c)
                .filter(|d| d.codes.replace_policy)
                .map(|d| (c, d))
        }) {
            d.phrase
                .clone()
                .unwrap_or_else(|| self.cat(c).map(|k| k.name.clone()).unwrap_or_default())
        } else {
            self.name.clone()
        };
        if !suppress && let Some(k) = class {
            if !out.is_empty() {
                out.push_str(&sep);
            }
            match class_data {
                Some(d) if !d.codes.replace_policy => {
                    out.push_str(d.phrase.as_deref().unwrap_or(&k.name));
                }
                _ => out.push_str(&k.name),
            }
        }
        self.categories_marking(&r.cats, lang, &sep, &mut out);
        Ok(self.wrap(out, lang))
    }

    /// The marking of a clearance in `lang`: `{` its classifications by hierarchy `}`, then
    /// its categories as a label's (spec/05-policy.md §4, POUCH-POL-044).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Unresolved`] when the clearance names values this policy lacks.
    pub fn clearance_marking(
        &self,
        clearance: &Clearance,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        let lang = lang.unwrap_or(DEFAULT_LANG);
        let mut statuses = Vec::new();
        let cats = resolve_categories(self, &clearance.categories, &mut statuses);
        if statuses
            .iter()
            .any(|s| s.code.severity() == Severity::Error)
        {
            return Err(ErrorKind::Unresolved(statuses).into());
        }
        let mut classes: Vec<_> = clearance
            .classifications
            .iter()
            .filter_map(|n| self.classification(n))
            .collect();
        classes.sort_by_key(|k| k.hierarchy);
        let names: Vec<&str> = classes.iter().map(|k| k.name.as_str()).collect();
        let mut out = format!("{{{}}}", names.join("|"));
        let sep = qualifier(&self.marking, lang, QualifierCode::Separator)
            .unwrap_or_else(|| " ".to_owned());
        self.categories_marking(&cats, lang, &sep, &mut out);
        Ok(self.wrap(out, lang))
    }

    fn wrap(&self, body: String, lang: &str) -> String {
        let prefix = qualifier(&self.marking, lang, QualifierCode::Prefix).unwrap_or_default();
        let suffix = qualifier(&self.marking, lang, QualifierCode::Suffix).unwrap_or_default();
        format!("{prefix}{body}{suffix}")
    }

    /// Values in SPIF order, grouped by tag: separator, the tag's prefix, its values joined by
    /// its separator (default `/`), its suffix. Hidden values are left out, and a tag with
    /// none shown is left out whole.
    fn categories_marking(
        &self,
        cats: &std::collections::BTreeSet<CatRef>,
        lang: &str,
        sep: &str,
        out: &mut String,
    ) {
        let mut current: Option<(usize, usize)> = None;
        let mut tag_sep = String::new();
        let mut tag_suffix = String::new();
        for &c in cats {
            let Some(k) = self.cat(c) else { continue };
            let phrase = match data(&k.marking, lang) {
                Some(d) if d.codes.no_name_display || d.codes.no_marking_display => continue,
                Some(d) if d.codes.replace_policy => k.name.clone(),
                Some(d) => d.phrase.clone().unwrap_or_else(|| k.name.clone()),
                None => k.name.clone(),
            };
            if phrase.is_empty() {
                continue;
            }
            if current == Some((c.set, c.tag)) {
                out.push_str(&tag_sep);
            } else {
                out.push_str(&tag_suffix);
                if !out.is_empty() {
                    out.push_str(sep);
                }
                current = Some((c.set, c.tag));
                let tag = self.tag_sets.get(c.set).and_then(|s| s.tags.get(c.tag));
                let m = tag.map(|t| &t.marking);
                out.push_str(
                    &m.and_then(|m| qualifier(m, lang, QualifierCode::Prefix))
                        .unwrap_or_default(),
                );
                tag_sep = m
                    .and_then(|m| qualifier(m, lang, QualifierCode::Separator))
                    .unwrap_or_else(|| "/".to_owned());
                tag_suffix = m
                    .and_then(|m| qualifier(m, lang, QualifierCode::Suffix))
                    .unwrap_or_default();
            }
            out.push_str(&phrase);
        }
        out.push_str(&tag_suffix);
    }
}

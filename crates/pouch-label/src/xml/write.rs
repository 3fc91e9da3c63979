//! The deterministic XML writer: default namespace, two-space indentation, schema order.

use core::fmt::Write as _;

use crate::NAMESPACE;
use crate::model::{
    CategoryValue, ConfidentialityInformation, DateTime, Label, LabelElement, OriginatorId,
    SuccessionHandling,
};

/// The whole document, ending with a line feed.
pub(super) fn document(label: &Label, role: LabelElement) -> String {
    let mut w = String::with_capacity(1024);
    w.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
    w.push_str(role.element_name());
    w.push_str(" xmlns=\"");
    w.push_str(NAMESPACE);
    w.push('"');
    if let Some(id) = &label.id {
        attribute(&mut w, "Id", id.as_str());
    }
    if let Some(review) = &label.review_date_time {
        attribute(&mut w, "ReviewDateTime", &review.to_string());
    }
    w.push_str(">\n");

    // A chain of successors is written iteratively: open tags going down, close coming back.
    let mut depth = 1;
    let mut opened = 0usize;
    let mut body = (
        &label.confidentiality,
        label.originator_id.as_ref(),
        &label.creation_date_time,
        label.succession_handling.as_ref(),
    );
    loop {
        let (confidentiality, originator, created, succession) = body;
        base(&mut w, depth, confidentiality, originator, created);
        let Some(SuccessionHandling {
            succession_date_time,
            successor,
        }) = succession
        else {
            break;
        };
        open(&mut w, depth, "SuccessionHandling");
        element(
            &mut w,
            depth + 1,
            "SuccessionDateTime",
            &[],
            &succession_date_time.to_string(),
        );
        open(&mut w, depth + 1, "SuccessorConfidentialityLabel");
        depth += 2;
        opened += 1;
        body = (
            &successor.confidentiality,
            successor.originator_id.as_ref(),
            &successor.creation_date_time,
            successor.succession_handling.as_ref(),
        );
    }
    for _ in 0..opened {
        depth -= 2;
        close(&mut w, depth + 1, "SuccessorConfidentialityLabel");
        close(&mut w, depth, "SuccessionHandling");
    }
    w.push_str("</");
    w.push_str(role.element_name());
    w.push_str(">\n");
    w
}

fn base(
    w: &mut String,
    depth: usize,
    info: &ConfidentialityInformation,
    originator: Option<&OriginatorId>,
    created: &DateTime,
) {
    open(w, depth, "ConfidentialityInformation");
    let d = depth + 1;
    let uri = |u: Option<&crate::model::Token>| u.map(|u| ("URI", u.as_str().to_owned()));
    let attrs: Vec<_> = uri(info.policy_identifier_uri.as_ref())
        .into_iter()
        .collect();
    element(
        w,
        d,
        "PolicyIdentifier",
        &attrs,
        info.policy_identifier.as_str(),
    );
    let attrs: Vec<_> = uri(info.classification_uri.as_ref()).into_iter().collect();
    element(w, d, "Classification", &attrs, info.classification.as_str());
    if let Some(mark) = &info.privacy_mark {
        element(w, d, "PrivacyMark", &[], mark.as_str());
    }
    for category in &info.categories {
        let mut attrs = vec![
            ("TagName", category.tag_name.as_str().to_owned()),
            ("Type", category.category_type.as_str().to_owned()),
        ];
        attrs.extend(uri(category.uri.as_ref()));
        indent(w, d);
        w.push_str("<Category");
        for (name, value) in &attrs {
            attribute(w, name, value);
        }
        if category.values.is_empty() {
            w.push_str("/>\n");
            continue;
        }
        w.push_str(">\n");
        for value in &category.values {
            let (name, text) = match value {
                CategoryValue::Generic(t) => ("GenericValue", t.as_str().to_owned()),
                CategoryValue::Integer(n) => ("IntegerValue", n.to_string()),
                CategoryValue::BitString(b) => ("BitStringValue", b.as_str().to_owned()),
            };
            element(w, d + 1, name, &[], &text);
        }
        close(w, d, "Category");
    }
    close(w, depth, "ConfidentialityInformation");
    if let Some(originator) = originator {
        let attrs = [("IDType", originator.id_type.as_str().to_owned())];
        element(w, depth, "OriginatorID", &attrs, originator.value.as_str());
    }
    element(w, depth, "CreationDateTime", &[], &created.to_string());
}

fn indent(w: &mut String, depth: usize) {
    for _ in 0..depth {
        w.push_str("  ");
    }
}

fn open(w: &mut String, depth: usize, name: &str) {
    indent(w, depth);
    let _ = writeln!(w, "<{name}>");
}

fn close(w: &mut String, depth: usize, name: &str) {
    indent(w, depth);
    let _ = writeln!(w, "</{name}>");
}

/// A simple-content element on one line.
fn element(w: &mut String, depth: usize, name: &str, attrs: &[(&str, String)], text: &str) {
    indent(w, depth);
    w.push('<');
    w.push_str(name);
    for (attr, value) in attrs {
        attribute(w, attr, value);
    }
    w.push('>');
    for c in text.chars() {
        match c {
            '&' => w.push_str("&amp;"),
            '<' => w.push_str("&lt;"),
            '>' => w.push_str("&gt;"),
            '\r' => w.push_str("&#xD;"),
            c => w.push(c),
        }
    }
    let _ = writeln!(w, "</{name}>");
}

/// ` name="value"`, escaped so that attribute-value normalisation gives `value` back.
fn attribute(w: &mut String, name: &str, value: &str) {
    w.push(' ');
    w.push_str(name);
    w.push_str("=\"");
    for c in value.chars() {
        match c {
            '&' => w.push_str("&amp;"),
            '<' => w.push_str("&lt;"),
            '"' => w.push_str("&quot;"),
            '\t' => w.push_str("&#x9;"),
            '\n' => w.push_str("&#xA;"),
            '\r' => w.push_str("&#xD;"),
            c => w.push(c),
        }
    }
    w.push('"');
}

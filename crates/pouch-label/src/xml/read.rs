//! The label element grammar (nl-cl.xsd), driven by the lexer's items. No recursion: a
//! chain of `SuccessionHandling` is read with an explicit stack, bounded by
//! `Limits::max_succession_depth`.

use super::{
    Lexer, Ns, Tag, attributes, child, is_xml_space, limit_string, no_attributes, string_text,
    text_content, time, time_element, token, unexpected,
};
use crate::error::{Error, ErrorKind};
use crate::model::{
    BitString, Category, CategoryType, CategoryValue, ConfidentialityInformation, DateTime, IdType,
    Label, OriginatorId, SuccessionHandling, SuccessorLabel, Token, XmlId,
};

const SUCCESSOR: &str = "/successionHandling/successor";

/// A `ConfidentialityLabelBaseType` sequence as read so far.
struct Body {
    confidentiality: ConfidentialityInformation,
    originator_id: Option<OriginatorId>,
    creation_date_time: DateTime,
    /// `SuccessionDateTime` when the body continues with a successor label (whose start tag
    /// has been read).
    succession: Option<DateTime>,
}

/// Reads a label element whose start tag is `root`, through its end tag.
pub(super) fn label(lx: &mut Lexer<'_>, root: Tag) -> Result<Label, Error> {
    let [id, review] = attributes(&root, ["Id", "ReviewDateTime"], true, "/")?;
    let id = id
        .map(|v| {
            let v = v.trim_matches(is_xml_space);
            limit_string(lx, v, "/id", root.pos)?;
            XmlId::new(v).map_err(|e| Error::new(ErrorKind::String(e), "/id", Some(root.pos)))
        })
        .transpose()?;
    let review = review
        .map(|v| time(v, "/reviewDateTime", root.pos))
        .transpose()?;

    let mut stack: Vec<(Body, DateTime)> = Vec::new();
    let mut prefix = String::new();
    let mut body = loop {
        let body = base(lx, &prefix)?;
        match body.succession {
            Some(when) => {
                let limit = lx.limits().max_succession_depth;
                if stack.len() >= limit {
                    return Err(Error::new(
                        ErrorKind::LimitExceeded {
                            what: "succession levels",
                            limit,
                        },
                        format!("{prefix}/successionHandling"),
                        Some(lx.last_pos),
                    ));
                }
                stack.push((body, when));
                prefix.push_str(SUCCESSOR);
            }
            None => break body,
        }
    };
    let mut succession = None;
    while let Some((parent, when)) = stack.pop() {
        prefix.truncate(prefix.len().saturating_sub(SUCCESSOR.len()));
        close(lx, &format!("{prefix}/successionHandling"))?;
        close(lx, here(&prefix))?;
        let successor = SuccessorLabel {
            confidentiality: body.confidentiality,
            originator_id: body.originator_id,
            creation_date_time: body.creation_date_time,
            succession_handling: succession.take(),
        };
        succession = Some(SuccessionHandling {
            succession_date_time: when,
            successor: Box::new(successor),
        });
        body = parent;
    }
    Ok(Label {
        confidentiality: body.confidentiality,
        originator_id: body.originator_id,
        creation_date_time: body.creation_date_time,
        succession_handling: succession,
        review_date_time: review,
        id,
    })
}

/// The path of the element itself: `/` for the root label.
fn here(prefix: &str) -> &str {
    if prefix.is_empty() { "/" } else { prefix }
}

/// Tracks a schema `xs:sequence` of named children.
struct Sequence {
    names: &'static [&'static str],
    members: &'static [&'static str],
    required: &'static [bool],
    repeatable: &'static [bool],
    next: usize,
    seen: Vec<bool>,
}

impl Sequence {
    fn new(
        names: &'static [&'static str],
        members: &'static [&'static str],
        required: &'static [bool],
        repeatable: &'static [bool],
    ) -> Self {
        Self {
            names,
            members,
            required,
            repeatable,
            next: 0,
            seen: vec![false; names.len()],
        }
    }

    /// Accepts child `tag` (in any namespace) or says why not; returns its index.
    fn step(&mut self, tag: &Tag, prefix: &str) -> Result<usize, Error> {
        let index = self.names.iter().position(|n| *n == tag.local);
        let Some(i) = index.filter(|_| tag.ns == Ns::Label) else {
            return Err(unexpected(tag, here(prefix)));
        };
        let name = tag.local.clone();
        if i < self.next {
            let again = i + 1 == self.next && self.repeatable.get(i).copied().unwrap_or(false);
            if again {
                return Ok(i);
            }
            let kind = if self.seen.get(i).copied().unwrap_or(false) {
                ErrorKind::Duplicate(name)
            } else {
                ErrorKind::UnexpectedElement(name)
            };
            return Err(Error::new(kind, here(prefix), Some(tag.pos)));
        }
        self.missing_before(i, prefix, tag.pos)?;
        if let Some(seen) = self.seen.get_mut(i) {
            *seen = true;
        }
        self.next = i + 1;
        Ok(i)
    }

    /// A required child before index `end` that was not seen.
    fn missing_before(&self, end: usize, prefix: &str, pos: u64) -> Result<(), Error> {
        for k in self.next..end {
            if self.required.get(k).copied().unwrap_or(false) {
                let name = self.names.get(k).copied().unwrap_or("?");
                let member = self.members.get(k).copied().unwrap_or("?");
                return Err(Error::new(
                    ErrorKind::Missing(name),
                    format!("{prefix}/{member}"),
                    Some(pos),
                ));
            }
        }
        Ok(())
    }

    /// At the parent's end tag: every required child must have been seen.
    fn finish(&self, prefix: &str, pos: u64) -> Result<(), Error> {
        self.missing_before(self.names.len(), prefix, pos)
    }
}

fn missing(name: &'static str, path: String, pos: u64) -> Error {
    Error::new(ErrorKind::Missing(name), path, Some(pos))
}

/// Reads a `ConfidentialityLabelBaseType` body after its start tag: through its end tag, or
/// through the start tag of `SuccessorConfidentialityLabel`.
fn base(lx: &mut Lexer<'_>, prefix: &str) -> Result<Body, Error> {
    let mut seq = Sequence::new(
        &[
            "ConfidentialityInformation",
            "OriginatorID",
            "CreationDateTime",
            "SuccessionHandling",
        ],
        &[
            "confidentialityInformation",
            "originatorId",
            "creationDateTime",
            "successionHandling",
        ],
        &[true, false, true, false],
        &[false, false, false, false],
    );
    let mut confidentiality = None;
    let mut originator_id = None;
    let mut creation = None;
    let mut succession = None;
    while let Some(tag) = child(lx, here(prefix))? {
        match seq.step(&tag, prefix)? {
            0 => {
                let path = format!("{prefix}/confidentialityInformation");
                confidentiality = Some(confidentiality_information(lx, &tag, &path)?);
            }
            1 => {
                let path = format!("{prefix}/originatorId");
                originator_id = Some(originator(lx, &tag, &path)?);
            }
            2 => {
                let path = format!("{prefix}/creationDateTime");
                creation = Some(time_element(lx, &tag, &path)?);
            }
            _ => {
                let path = format!("{prefix}/successionHandling");
                no_attributes(&tag, &path)?;
                succession = Some(succession_start(lx, &path)?);
                break;
            }
        }
    }
    if succession.is_none() {
        seq.finish(prefix, lx.last_pos)?;
    }
    match (confidentiality, creation) {
        (Some(confidentiality), Some(creation_date_time)) => Ok(Body {
            confidentiality,
            originator_id,
            creation_date_time,
            succession,
        }),
        (None, _) => Err(missing(
            "ConfidentialityInformation",
            format!("{prefix}/confidentialityInformation"),
            lx.last_pos,
        )),
        (_, None) => Err(missing(
            "CreationDateTime",
            format!("{prefix}/creationDateTime"),
            lx.last_pos,
        )),
    }
}

/// Reads `SuccessionDateTime` and the start tag of `SuccessorConfidentialityLabel`.
fn succession_start(lx: &mut Lexer<'_>, path: &str) -> Result<DateTime, Error> {
    let time_path = format!("{path}/successionDateTime");
    let successor_path = format!("{path}/successor");
    let Some(tag) = child(lx, path)? else {
        return Err(missing("SuccessionDateTime", time_path, lx.last_pos));
    };
    let when = match (&tag.ns, tag.local.as_str()) {
        (Ns::Label, "SuccessionDateTime") => time_element(lx, &tag, &time_path)?,
        (Ns::Label, "SuccessorConfidentialityLabel") => {
            return Err(missing("SuccessionDateTime", time_path, tag.pos));
        }
        _ => return Err(unexpected(&tag, path)),
    };
    let Some(tag) = child(lx, path)? else {
        return Err(missing(
            "SuccessorConfidentialityLabel",
            successor_path,
            lx.last_pos,
        ));
    };
    match (&tag.ns, tag.local.as_str()) {
        (Ns::Label, "SuccessorConfidentialityLabel") => {
            no_attributes(&tag, &successor_path)?;
            Ok(when)
        }
        (Ns::Label, "SuccessionDateTime") => Err(Error::new(
            ErrorKind::Duplicate(tag.local.clone()),
            path,
            Some(tag.pos),
        )),
        _ => Err(unexpected(&tag, path)),
    }
}

/// Expects the end tag of the current element (only extensions could follow here).
fn close(lx: &mut Lexer<'_>, path: &str) -> Result<(), Error> {
    match child(lx, path)? {
        None => Ok(()),
        Some(tag) => Err(unexpected(&tag, path)),
    }
}

fn confidentiality_information(
    lx: &mut Lexer<'_>,
    tag: &Tag,
    prefix: &str,
) -> Result<ConfidentialityInformation, Error> {
    no_attributes(tag, prefix)?;
    let mut seq = Sequence::new(
        &[
            "PolicyIdentifier",
            "Classification",
            "PrivacyMark",
            "Category",
        ],
        &[
            "policyIdentifier",
            "classification",
            "privacyMark",
            "categories",
        ],
        &[true, true, false, false],
        &[false, false, false, true],
    );
    let mut policy = None;
    let mut classification = None;
    let mut privacy_mark = None;
    let mut categories: Vec<Category> = Vec::new();
    while let Some(child_tag) = child(lx, prefix)? {
        match seq.step(&child_tag, prefix)? {
            0 => policy = Some(token_with_uri(lx, &child_tag, prefix, "policyIdentifier")?),
            1 => classification = Some(token_with_uri(lx, &child_tag, prefix, "classification")?),
            2 => {
                let path = format!("{prefix}/privacyMark");
                no_attributes(&child_tag, &path)?;
                let text = text_content(lx, &path)?;
                privacy_mark = Some(string_text(lx, text, &path, child_tag.pos)?);
            }
            _ => {
                let limit = lx.limits().max_categories;
                if categories.len() >= limit {
                    return Err(Error::new(
                        ErrorKind::LimitExceeded {
                            what: "categories",
                            limit,
                        },
                        format!("{prefix}/categories"),
                        Some(child_tag.pos),
                    ));
                }
                let path = format!("{prefix}/categories/{}", categories.len());
                categories.push(category(lx, &child_tag, &path)?);
            }
        }
    }
    seq.finish(prefix, lx.last_pos)?;
    let (
        Some((policy_identifier, policy_identifier_uri)),
        Some((classification, classification_uri)),
    ) = (policy, classification)
    else {
        return Err(missing(
            "PolicyIdentifier",
            format!("{prefix}/policyIdentifier"),
            lx.last_pos,
        ));
    };
    Ok(ConfidentialityInformation {
        policy_identifier,
        policy_identifier_uri,
        classification,
        classification_uri,
        privacy_mark,
        categories,
    })
}

/// `PolicyIdentifier` or `Classification`: an `xs:token` with an optional `URI`.
fn token_with_uri(
    lx: &mut Lexer<'_>,
    tag: &Tag,
    prefix: &str,
    member: &str,
) -> Result<(Token, Option<Token>), Error> {
    let path = format!("{prefix}/{member}");
    let [uri] = attributes(tag, ["URI"], false, &path)?;
    let uri = uri
        .map(|u| token(lx, u, &format!("{prefix}/{member}Uri"), tag.pos))
        .transpose()?;
    let text = text_content(lx, &path)?;
    Ok((token(lx, &text, &path, tag.pos)?, uri))
}

fn category(lx: &mut Lexer<'_>, tag: &Tag, path: &str) -> Result<Category, Error> {
    let [kind, tag_name, uri] = attributes(tag, ["Type", "TagName", "URI"], false, path)?;
    let type_path = format!("{path}/type");
    let Some(kind) = kind else {
        return Err(missing("Type", type_path, tag.pos));
    };
    let collapsed = Token::collapse(kind)
        .map(|t| t.as_str().to_owned())
        .unwrap_or_default();
    let Some(category_type) = CategoryType::from_name(&collapsed) else {
        return Err(Error::new(
            ErrorKind::CategoryType(kind.to_owned()),
            type_path,
            Some(tag.pos),
        ));
    };
    let name_path = format!("{path}/tagName");
    let Some(tag_name) = tag_name else {
        return Err(missing("TagName", name_path, tag.pos));
    };
    let tag_name = string_text(lx, tag_name.to_owned(), &name_path, tag.pos)?;
    let uri = uri
        .map(|u| token(lx, u, &format!("{path}/uri"), tag.pos))
        .transpose()?;
    let mut values = Vec::new();
    while let Some(value_tag) = child(lx, path)? {
        let kind = match (&value_tag.ns, value_tag.local.as_str()) {
            (Ns::Label, k @ ("GenericValue" | "IntegerValue" | "BitStringValue")) => k,
            _ => return Err(unexpected(&value_tag, path)),
        };
        let limit = lx.limits().max_values;
        if values.len() >= limit {
            return Err(Error::new(
                ErrorKind::LimitExceeded {
                    what: "category values",
                    limit,
                },
                format!("{path}/values"),
                Some(value_tag.pos),
            ));
        }
        let value_path = format!("{path}/values/{}", values.len());
        no_attributes(&value_tag, &value_path)?;
        let text = text_content(lx, &value_path)?;
        let at = |kind| Error::new(kind, value_path.as_str(), Some(value_tag.pos));
        let value = match kind {
            "GenericValue" => {
                CategoryValue::Generic(string_text(lx, text, &value_path, value_tag.pos)?)
            }
            "IntegerValue" => {
                let parsed = (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| text.parse::<u64>().ok())
                    .flatten();
                match parsed {
                    Some(n) => CategoryValue::Integer(n),
                    None => return Err(at(ErrorKind::Integer(text))),
                }
            }
            _ => {
                limit_string(lx, &text, &value_path, value_tag.pos)?;
                CategoryValue::BitString(
                    BitString::new(text).map_err(|e| at(ErrorKind::String(e)))?,
                )
            }
        };
        values.push(value);
    }
    Ok(Category {
        tag_name,
        category_type,
        uri,
        values,
    })
}

fn originator(lx: &mut Lexer<'_>, tag: &Tag, path: &str) -> Result<OriginatorId, Error> {
    let [id_type] = attributes(tag, ["IDType"], false, path)?;
    let type_path = format!("{path}/idType");
    let Some(id_type) = id_type else {
        return Err(missing("IDType", type_path, tag.pos));
    };
    let Some(id_type) = IdType::from_name(id_type) else {
        return Err(Error::new(
            ErrorKind::IdType(id_type.to_owned()),
            type_path,
            Some(tag.pos),
        ));
    };
    let value_path = format!("{path}/value");
    let text = text_content(lx, &value_path)?;
    let value = string_text(lx, text, &value_path, tag.pos)?;
    Ok(OriginatorId { id_type, value })
}

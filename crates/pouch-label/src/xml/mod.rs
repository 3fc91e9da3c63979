//! The ADatP-4774 XML form of a label (spec/02-label.md, POUCH-LBL-025/026/041/042/043).
//!
//! Decoding streams the document through quick-xml's namespace-aware reader: no DOM, no
//! recursion, no DTD and no entity other than the five predefined ones and character
//! references. [`labels_in_document`] finds the labels of any XML document (an ADatP-4778
//! binding, a SPIF whose extensions embed one) with the same element parser that
//! [`crate::Label::from_xml`] uses for a document whose root is a label.

mod lex;
mod read;
mod write;

use lex::{Lexer, is_xml_space};

use crate::error::{Error, ErrorKind};
use crate::model::{DateTime, Label, LabelElement, Text, Token};
use crate::{Limits, NAMESPACE};

/// quick-xml's namespace-aware reader over `text`, set as every Pouch XML decoder reads (this
/// crate's label decoder and `pouch-policy`'s SPIF reader): an end tag must match its start
/// tag, a comment must be well-formed, an unmatched end tag is an error, and an empty element
/// is reported as such rather than as a start and an end.
///
/// Hidden from the documentation: it shares one setting between two Pouch crates and hands
/// out a quick-xml type, which is no stable part of this crate's API.
#[doc(hidden)]
pub fn strict_reader(text: &str) -> quick_xml::reader::NsReader<&[u8]> {
    let mut reader = quick_xml::reader::NsReader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.check_comments = true;
    config.allow_unmatched_ends = false;
    config.expand_empty_elements = false;
    reader
}

/// The XML Schema instance namespace (`xsi:schemaLocation` on a label element is accepted).
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Decodes a document whose root element is a label element.
pub(crate) fn decode(text: &[u8], limits: &Limits) -> Result<(LabelElement, Label), Error> {
    let mut lx = Lexer::new(text, limits)?;
    // The lexer consumes the prolog and refuses text, end tags and the end of input there.
    let root = match lx.next()? {
        Item::Start(tag) => tag,
        Item::Chars { pos, .. } | Item::End(pos) | Item::Eof(pos) => {
            return Err(xml_error("no root element", Some(pos)));
        }
    };
    let role = match role_of(&root.local) {
        Some(role) if root.ns == Ns::Label => role,
        Some(_) => {
            return Err(Error::new(
                ErrorKind::Namespace {
                    element: root.local.clone(),
                    found: root.ns.uri(),
                },
                "/",
                Some(root.pos),
            ));
        }
        None => {
            return Err(Error::new(
                ErrorKind::NotALabel(root.qname.clone()),
                "/",
                Some(root.pos),
            ));
        }
    };
    let label = read::label(&mut lx, root)?;
    // The epilogue: only comments, processing instructions and white space.
    match lx.next()? {
        Item::Eof(_) => Ok((role, label)),
        Item::Start(tag) => Err(xml_error("more than one root element", Some(tag.pos))),
        Item::Chars { pos, .. } | Item::End(pos) => {
            Err(xml_error("content after the root element", Some(pos)))
        }
    }
}

/// Encodes `label` as an XML document whose root is the element of `role`.
pub(crate) fn encode(label: &Label, role: LabelElement) -> String {
    write::document(label, role)
}

/// Decodes every ADatP-4774 label element of an XML document, in document order.
///
/// The document may be of any kind: an ADatP-4778 `BindingInformation`, a SPIF whose
/// `extensions` embed one, or a label on its own. A label element is an element in the
/// namespace [`NAMESPACE`] whose local name names a [`LabelElement`] (`originatorConfidentialityLabel`,
/// `alternativeConfidentialityLabel`, `metadataConfidentialityLabel`, the legacy
/// `ConfidentialityLabel`, and `OriginatorConfidentialityLabel` as NATO SPIF v79 spells it,
/// read as [`LabelElement::Originator`]); it is decoded exactly as [`crate::Label::from_xml`] decodes a
/// root label, and the first faulty label fails the whole call. Other elements, in whatever
/// namespace, are skipped, but the whole document must still be well-formed,
/// namespace-well-formed UTF-8 XML without a DTD (POUCH-LBL-043).
///
/// `limits.max_bytes` applies to the whole document; the other limits apply to each label.
///
/// # Errors
///
/// [`ErrorKind::TooLarge`] when the document exceeds `limits.max_bytes`, [`ErrorKind::Xml`]
/// when it is not acceptable XML, any label decoding error of the first faulty label, and
/// [`ErrorKind::NoLabel`] when the document holds no label element.
pub fn labels_in_document(
    text: &[u8],
    limits: &Limits,
) -> Result<Vec<(LabelElement, Label)>, Error> {
    let mut lx = Lexer::new(text, limits)?;
    let mut labels = Vec::new();
    loop {
        match lx.next()? {
            Item::Start(tag) => {
                if tag.ns == Ns::Label
                    && let Some(role) = role_of(&tag.local)
                {
                    labels.push((role, read::label(&mut lx, tag)?));
                }
            }
            Item::Eof(_) => break,
            Item::Chars { .. } | Item::End(_) => {}
        }
    }
    if labels.is_empty() {
        return Err(Error::new(ErrorKind::NoLabel, "/", None));
    }
    Ok(labels)
}

/// The role named by a label element's local name, including the import-only spelling.
fn role_of(local: &str) -> Option<LabelElement> {
    LabelElement::from_element_name(local)
        .or_else(|| (local == "OriginatorConfidentialityLabel").then_some(LabelElement::Originator))
}

fn xml_error(message: impl Into<String>, offset: Option<u64>) -> Error {
    Error::new(ErrorKind::Xml(message.into()), "/", offset)
}

/// The namespace of an element.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ns {
    /// The ADatP-4774 namespace.
    Label,
    /// No namespace.
    Absent,
    /// Another namespace.
    Other(String),
}

impl Ns {
    fn uri(&self) -> Option<String> {
        match self {
            Ns::Label => Some(NAMESPACE.to_owned()),
            Ns::Absent => None,
            Ns::Other(uri) => Some(uri.clone()),
        }
    }
}

/// An attribute other than a namespace declaration, its value normalised (XML 1.0 §3.3.3).
#[derive(Debug)]
struct Attr {
    /// The attribute's namespace: unqualified attributes are in none.
    ns: Ns,
    local: String,
    /// The name as written.
    qname: String,
    value: String,
}

/// A start tag (or empty-element tag) with its names resolved.
#[derive(Debug)]
struct Tag {
    ns: Ns,
    local: String,
    /// The name as written.
    qname: String,
    attrs: Vec<Attr>,
    /// Byte offset of the tag's `<` in the input.
    pos: u64,
}

/// What the lexer hands the parser: comments, processing instructions, the XML declaration
/// and white space outside the root element are consumed on the way.
#[derive(Debug)]
enum Item {
    Start(Tag),
    End(u64),
    /// Character data: `literal` is true for plain text, false for CDATA and references
    /// (which are never ignorable white space).
    Chars {
        text: String,
        literal: bool,
        pos: u64,
    },
    Eof(u64),
}

/// The element names of the schema, for telling a misplaced namespace from an extension.
const SCHEMA_NAMES: [&str; 18] = [
    "ConfidentialityLabel",
    "originatorConfidentialityLabel",
    "alternativeConfidentialityLabel",
    "metadataConfidentialityLabel",
    "ConfidentialityInformation",
    "PolicyIdentifier",
    "Classification",
    "PrivacyMark",
    "Category",
    "CategoryValue",
    "GenericValue",
    "IntegerValue",
    "BitStringValue",
    "OriginatorID",
    "CreationDateTime",
    "SuccessionHandling",
    "SuccessionDateTime",
    "SuccessorConfidentialityLabel",
];

// Content helpers shared by the grammar (read.rs).

fn time_element(lx: &mut Lexer<'_>, tag: &Tag, path: &str) -> Result<DateTime, Error> {
    no_attributes(tag, path)?;
    let text = text_content(lx, path)?;
    time(&text, path, tag.pos)
}

/// An `xs:dateTime`: white space trimmed (its facet is collapse), then parsed.
fn time(text: &str, path: &str, pos: u64) -> Result<DateTime, Error> {
    DateTime::parse_xsd(text.trim_matches(is_xml_space))
        .map_err(|e| Error::new(ErrorKind::Time(e), path, Some(pos)))
}

fn limit_string(lx: &Lexer<'_>, s: &str, path: &str, pos: u64) -> Result<(), Error> {
    let limit = lx.limits().max_string_bytes;
    if s.len() > limit {
        return Err(Error::new(
            ErrorKind::LimitExceeded {
                what: "bytes in a string",
                limit,
            },
            path,
            Some(pos),
        ));
    }
    Ok(())
}

/// An `xs:token`, collapsed.
fn token(lx: &Lexer<'_>, s: &str, path: &str, pos: u64) -> Result<Token, Error> {
    let t = Token::collapse(s).map_err(|e| Error::new(ErrorKind::String(e), path, Some(pos)))?;
    limit_string(lx, t.as_str(), path, pos)?;
    Ok(t)
}

/// An `xs:string`, exact.
fn string_text(lx: &Lexer<'_>, s: String, path: &str, pos: u64) -> Result<Text, Error> {
    limit_string(lx, &s, path, pos)?;
    Text::new(s).map_err(|e| Error::new(ErrorKind::String(e), path, Some(pos)))
}

/// The next child element of element-only content, or `None` at the parent's end tag.
fn child(lx: &mut Lexer<'_>, path: &str) -> Result<Option<Tag>, Error> {
    loop {
        match lx.next()? {
            Item::Start(tag) => return Ok(Some(tag)),
            Item::End(_) => return Ok(None),
            Item::Chars { text, literal, pos } => {
                if literal && text.chars().all(is_xml_space) {
                    continue;
                }
                let shown: String = text.chars().take(64).collect();
                return Err(Error::new(
                    ErrorKind::UnexpectedText(shown),
                    path,
                    Some(pos),
                ));
            }
            Item::Eof(pos) => return Err(xml_error("unexpected end of document", Some(pos))),
        }
    }
}

/// The character data of a simple-content element, through its end tag.
fn text_content(lx: &mut Lexer<'_>, path: &str) -> Result<String, Error> {
    let mut s = String::new();
    loop {
        match lx.next()? {
            Item::Chars { text, .. } => s.push_str(&text),
            Item::End(_) => return Ok(s),
            Item::Start(tag) => return Err(unexpected(&tag, path)),
            Item::Eof(pos) => return Err(xml_error("unexpected end of document", Some(pos))),
        }
    }
}

/// The error for a child element the schema does not allow here.
fn unexpected(tag: &Tag, path: &str) -> Error {
    let kind = match &tag.ns {
        Ns::Label => ErrorKind::UnexpectedElement(tag.local.clone()),
        Ns::Absent => ErrorKind::Namespace {
            element: tag.local.clone(),
            found: None,
        },
        Ns::Other(ns) if SCHEMA_NAMES.contains(&tag.local.as_str()) => ErrorKind::Namespace {
            element: tag.local.clone(),
            found: Some(ns.clone()),
        },
        Ns::Other(ns) => ErrorKind::Extension(format!("{{{ns}}}{}", tag.local)),
    };
    Error::new(kind, path, Some(tag.pos))
}

fn no_attributes(tag: &Tag, path: &str) -> Result<(), Error> {
    attributes(tag, [], false, path).map(|[]| ())
}

/// The values of the unqualified attributes `names` (in that order); any other attribute is
/// an error. `label` accepts `xsi:schemaLocation` and `xsi:noNamespaceSchemaLocation`.
fn attributes<'t, const N: usize>(
    tag: &'t Tag,
    names: [&str; N],
    label: bool,
    path: &str,
) -> Result<[Option<&'t str>; N], Error> {
    let mut values = [None; N];
    for attr in &tag.attrs {
        let kind = match &attr.ns {
            Ns::Absent => match names.iter().position(|n| *n == attr.local) {
                Some(i) => {
                    if let Some(slot) = values.get_mut(i) {
                        *slot = Some(attr.value.as_str());
                    }
                    continue;
                }
                None => ErrorKind::UnexpectedAttribute(attr.qname.clone()),
            },
            Ns::Other(ns)
                if label
                    && ns == XSI
                    && matches!(
                        attr.local.as_str(),
                        "schemaLocation" | "noNamespaceSchemaLocation"
                    ) =>
            {
                continue;
            }
            Ns::Other(ns) => ErrorKind::Extension(format!("{{{ns}}}{}", attr.local)),
            Ns::Label => ErrorKind::UnexpectedAttribute(attr.qname.clone()),
        };
        return Err(Error::new(kind, path, Some(tag.pos)));
    }
    Ok(values)
}

//! A bounded element tree over quick-xml's namespace-aware reader.
//!
//! A SPIF is small (the NATO policy is 80 kB) and its rules refer across the document
//! (`excludedClass` names a classification declared earlier, `tagSetRef` a tag set declared
//! anywhere), so the loader reads it into a tree first. The tree is built without recursion,
//! and the limits bound its size before anything is kept: input bytes, depth, element
//! count and attribute length. No DTD, no entity other than the five predefined ones.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::Limits;
use crate::error::{Error, ErrorKind};

/// The `xml:` namespace, bound to the `xml` prefix by definition.
pub(crate) const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// One element: its resolved name, attributes, text and children.
#[derive(Debug, Default)]
pub(crate) struct Node {
    /// The namespace URI, empty for none.
    pub(crate) ns: String,
    pub(crate) local: String,
    /// Attributes as (namespace URI or empty, local name, normalised value).
    pub(crate) attrs: Vec<(String, String, String)>,
    pub(crate) children: Vec<Node>,
    /// Character data directly inside the element, concatenated.
    pub(crate) text: String,
    /// 1-based line of the start tag.
    pub(crate) line: usize,
}

impl Node {
    /// The unqualified attribute `name`.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(ns, l, _)| ns.is_empty() && l == name)
            .map(|(_, _, v)| v.as_str())
    }

    /// The attribute `name` in namespace `ns`.
    pub(crate) fn attr_ns(&self, ns: &str, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, l, _)| n == ns && l == name)
            .map(|(_, _, v)| v.as_str())
    }

    /// `xml:lang`, if present.
    pub(crate) fn lang(&self) -> Option<&str> {
        self.attr_ns(XML_NS, "lang")
    }
}

/// Line of byte offset `pos` in `text`.
fn line_of(text: &[u8], pos: u64) -> usize {
    let end = usize::try_from(pos).unwrap_or(usize::MAX).min(text.len());
    text.get(..end)
        .map_or(0, |t| t.iter().filter(|&&b| b == b'\n').count())
        + 1
}

/// Line numbers for offsets that only grow: counts the newlines since the previous offset,
/// so numbering every event of a document costs one pass over it, not one pass per event.
struct Lines<'t> {
    text: &'t [u8],
    pos: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t [u8]) -> Self {
        Self {
            text,
            pos: 0,
            line: 1,
        }
    }

    fn at(&mut self, pos: u64) -> usize {
        let end = usize::try_from(pos)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        if end < self.pos {
            return line_of(self.text, pos);
        }
        self.line += self
            .text
            .get(self.pos..end)
            .map_or(0, |t| t.iter().filter(|&&b| b == b'\n').count());
        self.pos = end;
        self.line
    }
}

fn xml_err(message: impl Into<String>, element: &str, line: usize) -> Error {
    Error::new(ErrorKind::Xml(message.into()), element, line)
}

/// Parses `text` into a tree within `limits`.
pub(crate) fn parse(text: &[u8], limits: &Limits) -> Result<Node, Error> {
    pouch_status::TooLarge::check(text.len(), limits.max_bytes)
        .map_err(|e| Error::new(ErrorKind::TooLarge(e), "", 1))?;
    let body = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let s = std::str::from_utf8(body).map_err(|e| {
        xml_err(
            "the document is not UTF-8",
            "",
            line_of(body, e.valid_up_to() as u64),
        )
    })?;
    let mut reader = pouch_label::xml::strict_reader(s);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut count = 0usize;
    let mut lines = Lines::new(body);
    loop {
        let pos = reader.buffer_position();
        let current = stack.last().map_or("", |n| n.local.as_str()).to_owned();
        let event = reader.read_event().map_err(|e| {
            xml_err(
                e.to_string(),
                &current,
                line_of(body, reader.error_position()),
            )
        })?;
        let line = lines.at(pos);
        match event {
            Event::DocType(_) => {
                return Err(xml_err(
                    "DOCTYPE is not allowed: Pouch refuses DTDs and entity declarations",
                    &current,
                    line,
                ));
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let _ = start;
                return Err(xml_err("more than one root element", "", line));
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                count += 1;
                let node = element(&reader, start, line, limits, count)?;
                if stack.len() >= limits.max_depth {
                    return Err(Error::new(
                        ErrorKind::LimitExceeded {
                            what: "nesting depth",
                            limit: limits.max_depth,
                        },
                        &node.local,
                        line,
                    ));
                }
                if matches!(event, Event::Start(_)) {
                    stack.push(node);
                } else {
                    attach(&mut stack, &mut root, node);
                }
            }
            Event::End(_) => {
                let Some(node) = stack.pop() else {
                    return Err(xml_err("unexpected end tag", "", line));
                };
                attach(&mut stack, &mut root, node);
            }
            Event::Text(t) => {
                let t = t.xml10_content();
                push_text(&mut stack, &t, limits, line)?;
            }
            Event::CData(t) => {
                let t = t.xml10_content();
                push_text(&mut stack, &t, limits, line)?;
            }
            Event::GeneralRef(r) => {
                let name: &str = &r;
                let c = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        Ok(None) | Err(_) => {
                            return Err(xml_err(
                                format!("invalid character reference &{name};"),
                                &current,
                                line,
                            ));
                        }
                    }
                } else {
                    match name {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        _ => {
                            return Err(xml_err(
                                format!(
                                    "entity reference &{name}; is not allowed: only the five \
                                     predefined entities and character references"
                                ),
                                &current,
                                line,
                            ));
                        }
                    }
                };
                push_text(&mut stack, c.encode_utf8(&mut [0; 4]), limits, line)?;
            }
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(xml_err("unexpected end of document", &current, line));
                }
                return root.ok_or_else(|| xml_err("no root element", "", line));
            }
        }
    }
}

/// A closed element joins its parent's children, or is the root when it has no parent.
fn attach(stack: &mut [Node], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => *root = Some(node),
    }
}

fn push_text(stack: &mut [Node], t: &str, limits: &Limits, line: usize) -> Result<(), Error> {
    match stack.last_mut() {
        Some(node) => {
            if node.text.len() + t.len() > limits.max_string_bytes {
                return Err(Error::new(
                    ErrorKind::LimitExceeded {
                        what: "bytes of text in one element",
                        limit: limits.max_string_bytes,
                    },
                    &node.local,
                    line,
                ));
            }
            node.text.push_str(t);
            Ok(())
        }
        None if t.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) => Ok(()),
        None => Err(xml_err("text outside the root element", "", line)),
    }
}

fn element(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    line: usize,
    limits: &Limits,
    count: usize,
) -> Result<Node, Error> {
    let resolver = reader.resolver();
    let (resolved, local) = resolver.resolve_element(start.name());
    let local = local.into_inner().to_owned();
    if count > limits.max_elements {
        return Err(Error::new(
            ErrorKind::LimitExceeded {
                what: "elements",
                limit: limits.max_elements,
            },
            &local,
            line,
        ));
    }
    let ns = namespace(resolved, &local, line)?;
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| xml_err(e.to_string(), &local, line))?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        if attr.value.len() > limits.max_string_bytes {
            return Err(Error::new(
                ErrorKind::LimitExceeded {
                    what: "bytes in an attribute value",
                    limit: limits.max_string_bytes,
                },
                &local,
                line,
            ));
        }
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| xml_err(e.to_string(), &local, line))?
            .into_owned();
        let (resolved, alocal) = resolver.resolve_attribute(attr.key);
        let ans = if attr.key.0.starts_with("xml:") {
            XML_NS.to_owned()
        } else {
            namespace(resolved, &local, line)?
        };
        let alocal = alocal.into_inner().to_owned();
        if attrs.iter().any(|(n, l, _)| *n == ans && *l == alocal) {
            return Err(xml_err(
                format!("duplicate attribute {alocal}"),
                &local,
                line,
            ));
        }
        attrs.push((ans, alocal, value));
    }
    Ok(Node {
        ns,
        local,
        attrs,
        children: Vec::new(),
        text: String::new(),
        line,
    })
}

fn namespace(resolved: ResolveResult<'_>, element: &str, line: usize) -> Result<String, Error> {
    match resolved {
        ResolveResult::Unbound => Ok(String::new()),
        ResolveResult::Bound(ns) => Ok(ns.0.to_owned()),
        ResolveResult::Unknown(prefix) => Err(xml_err(
            format!("namespace prefix {prefix:?} is not declared"),
            element,
            line,
        )),
    }
}

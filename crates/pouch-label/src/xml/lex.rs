//! The lexer: quick-xml's namespace-aware reader plus the document checks Pouch adds.

use std::collections::HashSet;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{PrefixDeclaration, ResolveResult};
use quick_xml::reader::NsReader;

use super::{Attr, Item, Ns, Tag, xml_error};
use crate::error::{Error, ErrorKind};
use crate::{Limits, NAMESPACE};

const DOCTYPE_REFUSED: &str = "DOCTYPE is not allowed: Pouch refuses DTDs and entity declarations";

/// The one pull parser over a document: quick-xml's `NsReader` plus the checks Pouch adds
/// (encoding, DTD, entities, namespace well-formedness, a single root element).
pub(super) struct Lexer<'a> {
    reader: NsReader<&'a [u8]>,
    /// Length of the skipped byte-order mark, added to every offset.
    base: u64,
    limits: Limits,
    /// Whether an event was read yet (the XML declaration must come first).
    started: bool,
    /// An empty-element tag was returned as `Start`; its `End` comes next.
    pending_end: Option<u64>,
    depth: usize,
    root_seen: bool,
    /// Offset of the last item returned.
    pub(super) last_pos: u64,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(text: &'a [u8], limits: &Limits) -> Result<Self, Error> {
        pouch_status::TooLarge::check(text.len(), limits.max_bytes)
            .map_err(|e| Error::new(ErrorKind::TooLarge(e), "/", None))?;
        let (body, base) = match text.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (rest, 3u64),
            None => (text, 0u64),
        };
        let s = std::str::from_utf8(body).map_err(|e| {
            xml_error(
                "the document is not UTF-8",
                Some(base + e.valid_up_to() as u64),
            )
        })?;
        if let Some((at, c)) = s.char_indices().find(|&(_, c)| !is_xml_char(c)) {
            return Err(xml_error(
                format!("character U+{:04X} cannot appear in XML 1.0", u32::from(c)),
                Some(base + at as u64),
            ));
        }
        let reader = super::strict_reader(s);
        Ok(Self {
            reader,
            base,
            limits: *limits,
            started: false,
            pending_end: None,
            depth: 0,
            root_seen: false,
            last_pos: base,
        })
    }

    pub(super) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The next item; its offset is also kept in `last_pos`.
    pub(super) fn next(&mut self) -> Result<Item, Error> {
        let item = self.next_item()?;
        self.last_pos = match &item {
            Item::Start(tag) => tag.pos,
            Item::End(pos) | Item::Chars { pos, .. } | Item::Eof(pos) => *pos,
        };
        Ok(item)
    }

    fn next_item(&mut self) -> Result<Item, Error> {
        if let Some(pos) = self.pending_end.take() {
            return Ok(self.end(pos));
        }
        loop {
            let pos = self.base + self.reader.buffer_position();
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    let at = self.base + self.reader.error_position();
                    return Err(xml_error(e.to_string(), Some(at)));
                }
            };
            let first = !self.started;
            self.started = true;
            match event {
                Event::Decl(decl) => {
                    if !first {
                        return Err(xml_error(
                            "the XML declaration must start the document",
                            Some(pos),
                        ));
                    }
                    match decl.encoding() {
                        None => {}
                        Some(Ok(enc)) if enc.eq_ignore_ascii_case("UTF-8") => {}
                        Some(Ok(enc)) => {
                            return Err(xml_error(
                                format!(
                                    "encoding {enc:?} is not supported: Pouch reads UTF-8 only"
                                ),
                                Some(pos),
                            ));
                        }
                        Some(Err(e)) => return Err(xml_error(e.to_string(), Some(pos))),
                    }
                }
                Event::DocType(_) => return Err(xml_error(DOCTYPE_REFUSED, Some(pos))),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Start(start) => return self.start(&start, pos),
                Event::Empty(start) => {
                    let item = self.start(&start, pos)?;
                    self.pending_end = Some(self.base + self.reader.buffer_position());
                    return Ok(item);
                }
                Event::End(_) => return Ok(self.end(pos)),
                Event::Text(text) => {
                    let text = text.xml10_content();
                    if self.depth == 0 {
                        if text.chars().all(is_xml_space) {
                            continue;
                        }
                        return Err(xml_error("text outside the root element", Some(pos)));
                    }
                    return Ok(Item::Chars {
                        text: text.into_owned(),
                        literal: true,
                        pos,
                    });
                }
                Event::CData(cdata) => {
                    if self.depth == 0 {
                        return Err(xml_error("CDATA outside the root element", Some(pos)));
                    }
                    return Ok(Item::Chars {
                        text: cdata.xml10_content().into_owned(),
                        literal: false,
                        pos,
                    });
                }
                Event::GeneralRef(reference) => {
                    let c = resolve_reference(&reference, pos)?;
                    if self.depth == 0 {
                        return Err(xml_error("reference outside the root element", Some(pos)));
                    }
                    return Ok(Item::Chars {
                        text: c.to_string(),
                        literal: false,
                        pos,
                    });
                }
                Event::Eof => {
                    if self.depth > 0 {
                        return Err(xml_error("unexpected end of document", Some(pos)));
                    }
                    if !self.root_seen {
                        return Err(xml_error("no root element", Some(pos)));
                    }
                    return Ok(Item::Eof(pos));
                }
            }
        }
    }

    fn end(&mut self, pos: u64) -> Item {
        self.depth = self.depth.saturating_sub(1);
        Item::End(pos)
    }

    /// Resolves a start tag's names and checks what XML Namespaces requires of it.
    fn start(&mut self, start: &BytesStart<'_>, pos: u64) -> Result<Item, Error> {
        if self.depth == 0 {
            if self.root_seen {
                return Err(xml_error("more than one root element", Some(pos)));
            }
            self.root_seen = true;
        }
        self.depth += 1;
        let qname = start.name();
        check_qname(qname.0, pos)?;
        let resolver = self.reader.resolver();
        let mut attrs = Vec::new();
        for attr in start.attributes() {
            let attr = attr.map_err(|e| xml_error(e.to_string(), Some(pos)))?;
            if let Some(decl) = attr.key.as_namespace_binding() {
                if let PrefixDeclaration::Named(prefix) = decl {
                    if !is_ncname(prefix) {
                        return Err(xml_error(
                            format!("namespace prefix {prefix:?} is not an NCName"),
                            Some(pos),
                        ));
                    }
                    if attr.value.is_empty() {
                        return Err(xml_error(
                            format!("namespace prefix {prefix:?} cannot be undeclared in XML 1.0"),
                            Some(pos),
                        ));
                    }
                }
                continue;
            }
            check_qname(attr.key.0, pos)?;
            if attr.value.contains('<') {
                return Err(xml_error(
                    format!("'<' in the value of attribute {}", attr.key.0),
                    Some(pos),
                ));
            }
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| xml_error(e.to_string(), Some(pos)))?
                .into_owned();
            let (resolved, local) = resolver.resolve_attribute(attr.key);
            let ns = resolved_ns(resolved, pos)?;
            attrs.push(Attr {
                ns,
                local: local.into_inner().to_owned(),
                qname: attr.key.0.to_owned(),
                value,
            });
        }
        let mut names = HashSet::new();
        for attr in &attrs {
            if !names.insert((attr.ns.uri(), attr.local.as_str())) {
                return Err(xml_error(
                    format!("duplicate attribute {}", attr.qname),
                    Some(pos),
                ));
            }
        }
        let (resolved, local) = resolver.resolve_element(qname);
        let ns = resolved_ns(resolved, pos)?;
        Ok(Item::Start(Tag {
            ns,
            local: local.into_inner().to_owned(),
            qname: qname.0.to_owned(),
            attrs,
            pos,
        }))
    }
}

fn resolved_ns(resolved: ResolveResult<'_>, pos: u64) -> Result<Ns, Error> {
    match resolved {
        ResolveResult::Unbound => Ok(Ns::Absent),
        ResolveResult::Bound(ns) if ns.0.is_empty() => Ok(Ns::Absent),
        ResolveResult::Bound(ns) if ns.0 == NAMESPACE => Ok(Ns::Label),
        ResolveResult::Bound(ns) => Ok(Ns::Other(ns.0.to_owned())),
        ResolveResult::Unknown(prefix) => Err(xml_error(
            format!("namespace prefix {prefix:?} is not declared"),
            Some(pos),
        )),
    }
}

/// Resolves `&name;`: only the five predefined entities and character references.
fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>, pos: u64) -> Result<char, Error> {
    let name: &str = reference;
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) if is_xml_char(c) => Ok(c),
            Ok(_) | Err(_) => Err(xml_error(
                format!("invalid character reference &{name};"),
                Some(pos),
            )),
        };
    }
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(xml_error(
            format!(
                "entity reference &{name}; is not allowed: Pouch expands only the five \
                 predefined entities and character references"
            ),
            Some(pos),
        )),
    }
}

/// XML 1.0 `Char`.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// XML white space (S): space, tab, CR, LF.
pub(super) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// An XML `NCName`: a `Name` without `:`.
fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// A `QName`: `NCName` or `NCName:NCName`.
fn check_qname(name: &str, pos: u64) -> Result<(), Error> {
    let ok = match name.split_once(':') {
        Some((prefix, local)) => is_ncname(prefix) && is_ncname(local),
        None => is_ncname(name),
    };
    if ok {
        Ok(())
    } else {
        Err(xml_error(
            format!("{name:?} is not a namespace-well-formed name"),
            Some(pos),
        ))
    }
}

//! Spec annex A: worked examples generated from the vectors, so they cannot drift. Each
//! envelope is shown in diagnostic notation (RFC 8949 §8, with `<< >>` for embedded CBOR,
//! RFC 8610 Appendix G) and as annotated hex, one CBOR item per line.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::Error;
use crate::manifest::{Manifest, Vector};

/// The vectors the annex works through, in order.
pub const EXAMPLES: [&str; 3] = [
    "env-alg-eddsa",
    "env-detached-sha256",
    "env-policy-nations-satisfied",
];

/// Deepest nesting the annex decoder follows (its inputs are the generator's own).
const MAX_DEPTH: usize = 32;

/// One decoded item with its head bytes.
#[derive(Debug)]
struct Node {
    head: Vec<u8>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Uint(u64),
    Nint(u64),
    Bytes(Vec<u8>, Option<Box<Node>>),
    Text(String),
    Array(Vec<Node>),
    Map(Vec<(Node, Node)>),
    Tag(u64, Box<Node>),
    Simple(u8),
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

fn bad(what: &str) -> Error {
    Error::Generate(format!("annex: {what}"))
}

impl Parser<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Error> {
        let end = self.pos.checked_add(n).ok_or(bad("length overflow"))?;
        let s = self.bytes.get(self.pos..end).ok_or(bad("truncated"))?;
        self.pos = end;
        Ok(s)
    }

    fn item(&mut self, depth: usize, nested: bool) -> Result<Node, Error> {
        if depth > MAX_DEPTH {
            return Err(bad("too deep"));
        }
        let start = self.pos;
        let first = *self.take(1)?.first().ok_or(bad("truncated"))?;
        let (major, info) = (first >> 5, first & 0x1f);
        let arg = match info {
            0..=23 => u64::from(info),
            24..=27 => {
                let n = 1usize << (info - 24);
                self.take(n)?
                    .iter()
                    .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
            }
            _ => return Err(bad("indefinite or reserved length")),
        };
        let head = self.bytes.get(start..self.pos).unwrap_or_default().to_vec();
        let len = usize::try_from(arg).map_err(|_| bad("length"))?;
        let kind = match major {
            0 => Kind::Uint(arg),
            1 => Kind::Nint(arg),
            2 => {
                let content = self.take(len)?.to_vec();
                // Protected headers are byte strings holding CBOR: show them decoded.
                let inner = if nested {
                    let mut p = Parser {
                        bytes: &content,
                        pos: 0,
                    };
                    let node = p.item(depth + 1, false)?;
                    (p.pos == content.len()).then(|| Box::new(node))
                } else {
                    None
                };
                Kind::Bytes(content, inner)
            }
            3 => Kind::Text(String::from_utf8(self.take(len)?.to_vec()).map_err(|_| bad("utf-8"))?),
            4 => {
                let mut v = Vec::new();
                for i in 0..len {
                    // In a COSE_Sign, the first element of the top array and of each seal
                    // array is a protected header.
                    v.push(self.item(depth + 1, nested_at(depth, i))?);
                }
                Kind::Array(v)
            }
            5 => {
                let mut v = Vec::new();
                for _ in 0..len {
                    let k = self.item(depth + 1, false)?;
                    let val = self.item(depth + 1, false)?;
                    v.push((k, val));
                }
                Kind::Map(v)
            }
            6 => Kind::Tag(arg, Box::new(self.item(depth, false)?)),
            _ => Kind::Simple(info),
        };
        Ok(Node { head, kind })
    }
}

/// Depth 0 is the COSE_Sign array (under its tag), depth 2 a seal array.
fn nested_at(depth: usize, index: usize) -> bool {
    index == 0 && (depth == 0 || depth == 2)
}

fn parse(bytes: &[u8]) -> Result<Node, Error> {
    let mut p = Parser { bytes, pos: 0 };
    let node = p.item(0, false)?;
    if p.pos != bytes.len() {
        return Err(bad("trailing bytes"));
    }
    Ok(node)
}

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn key_text(n: &Node) -> String {
    match &n.kind {
        Kind::Uint(v) => v.to_string(),
        Kind::Nint(v) => format!("-{}", u128::from(*v) + 1),
        Kind::Text(t) => format!("\"{t}\""),
        _ => "?".into(),
    }
}

/// What a map key means, and the context of its value, by the context of its map.
fn key_meaning(map: &str, key: &str) -> (&'static str, &'static str) {
    match (map, key) {
        ("header", "1") => ("alg", ""),
        ("header", "2") => ("crit", ""),
        ("header", "3") => ("content type", ""),
        ("header", "33") => ("x5chain", ""),
        ("header", "258") => ("payload_hash_alg", ""),
        ("header", "259") => ("preimage_content_type", ""),
        ("header", "260") => ("payload_location", ""),
        ("body", "1") => ("format version", ""),
        ("body", "2") => ("envelope identifier", ""),
        ("body", "3") => ("creation time", ""),
        ("body", "4") => ("originator label", "label"),
        ("seal", "1") => ("signing time", ""),
        ("seal", "2") => ("role", ""),
        ("seal", "3") => ("alternative label", "label"),
        ("seal", "4") => ("release approval", ""),
        ("label", "1") => ("ConfidentialityInformation", "ci"),
        ("label", "2") => ("OriginatorID", ""),
        ("label", "3") => ("CreationDateTime", ""),
        ("label", "4") => ("SuccessionHandling", ""),
        ("label", "5") => ("ReviewDateTime", ""),
        ("ci", "1") => ("PolicyIdentifier", ""),
        ("ci", "3") => ("Classification", ""),
        ("ci", "5") => ("PrivacyMark", ""),
        ("ci", "6") => ("categories", "category"),
        ("category", "1") => ("TagName", ""),
        ("category", "2") => ("Type", ""),
        ("category", "4") => ("values", ""),
        _ => ("", ""),
    }
}

/// Diagnostic notation, pretty-printed.
fn diag(n: &Node, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    match &n.kind {
        Kind::Uint(_) | Kind::Nint(_) => out.push_str(&key_text(n)),
        Kind::Text(t) => {
            let _ = write!(out, "{}", serde_json::Value::from(t.as_str()));
        }
        Kind::Simple(20) => out.push_str("false"),
        Kind::Simple(21) => out.push_str("true"),
        Kind::Simple(22) => out.push_str("null"),
        Kind::Simple(v) => {
            let _ = write!(out, "simple({v})");
        }
        Kind::Bytes(b, Some(inner)) => {
            out.push_str("<< ");
            diag(inner, indent, out);
            out.push_str(" >>");
            let _ = b;
        }
        Kind::Bytes(b, None) => {
            let _ = write!(out, "h'{}'", hex(b));
        }
        Kind::Tag(t, inner) => {
            let _ = write!(out, "{t}(");
            diag(inner, indent, out);
            out.push(')');
        }
        Kind::Array(v) if v.is_empty() => out.push_str("[]"),
        Kind::Map(v) if v.is_empty() => out.push_str("{}"),
        Kind::Array(v) => {
            out.push_str("[\n");
            for (i, x) in v.iter().enumerate() {
                out.push_str(&pad);
                out.push_str("  ");
                diag(x, indent + 1, out);
                out.push_str(if i + 1 < v.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad);
            out.push(']');
        }
        Kind::Map(v) => {
            out.push_str("{\n");
            for (i, (k, x)) in v.iter().enumerate() {
                out.push_str(&pad);
                out.push_str("  ");
                diag(k, indent + 1, out);
                out.push_str(": ");
                diag(x, indent + 1, out);
                out.push_str(if i + 1 < v.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad);
            out.push('}');
        }
    }
}

/// Annotated hex: one item per line, its head (and content for strings), then `#` and what
/// it is. Byte strings longer than 32 bytes continue on lines of 32.
fn annotate(n: &Node, indent: usize, note: &str, map: &str, out: &mut String) {
    let pad = "   ".repeat(indent);
    let line = |out: &mut String, bytes: &str, what: String| {
        let code = format!("{pad}{bytes}");
        if what.is_empty() {
            let _ = writeln!(out, "{code}");
        } else {
            let _ = writeln!(out, "{code:<70} # {what}");
        }
    };
    let note = if note.is_empty() {
        String::new()
    } else {
        format!("{note}: ")
    };
    match &n.kind {
        Kind::Uint(_) | Kind::Nint(_) | Kind::Simple(_) => {
            let mut d = String::new();
            diag(n, 0, &mut d);
            line(out, &hex(&n.head), format!("{note}{d}"));
        }
        Kind::Text(t) => line(
            out,
            &format!("{} {}", hex(&n.head), hex(t.as_bytes())),
            format!("{note}\"{t}\""),
        ),
        Kind::Bytes(b, Some(inner)) => {
            line(
                out,
                &hex(&n.head),
                format!("{note}bytes({}), holding CBOR:", b.len()),
            );
            annotate(inner, indent + 1, "", "header", out);
        }
        Kind::Bytes(b, None) => {
            line(out, &hex(&n.head), format!("{note}bytes({})", b.len()));
            for chunk in b.chunks(32) {
                line(out, &format!("   {}", hex(chunk)), String::new());
            }
        }
        Kind::Tag(t, inner) => {
            line(out, &hex(&n.head), format!("{note}tag({t})"));
            annotate(inner, indent + 1, "", map, out);
        }
        Kind::Array(v) => {
            line(out, &hex(&n.head), format!("{note}array({})", v.len()));
            for x in v {
                annotate(x, indent + 1, "", map, out);
            }
        }
        Kind::Map(v) => {
            line(out, &hex(&n.head), format!("{note}map({})", v.len()));
            let is_seal = v.iter().any(|(k, _)| key_text(k) == "33");
            for (k, x) in v {
                let key = key_text(k);
                let (name, inner) = if map == "header" && key == "\"pouch\"" {
                    if is_seal {
                        ("seal header", "seal")
                    } else {
                        ("envelope header", "body")
                    }
                } else {
                    key_meaning(map, &key)
                };
                annotate(k, indent + 1, "key", map, out);
                annotate(x, indent + 1, name, inner, out);
            }
        }
    }
}

fn codes_line(v: &[String]) -> String {
    if v.is_empty() {
        "—".into()
    } else {
        v.iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn example(out: &mut String, n: usize, v: &Vector, bytes: &[u8]) -> Result<(), Error> {
    let node = parse(bytes)?;
    let _ = writeln!(out, "## A.{n} {} (`{}`)\n", v.title, v.id);
    let _ = writeln!(out, "{}\n", v.description);
    let i = &v.inputs;
    let _ = writeln!(
        out,
        "Inputs: `{}`{}{}, seal policy `{}`, verification time {}. The envelope is {} bytes.\n",
        i.envelope,
        i.payload
            .as_ref()
            .map(|p| format!(", record `{p}`"))
            .unwrap_or_default(),
        i.trust
            .as_ref()
            .map(|t| format!(", trust bundle `{t}`"))
            .unwrap_or_default(),
        i.seal_policy,
        i.at,
        bytes.len()
    );
    out.push_str("Expected report:\n\n| stage | codes |\n|---|---|\n");
    let e = &v.expect;
    let _ = writeln!(out, "| envelope | {} |", codes_line(&e.envelope));
    let _ = writeln!(out, "| label | {} |", codes_line(&e.label));
    let _ = writeln!(out, "| payload | {} |", codes_line(&e.payload));
    for (k, s) in e.seals.iter().enumerate() {
        let _ = writeln!(
            out,
            "| seal {k} | {}; trust: {} |",
            codes_line(&s.codes),
            codes_line(&s.trust)
        );
    }
    let _ = writeln!(out, "| seal policy | {} |", codes_line(&e.seal_policy));
    let _ = writeln!(out, "| exit class | `{}` |\n", e.exit.name());
    out.push_str("Diagnostic notation:\n\n```cbor-diag\n");
    diag(&node, 0, out);
    out.push_str("\n```\n\nAnnotated hex:\n\n```\n");
    annotate(&node, 0, "", "envelope", out);
    out.push_str("```\n\n");
    Ok(())
}

/// Renders `spec/annex-a-examples.md` from the manifest and the vector files.
pub fn render(manifest: &Manifest, files: &BTreeMap<String, Vec<u8>>) -> Result<String, Error> {
    let mut out = String::from(
        "# Annex A (informative): worked examples\n\n\
         GENERATED by `pouch-vectors generate` from the vectors of `test-vectors/envelopes/`; do\n\
         not edit by hand (`pouch-vectors generate --check` fails when it drifts). Each example is\n\
         one vector: its inputs, the report it must produce, and the envelope in diagnostic\n\
         notation (RFC 8949 §8; `<< >>` is a byte string holding CBOR, RFC 8610 Appendix G) and\n\
         as annotated hex, one CBOR item per line. Certificates and signatures are shown in\n\
         full, 32 bytes a line. Map values are named where chapters 2 and 3 define their keys.\n\n",
    );
    for (n, id) in EXAMPLES.iter().enumerate() {
        let v = manifest
            .vector
            .iter()
            .find(|v| v.id == *id)
            .ok_or(bad(&format!("no vector {id}")))?;
        let bytes = files
            .get(&v.inputs.envelope)
            .ok_or(bad(&format!("no file {}", v.inputs.envelope)))?;
        example(&mut out, n + 1, v, bytes)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn diagnostic_notation_of_a_small_item() {
        // 98([h'a10126', {}, h'', []]) with the protected header decoded.
        let bytes = [0xd8, 0x62, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0x40, 0x80];
        let mut s = String::new();
        diag(&parse(&bytes).unwrap(), 0, &mut s);
        assert_eq!(
            s,
            "98([\n  << {\n    1: -7\n  } >>,\n  {},\n  h'',\n  []\n])"
        );
        assert!(parse(&bytes[..9]).is_err());
    }
}

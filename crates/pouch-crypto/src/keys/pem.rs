//! PEM armour (RFC 7468), read strictly: labelled blocks of base64, no headers.

use crate::Error;

/// The largest PEM text accepted, in bytes. Keys and certificate chains are far smaller; the
/// bound keeps a hostile input from costing more than this much memory and time.
pub const MAX_PEM_LEN: usize = 1 << 20;

const PRE_BEGIN: &[u8] = b"-----BEGIN ";
const PRE_END: &[u8] = b"-----END ";
const POST: &[u8] = b"-----";

/// Decodes the single PEM block of `text`, which must carry `expected_label` (e.g.
/// `PRIVATE KEY`, `CERTIFICATE`, `PUBLIC KEY`).
///
/// Text before and after the block is ignored (RFC 7468 §2), but a second block is an error:
/// use [`pem_blocks`] for files that hold several.
///
/// # Errors
///
/// [`Error::Encoding`] if there is no block, more than one, the label differs, the block has
/// headers (e.g. an encrypted legacy key), or the base64 is malformed.
pub fn pem_decode(text: &[u8], expected_label: &str) -> Result<Vec<u8>, Error> {
    let blocks = parse(text)?;
    match blocks.as_slice() {
        [] => Err(Error::Encoding("no PEM block found")),
        [(label, der)] if *label == expected_label.as_bytes() => Ok(der.clone()),
        [_] => Err(Error::Encoding("PEM block has an unexpected label")),
        _ => Err(Error::Encoding("more than one PEM block")),
    }
}

/// Decodes every PEM block labelled `label` in `text`, in order (e.g. a certificate chain).
/// Blocks with other labels are skipped.
///
/// # Errors
///
/// [`Error::Encoding`] if any block is malformed, or none carries `label`.
pub fn pem_blocks(text: &[u8], label: &str) -> Result<Vec<Vec<u8>>, Error> {
    let blocks: Vec<Vec<u8>> = parse(text)?
        .into_iter()
        .filter(|(l, _)| *l == label.as_bytes())
        .map(|(_, der)| der)
        .collect();
    if blocks.is_empty() {
        return Err(Error::Encoding("no PEM block with the expected label"));
    }
    Ok(blocks)
}

/// A block's label and decoded contents, owned.
pub(crate) type LabelledBlock = (Vec<u8>, Vec<u8>);

/// Every block of `text` with its label, in order.
///
/// # Errors
///
/// [`Error::Encoding`] if any block is malformed.
pub(crate) fn blocks_with_labels(text: &[u8]) -> Result<Vec<LabelledBlock>, Error> {
    Ok(parse(text)?
        .into_iter()
        .map(|(label, der)| (label.to_vec(), der))
        .collect())
}

/// A block's label and decoded contents.
type Block<'a> = (&'a [u8], Vec<u8>);

/// Every block of `text`, in order.
fn parse(text: &[u8]) -> Result<Vec<Block<'_>>, Error> {
    if text.len() > MAX_PEM_LEN {
        return Err(Error::Encoding("PEM text too long"));
    }
    let mut blocks = Vec::new();
    let mut lines = text.split(|&b| b == b'\n').map(trim_line);
    while let Some(line) = lines.next() {
        let Some(label) = boundary(line, PRE_BEGIN) else {
            continue; // explanatory text outside a block
        };
        let mut body = Vec::new();
        let mut closed = false;
        for line in lines.by_ref() {
            if let Some(end) = boundary(line, PRE_END) {
                if end != label {
                    return Err(Error::Encoding("PEM END label differs from BEGIN"));
                }
                closed = true;
                break;
            }
            if line.contains(&b':') {
                return Err(Error::Encoding("PEM headers are not supported"));
            }
            if line.starts_with(b"-----") {
                return Err(Error::Encoding("PEM block not closed"));
            }
            body.extend(line.iter().filter(|b| !b.is_ascii_whitespace()));
        }
        if !closed {
            return Err(Error::Encoding("PEM block not closed"));
        }
        blocks.push((label, base64_decode(&body)?));
    }
    Ok(blocks)
}

/// Strips trailing whitespace (including the CR of CRLF) from a line.
fn trim_line(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &line[..end]
}

/// The label of an encapsulation boundary line `-----BEGIN label-----`, if `line` is one.
fn boundary<'a>(line: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let rest = line.strip_prefix(prefix)?.strip_suffix(POST)?;
    // RFC 7468 labels: printable ASCII without '-' at the ends; empty is allowed.
    let ok = rest.iter().all(|&b| (0x20..0x7f).contains(&b))
        && !rest.starts_with(b"-")
        && !rest.ends_with(b"-");
    ok.then_some(rest)
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes padded standard base64 (RFC 4648 §4), refusing non-canonical encodings: missing or
/// misplaced padding and non-zero unused bits.
pub(crate) fn base64_decode(input: &[u8]) -> Result<Vec<u8>, Error> {
    const BAD: Error = Error::Encoding("malformed base64");
    if !input.len().is_multiple_of(4) {
        return Err(BAD);
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let quads = input.len() / 4;
    for (i, quad) in input.chunks_exact(4).enumerate() {
        let last = i + 1 == quads;
        let pad = match quad {
            [_, _, b'=', b'='] if last => 2,
            [_, _, _, b'='] if last => 1,
            _ => 0,
        };
        let mut acc: u32 = 0;
        for &c in &quad[..4 - pad] {
            acc = (acc << 6) | u32::from(sextet(c).ok_or(BAD)?);
        }
        acc <<= 6 * pad as u32;
        let bytes = acc.to_be_bytes(); // [0, b0, b1, b2]
        // Non-canonical: the bits beyond the last full byte must be zero.
        let kept = 3 - pad;
        if bytes[1 + kept..].iter().any(|&b| b != 0) {
            return Err(BAD);
        }
        out.extend_from_slice(&bytes[1..1 + kept]);
    }
    Ok(out)
}

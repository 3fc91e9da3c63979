//! Helpers for tests: non-deterministic re-encodings of valid items.
//!
//! Available in this crate's tests and, for other crates, behind the
//! `testing` feature.

use crate::head::{
    self, MAJOR_ARRAY, MAJOR_BYTES, MAJOR_MAP, MAJOR_SIMPLE, MAJOR_TAG, MAJOR_TEXT, read_head,
};
use crate::{Limits, check};

/// Most head-widening variants returned.
const MAX_WIDENED: usize = 64;
/// Most indefinite-length variants returned.
const MAX_INDEFINITE: usize = 8;
/// Most swapped-map variants returned.
const MAX_SWAPPED: usize = 8;

/// One item of the parsed tree.
#[derive(Debug)]
struct Node {
    start: usize,
    head_len: usize,
    end: usize,
    major: u8,
    ai: u8,
    arg: u64,
    /// Indices (into the node list) of the direct children.
    children: Vec<usize>,
}

/// Given one valid deterministic item, returns re-encodings of the same
/// data that violate deterministic encoding, each of which [`check`]
/// rejects:
///
/// - each head widened to the next longer argument size, one variant per
///   head (at most 64); floats are widened f16 → f32 → f64 keeping the
///   value, and `true`/`false`/`null`/`undefined` to the two-byte form
///   (which is not well-formed); heads already 9 bytes long are skipped;
/// - each definite-length string, array or map turned indefinite-length
///   (at most 8; a string becomes one chunk);
/// - each map with two or more pairs with its first two entries swapped
///   (at most 8).
///
/// Returns an empty vector when `item` does not pass [`check`] with
/// [`Limits::default`].
pub fn non_deterministic_variants(item: &[u8]) -> Vec<Vec<u8>> {
    if check(item, &Limits::default()).is_err() {
        return Vec::new();
    }
    let mut nodes = Vec::new();
    if parse(item, 0, &mut nodes, 0).is_none() {
        return Vec::new();
    }
    let splice = |start: usize, end: usize, middle: &[u8]| -> Vec<u8> {
        let mut v = Vec::with_capacity(item.len() + middle.len());
        v.extend_from_slice(item.get(..start).unwrap_or(&[]));
        v.extend_from_slice(middle);
        v.extend_from_slice(item.get(end..).unwrap_or(&[]));
        v
    };
    let mut out = Vec::new();

    for n in nodes.iter().take(MAX_WIDENED) {
        if let Some(h) = widen(n) {
            out.push(splice(n.start, n.start + n.head_len, &h));
        }
    }

    let mut indefinite = 0;
    for n in &nodes {
        if indefinite >= MAX_INDEFINITE {
            break;
        }
        let body = match n.major {
            MAJOR_BYTES | MAJOR_TEXT => {
                // One definite chunk holding the whole string.
                let mut b = vec![(n.major << 5) | 31];
                b.extend_from_slice(item.get(n.start..n.end).unwrap_or(&[]));
                b
            }
            MAJOR_ARRAY | MAJOR_MAP => {
                let mut b = vec![(n.major << 5) | 31];
                b.extend_from_slice(item.get(n.start + n.head_len..n.end).unwrap_or(&[]));
                b
            }
            _ => continue,
        };
        let mut body = body;
        body.push(0xff);
        out.push(splice(n.start, n.end, &body));
        indefinite += 1;
    }

    let mut swapped = 0;
    for n in &nodes {
        if swapped >= MAX_SWAPPED {
            break;
        }
        if n.major != MAJOR_MAP || n.children.len() < 4 {
            continue;
        }
        let child = |i: usize| n.children.get(i).and_then(|&c| nodes.get(c));
        let (Some(k1), Some(v1), Some(k2), Some(v2)) = (child(0), child(1), child(2), child(3))
        else {
            continue;
        };
        let mut body = Vec::new();
        body.extend_from_slice(item.get(k2.start..v2.end).unwrap_or(&[]));
        body.extend_from_slice(item.get(k1.start..v1.end).unwrap_or(&[]));
        out.push(splice(k1.start, v2.end, &body));
        swapped += 1;
    }
    out
}

/// The next longer head for `n` encoding the same value, if any.
fn widen(n: &Node) -> Option<Vec<u8>> {
    let mut h = Vec::new();
    if n.major == MAJOR_SIMPLE {
        match n.ai {
            0..=23 => head::write_head_with_ai(&mut h, MAJOR_SIMPLE, 24, u64::from(n.ai)),
            25 => {
                let v = head::f16_to_f64(u16::try_from(n.arg).ok()?) as f32;
                head::write_head_with_ai(&mut h, MAJOR_SIMPLE, 26, u64::from(v.to_bits()));
            }
            26 => {
                let v = f64::from(f32::from_bits(u32::try_from(n.arg).ok()?));
                head::write_head_with_ai(&mut h, MAJOR_SIMPLE, 27, v.to_bits());
            }
            _ => return None,
        }
        return Some(h);
    }
    let ai = match n.ai {
        0..=23 => 24,
        24..=26 => n.ai + 1,
        _ => return None,
    };
    head::write_head_with_ai(&mut h, n.major, ai, n.arg);
    Some(h)
}

/// Parses the item at `pos` into `nodes` (pre-order) and returns its index.
/// Recursion is bounded by the depth limit the caller's check enforced.
fn parse(input: &[u8], pos: usize, nodes: &mut Vec<Node>, depth: usize) -> Option<usize> {
    if depth > Limits::DEFAULT.max_depth {
        return None;
    }
    let h = read_head(input, pos).ok()?;
    let index = nodes.len();
    nodes.push(Node {
        start: pos,
        head_len: h.len,
        end: pos + h.len,
        major: h.major,
        ai: h.ai,
        arg: h.arg,
        children: Vec::new(),
    });
    let mut end = pos + h.len;
    let children = match h.major {
        MAJOR_BYTES | MAJOR_TEXT => {
            end += usize::try_from(h.arg).ok()?;
            0
        }
        MAJOR_ARRAY => h.arg,
        MAJOR_MAP => h.arg.checked_mul(2)?,
        MAJOR_TAG => 1,
        _ => 0,
    };
    let mut kids = Vec::new();
    for _ in 0..children {
        let c = parse(input, end, nodes, depth + 1)?;
        end = nodes.get(c)?.end;
        kids.push(c);
    }
    let node = nodes.get_mut(index)?;
    node.end = end;
    node.children = kids;
    Some(index)
}

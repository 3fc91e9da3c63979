//! The deterministic-encoding checker: an iterative walk with an explicit stack.

use crate::head::{
    self, CANONICAL_NAN_F16, Head, MAJOR_ARRAY, MAJOR_BYTES, MAJOR_MAP, MAJOR_NEGATIVE,
    MAJOR_SIMPLE, MAJOR_TAG, MAJOR_TEXT, MAJOR_UNSIGNED,
};
use crate::{Error, ErrorKind, Limits};

/// Checks that `input` is exactly one well-formed, deterministically encoded
/// (RFC 8949 §4.2.1) data item within `limits`, with no trailing bytes.
///
/// # Errors
/// The first fault found, with the offset of the item head where it was found.
pub fn check(input: &[u8], limits: &Limits) -> Result<(), Error> {
    let end = check_prefix(input, limits)?;
    match input.len().checked_sub(end) {
        Some(0) | None => Ok(()),
        Some(count) => Err(Error::new(ErrorKind::TrailingBytes { count }, end)),
    }
}

/// Checks the first data item of `input` like [`check`] and returns its
/// length in bytes; bytes after it are ignored. Use it to walk a CBOR
/// sequence (RFC 8742) one item at a time.
///
/// [`Limits::max_bytes`] bounds the whole of `input`, not just the first
/// item: pass a slice no longer than the limit.
///
/// # Errors
/// As [`check`], except that [`ErrorKind::TrailingBytes`] never occurs.
pub fn check_prefix(input: &[u8], limits: &Limits) -> Result<usize, Error> {
    if input.len() > limits.max_bytes {
        return Err(Error::new(
            ErrorKind::TooLarge {
                limit: limits.max_bytes,
                actual: input.len(),
            },
            0,
        ));
    }
    Checker {
        input,
        limits,
        // One allocation for the depths Pouch's own structures reach, instead of growing
        // 0 -> 4 -> 8 -> 16 on every check; bounded by a constant, not by the input.
        stack: Vec::with_capacity(limits.max_depth.min(16)),
        items: 0,
    }
    .run()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Array,
    Map,
    Tag,
}

/// One open container.
#[derive(Debug)]
struct Frame {
    kind: FrameKind,
    /// Data items still to come (a map counts keys and values).
    remaining: u64,
    /// Start of the key being read (maps only).
    key_start: usize,
    /// Byte range of the previous key (maps only).
    prev_key: Option<(usize, usize)>,
}

struct Checker<'i, 'l> {
    input: &'i [u8],
    limits: &'l Limits,
    /// Open containers. Each needs at least one input byte, so the stack
    /// never grows beyond the input length (and never beyond `max_depth`).
    stack: Vec<Frame>,
    items: usize,
}

impl Checker<'_, '_> {
    fn run(mut self) -> Result<usize, Error> {
        let mut pos = 0usize;
        loop {
            if let Some(frame) = self.stack.last_mut()
                && frame.kind == FrameKind::Map
                && frame.remaining.is_multiple_of(2)
            {
                frame.key_start = pos;
            }
            self.items += 1;
            if self.items > self.limits.max_items {
                return Err(Error::new(
                    ErrorKind::TooManyItems {
                        limit: self.limits.max_items,
                    },
                    pos,
                ));
            }
            let head = head::read_head(self.input, pos)?;
            let after_head = pos + head.len;
            let end = match head.major {
                MAJOR_UNSIGNED | MAJOR_NEGATIVE => {
                    check_shortest(&head, pos)?;
                    Some(after_head)
                }
                MAJOR_BYTES | MAJOR_TEXT => {
                    check_shortest(&head, pos)?;
                    let data = self.string_data(pos, &head)?;
                    if head.major == MAJOR_TEXT && std::str::from_utf8(data).is_err() {
                        return Err(Error::new(ErrorKind::InvalidUtf8, pos));
                    }
                    Some(after_head + data.len())
                }
                MAJOR_ARRAY | MAJOR_MAP | MAJOR_TAG => {
                    check_shortest(&head, pos)?;
                    self.open(pos, &head)?;
                    if self.stack.last().is_some_and(|f| f.remaining > 0) {
                        None
                    } else {
                        // Empty array or map: complete at once.
                        self.stack.pop();
                        Some(after_head)
                    }
                }
                _ => {
                    check_simple_or_float(&head, pos)?;
                    Some(after_head)
                }
            };
            pos = match end {
                Some(end) => match self.complete(end)? {
                    true => return Ok(end),
                    false => end,
                },
                None => after_head,
            };
        }
    }

    /// Bytes available after the head at `pos`, and the most any input
    /// within `max_bytes` could offer there.
    fn room(&self, pos: usize, head: &Head) -> (usize, usize) {
        let after = pos + head.len;
        (
            self.input.len().saturating_sub(after),
            self.limits.max_bytes.saturating_sub(after),
        )
    }

    /// The payload of the string whose head is at `pos`.
    fn string_data(&self, pos: usize, head: &Head) -> Result<&[u8], Error> {
        let (available, budget) = self.room(pos, head);
        let fits = usize::try_from(head.arg).ok().filter(|&n| n <= available);
        let Some(len) = fits else {
            return Err(self.length_error(pos, head, head.arg, available, budget));
        };
        let start = pos + head.len;
        self.input
            .get(start..start + len)
            .ok_or_else(|| self.length_error(pos, head, head.arg, available, budget))
    }

    fn length_error(
        &self,
        pos: usize,
        head: &Head,
        needed: u64,
        available: usize,
        budget: usize,
    ) -> Error {
        match usize::try_from(needed) {
            Ok(n) if n <= budget => Error::new(
                ErrorKind::Incomplete {
                    expected: head.len + n,
                    actual: head.len + available,
                },
                pos,
            ),
            _ => Error::new(
                ErrorKind::LengthExceedsInput {
                    claimed: head.arg,
                    available,
                },
                pos,
            ),
        }
    }

    /// Pushes a frame for the array, map or tag whose head is at `pos`.
    fn open(&mut self, pos: usize, head: &Head) -> Result<(), Error> {
        let depth = self.stack.len() + 1;
        if depth > self.limits.max_depth {
            return Err(Error::new(
                ErrorKind::DepthExceeded {
                    limit: self.limits.max_depth,
                },
                pos,
            ));
        }
        let (kind, remaining) = match head.major {
            MAJOR_ARRAY => (FrameKind::Array, Some(head.arg)),
            MAJOR_MAP => (FrameKind::Map, head.arg.checked_mul(2)),
            _ => {
                self.stack.push(Frame {
                    kind: FrameKind::Tag,
                    remaining: 1,
                    key_start: 0,
                    prev_key: None,
                });
                return Ok(());
            }
        };
        // Every element takes at least one byte: refuse counts that no input
        // within `max_bytes` could hold. Shorter shortfalls surface as
        // `Incomplete` when the input runs out.
        let (available, budget) = self.room(pos, head);
        let remaining = match remaining {
            Some(n) if usize::try_from(n).is_ok_and(|n| n <= budget) => n,
            _ => {
                return Err(Error::new(
                    ErrorKind::LengthExceedsInput {
                        claimed: head.arg,
                        available,
                    },
                    pos,
                ));
            }
        };
        self.stack.push(Frame {
            kind,
            remaining,
            key_start: 0,
            prev_key: None,
        });
        Ok(())
    }

    /// Records that an item ended at `end`, closing every container that it
    /// completes. Returns `true` when the top-level item is complete.
    fn complete(&mut self, end: usize) -> Result<bool, Error> {
        loop {
            let Some(frame) = self.stack.last_mut() else {
                return Ok(true);
            };
            if frame.kind == FrameKind::Map && frame.remaining.is_multiple_of(2) {
                let key = (frame.key_start, end);
                if let Some(prev) = frame.prev_key {
                    let prev_bytes = self.input.get(prev.0..prev.1).unwrap_or(&[]);
                    let key_bytes = self.input.get(key.0..key.1).unwrap_or(&[]);
                    match prev_bytes.cmp(key_bytes) {
                        std::cmp::Ordering::Less => {}
                        std::cmp::Ordering::Equal => {
                            return Err(Error::new(ErrorKind::DuplicateMapKey, key.0));
                        }
                        std::cmp::Ordering::Greater => {
                            return Err(Error::new(ErrorKind::UnsortedMapKeys, key.0));
                        }
                    }
                }
                frame.prev_key = Some(key);
            }
            frame.remaining = frame.remaining.saturating_sub(1);
            if frame.remaining > 0 {
                return Ok(false);
            }
            self.stack.pop();
        }
    }
}

/// Rejects heads of major types 0..=6 whose argument has a shorter form.
fn check_shortest(head: &Head, pos: usize) -> Result<(), Error> {
    if head.ai >= 24 && head.arg < head::min_arg_for_ai(head.ai) {
        return Err(Error::new(ErrorKind::NonShortestArgument, pos));
    }
    Ok(())
}

/// Checks a major type 7 head: simple values and floats.
fn check_simple_or_float(head: &Head, pos: usize) -> Result<(), Error> {
    debug_assert_eq!(head.major, MAJOR_SIMPLE);
    let shortest_float = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::NonShortestFloat, pos))
        }
    };
    match head.ai {
        20..=23 => Ok(()),
        0..=19 | 24 => Err(Error::new(
            ErrorKind::InvalidSimpleValue {
                value: u8::try_from(head.arg).unwrap_or(u8::MAX),
            },
            pos,
        )),
        25 => {
            let bits = u16::try_from(head.arg).unwrap_or(0);
            shortest_float(!head::f16_to_f64(bits).is_nan() || bits == CANONICAL_NAN_F16)
        }
        26 => {
            let v = f64::from(f32::from_bits(u32::try_from(head.arg).unwrap_or(0)));
            shortest_float(!v.is_nan() && head::f64_to_f16_exact(v).is_none())
        }
        _ => {
            let v = f64::from_bits(head.arg);
            shortest_float(!v.is_nan() && head::f64_to_f32_exact(v).is_none())
        }
    }
}

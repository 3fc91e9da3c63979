//! CBOR sequences (RFC 8742): finding where each item ends, without judging it.
//!
//! A gateway reads envelopes back to back from a file or a socket. Framing must not depend
//! on the strict check: a well-formed but non-deterministic item is still one item, reported
//! as such by whoever decodes it, and the next item must still be found. So [`frame`] only
//! follows RFC 8949's well-formedness rules (indefinite lengths included) and the byte
//! lengths they imply, and [`SequenceReader`] uses it to cut a stream into items with a size
//! limit per item, reading no more than the item needs and never allocating by a claimed
//! length.

use std::io::{self, Read};

use crate::head::{argument, argument_bytes};
use crate::{Error, ErrorKind};

/// Where the first item of the input ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// The first item is complete and this many bytes long.
    Complete(usize),
    /// The input ends inside the first item; at least this many bytes (from the start of the
    /// input) are needed before it can be framed.
    NeedMore(usize),
}

/// An open container while framing.
enum Open {
    /// Items still to come in a definite-length array, map (keys and values) or tag.
    Count(u64),
    /// An indefinite-length array or map, closed by a break.
    Indefinite,
    /// An indefinite-length byte (2) or text (3) string, whose chunks must be definite
    /// strings of the same major type.
    Chunks(u8),
}

/// Frames the first data item of `input`: its length if complete, or how many bytes are
/// needed at least. Only well-formedness is judged (RFC 8949 §3, Appendix C), not
/// determinism; nesting deeper than `max_depth` is an error, so the work is bounded by the
/// input length and the depth.
///
/// # Errors
/// [`ErrorKind::ReservedAdditionalInfo`], [`ErrorKind::UnexpectedBreak`],
/// [`ErrorKind::IndefiniteLength`] (on a type without an indefinite form),
/// [`ErrorKind::DepthExceeded`], and [`ErrorKind::LengthExceedsInput`] for a length that no
/// `usize` can hold.
pub fn frame(input: &[u8], max_depth: usize) -> Result<Frame, Error> {
    let mut stack: Vec<Open> = Vec::with_capacity(max_depth.min(16));
    let mut pos = 0usize;
    loop {
        let Some(&first) = input.get(pos) else {
            return Ok(Frame::NeedMore(pos + 1));
        };
        let (major, ai) = (first >> 5, first & 0x1f);
        if first == 0xff {
            match stack.last() {
                Some(Open::Indefinite | Open::Chunks(_)) => {
                    stack.pop();
                    pos += 1;
                }
                _ => return Err(Error::new(ErrorKind::UnexpectedBreak, pos)),
            }
        } else {
            if let Some(Open::Chunks(m)) = stack.last()
                && (*m != major || ai == 31)
            {
                return Err(Error::new(
                    ErrorKind::UnexpectedType {
                        expected: if *m == 2 {
                            "byte string"
                        } else {
                            "text string"
                        },
                        found: "another item inside an indefinite-length string",
                    },
                    pos,
                ));
            }
            let extra = argument_bytes(ai, pos)?;
            let Some(arg_bytes) = input.get(pos + 1..pos + 1 + extra) else {
                return Ok(Frame::NeedMore(pos + 1 + extra));
            };
            let arg = argument(ai, arg_bytes);
            pos += 1 + extra;
            let too_long = |pos| {
                Error::new(
                    ErrorKind::LengthExceedsInput {
                        claimed: arg,
                        available: input.len().saturating_sub(pos),
                    },
                    pos,
                )
            };
            let open = match (major, ai) {
                (2 | 3, 31) => Some(Open::Chunks(major)),
                (4 | 5, 31) => Some(Open::Indefinite),
                (_, 31) if major != 7 => {
                    return Err(Error::new(ErrorKind::IndefiniteLength, pos - 1));
                }
                (2 | 3, _) => {
                    let end = usize::try_from(arg)
                        .ok()
                        .and_then(|n| pos.checked_add(n))
                        .ok_or_else(|| too_long(pos))?;
                    if end > input.len() {
                        return Ok(Frame::NeedMore(end));
                    }
                    pos = end;
                    None
                }
                (4, _) if arg > 0 => Some(Open::Count(arg)),
                (5, _) if arg > 0 => Some(Open::Count(
                    arg.checked_mul(2).ok_or_else(|| too_long(pos))?,
                )),
                (6, _) => Some(Open::Count(1)),
                _ => None,
            };
            if let Some(open) = open {
                if stack.len() >= max_depth {
                    return Err(Error::new(
                        ErrorKind::DepthExceeded { limit: max_depth },
                        pos - 1 - extra,
                    ));
                }
                stack.push(open);
                continue;
            }
        }
        // An item ended at `pos`: close every definite container it completes.
        loop {
            match stack.last_mut() {
                None => return Ok(Frame::Complete(pos)),
                Some(Open::Count(n)) => {
                    *n -= 1;
                    if *n > 0 {
                        break;
                    }
                    stack.pop();
                }
                Some(Open::Indefinite | Open::Chunks(_)) => break,
            }
        }
    }
}

/// Why a sequence could not be read further. After any of these the reader yields nothing
/// more: without the end of the item in hand, the next item cannot be found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SequenceError {
    /// Reading the underlying stream failed.
    #[error("reading the sequence at byte {offset}: {source}")]
    Io {
        /// Offset of the item being read.
        offset: u64,
        /// The I/O error.
        source: io::Error,
    },
    /// The item is longer than the per-item limit.
    #[error("the item at byte {offset} is longer than the limit of {limit} bytes")]
    TooLarge {
        /// Offset of the item.
        offset: u64,
        /// The limit in force.
        limit: usize,
    },
    /// The item is not well-formed CBOR, so its end cannot be found.
    #[error("the item at byte {offset} is not well-formed: {error}")]
    Malformed {
        /// Offset of the item.
        offset: u64,
        /// The fault, its position relative to the item.
        error: Error,
    },
    /// The stream ends inside an item.
    #[error("the sequence ends inside the item at byte {offset}, after {len} of its bytes")]
    Truncated {
        /// Offset of the item.
        offset: u64,
        /// Bytes of it that were present.
        len: usize,
    },
}

/// One item of a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SequenceItem {
    /// Offset of the item's first byte in the stream.
    pub offset: u64,
    /// The item's bytes.
    pub bytes: Vec<u8>,
}

/// Reads a CBOR sequence item by item from any reader, holding at most one item (up to
/// `max_item` bytes) and one read chunk in memory.
pub struct SequenceReader<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    offset: u64,
    max_item: usize,
    max_depth: usize,
    finished: bool,
}

/// Bytes asked of the underlying reader at a time when the item's length is not yet known.
const CHUNK: usize = 64 * 1024;

impl<R: Read> SequenceReader<R> {
    /// A reader yielding items of at most `max_item` bytes, nested at most `max_depth` deep.
    pub fn new(inner: R, max_item: usize, max_depth: usize) -> Self {
        Self {
            inner,
            buf: Vec::new(),
            start: 0,
            offset: 0,
            max_item,
            max_depth,
            finished: false,
        }
    }

    /// Reads until the buffer holds `want` bytes from `start`, or the stream ends.
    /// Returns whether it holds them. Consumed bytes are dropped only when more must be
    /// read, so a run of small items costs no copying per item.
    fn fill(&mut self, want: usize) -> io::Result<bool> {
        if self.buf.len() - self.start >= want {
            return Ok(true);
        }
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        while self.buf.len() < want {
            let have = self.buf.len();
            // Read what the item needs, at least a chunk, but never past the item limit
            // plus one chunk: a claimed length never sizes an allocation beyond that.
            let target = want
                .max(have + CHUNK)
                .min(self.max_item.saturating_add(CHUNK));
            self.buf.resize(target, 0);
            let n = loop {
                match self
                    .inner
                    .read(self.buf.get_mut(have..).unwrap_or_default())
                {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.buf.truncate(have);
                        return Err(e);
                    }
                }
            };
            self.buf.truncate(have + n);
            if n == 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn fail(&mut self, e: SequenceError) -> Option<Result<SequenceItem, SequenceError>> {
        self.finished = true;
        self.buf = Vec::new();
        Some(Err(e))
    }
}

impl<R: Read> Iterator for SequenceReader<R> {
    type Item = Result<SequenceItem, SequenceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let offset = self.offset;
        let mut want = 1;
        loop {
            match self.fill(want) {
                Ok(true) => {}
                Ok(false) => {
                    let len = self.buf.len() - self.start;
                    if len == 0 {
                        self.finished = true;
                        return None;
                    }
                    return self.fail(SequenceError::Truncated { offset, len });
                }
                Err(source) => return self.fail(SequenceError::Io { offset, source }),
            }
            let avail = self.buf.get(self.start..).unwrap_or_default();
            match frame(avail, self.max_depth) {
                Ok(Frame::Complete(n)) if n <= self.max_item => {
                    let bytes = avail.get(..n).unwrap_or_default().to_vec();
                    self.start += n;
                    self.offset += n as u64;
                    return Some(Ok(SequenceItem { offset, bytes }));
                }
                Ok(Frame::Complete(_)) => {
                    return self.fail(SequenceError::TooLarge {
                        offset,
                        limit: self.max_item,
                    });
                }
                Ok(Frame::NeedMore(n)) if n > self.max_item => {
                    return self.fail(SequenceError::TooLarge {
                        offset,
                        limit: self.max_item,
                    });
                }
                Ok(Frame::NeedMore(n)) => want = n,
                Err(error) => return self.fail(SequenceError::Malformed { offset, error }),
            }
        }
    }
}

//! Deterministic encoding into a `Vec<u8>`.

use crate::head::{
    self, CANONICAL_NAN_F16, MAJOR_ARRAY, MAJOR_BYTES, MAJOR_MAP, MAJOR_NEGATIVE, MAJOR_SIMPLE,
    MAJOR_TAG, MAJOR_TEXT, MAJOR_UNSIGNED,
};
use crate::{Error, ErrorKind, Limits, check};

/// A deterministic CBOR writer.
///
/// Every head is written in its shortest form and floats in the shortest
/// exact precision, so a well-nested sequence of calls produces output that
/// passes [`check`]. The writer does not track nesting: after
/// [`Encoder::array`], [`Encoder::map`] or [`Encoder::tag`] the caller writes
/// exactly the announced number of items. Maps with more than one pair should
/// be written through [`MapBuilder`], which sorts the keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Encoder {
    out: Vec<u8>,
}

impl Encoder {
    /// An empty encoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty encoder with room for `bytes` of output, for callers that know the size
    /// (a `Sig_structure` around a large payload) and want one allocation, not several.
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            out: Vec::with_capacity(bytes),
        }
    }

    /// Writes an unsigned integer.
    pub fn u64(&mut self, v: u64) -> &mut Self {
        head::write_head(&mut self.out, MAJOR_UNSIGNED, v);
        self
    }

    /// Writes a signed integer (major type 0 or 1).
    pub fn i64(&mut self, v: i64) -> &mut Self {
        match u64::try_from(v) {
            Ok(u) => head::write_head(&mut self.out, MAJOR_UNSIGNED, u),
            // -1 - v is non-negative for negative v and fits in u64.
            Err(_) => head::write_head(&mut self.out, MAJOR_NEGATIVE, (-1 - v).unsigned_abs()),
        }
        self
    }

    /// Writes the negative integer `-1 - n` (major type 1 with argument `n`),
    /// covering the range below `i64::MIN`.
    pub fn negative(&mut self, n: u64) -> &mut Self {
        head::write_head(&mut self.out, MAJOR_NEGATIVE, n);
        self
    }

    /// Writes a byte string.
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        head::write_head(&mut self.out, MAJOR_BYTES, v.len() as u64);
        self.out.extend_from_slice(v);
        self
    }

    /// Writes only the head of a byte string of `len` bytes; exactly `len` bytes must follow
    /// in whatever the output is joined with (used to hash a large string in place).
    pub fn bytes_head(&mut self, len: u64) -> &mut Self {
        head::write_head(&mut self.out, MAJOR_BYTES, len);
        self
    }

    /// Writes a text string.
    pub fn text(&mut self, v: &str) -> &mut Self {
        head::write_head(&mut self.out, MAJOR_TEXT, v.len() as u64);
        self.out.extend_from_slice(v.as_bytes());
        self
    }

    /// Writes an array head; `len` items must follow.
    pub fn array(&mut self, len: u64) -> &mut Self {
        head::write_head(&mut self.out, MAJOR_ARRAY, len);
        self
    }

    /// Writes a map head; `len` key/value pairs must follow, keys in
    /// bytewise order of their encodings (see [`MapBuilder`]).
    pub fn map(&mut self, len: u64) -> &mut Self {
        head::write_head(&mut self.out, MAJOR_MAP, len);
        self
    }

    /// Writes a tag head; one item must follow.
    pub fn tag(&mut self, tag: u64) -> &mut Self {
        head::write_head(&mut self.out, MAJOR_TAG, tag);
        self
    }

    /// Writes `false` or `true`.
    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.out.push(if v { 0xf5 } else { 0xf4 });
        self
    }

    /// Writes `null`.
    pub fn null(&mut self) -> &mut Self {
        self.out.push(0xf6);
        self
    }

    /// Writes `undefined`.
    pub fn undefined(&mut self) -> &mut Self {
        self.out.push(0xf7);
        self
    }

    /// Writes a float in the shortest of half, single and double precision
    /// that represents it exactly; every NaN is written as `0xf97e00`.
    pub fn f64(&mut self, v: f64) -> &mut Self {
        let simple = MAJOR_SIMPLE << 5;
        if v.is_nan() {
            self.out.push(simple | 25);
            self.out.extend_from_slice(&CANONICAL_NAN_F16.to_be_bytes());
        } else if let Some(h) = head::f64_to_f16_exact(v) {
            self.out.push(simple | 25);
            self.out.extend_from_slice(&h.to_be_bytes());
        } else if let Some(s) = head::f64_to_f32_exact(v) {
            self.out.push(simple | 26);
            self.out.extend_from_slice(&s.to_bits().to_be_bytes());
        } else {
            self.out.push(simple | 27);
            self.out.extend_from_slice(&v.to_bits().to_be_bytes());
        }
        self
    }

    /// Appends an already encoded item as is. The caller is responsible for
    /// it being one deterministic item.
    pub fn raw(&mut self, item: &[u8]) -> &mut Self {
        self.out.extend_from_slice(item);
        self
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.out
    }

    /// Number of bytes written so far.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Consumes the encoder and returns the bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

/// Collects map entries as encoded key and value bytes and writes them in
/// deterministic order: sorted bytewise by key encoding, no duplicates.
///
/// ```
/// use pouch_cbor::{Encoder, MapBuilder, Limits, check};
///
/// let mut map = MapBuilder::new();
/// map.entry_with(|k| { k.text("b"); }, |v| { v.u64(1); })?;
/// map.entry_with(|k| { k.text("a"); }, |v| { v.u64(2); })?;
/// let mut enc = Encoder::new();
/// map.finish(&mut enc)?;
/// assert_eq!(enc.as_bytes(), [0xa2, 0x61, b'a', 0x02, 0x61, b'b', 0x01]);
/// check(enc.as_bytes(), &Limits::default())?;
/// # Ok::<(), pouch_cbor::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct MapBuilder {
    entries: Vec<(Vec<u8>, Vec<u8>)>,
}

impl MapBuilder {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries collected so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry has been collected.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds an entry from encoded key and value bytes.
    ///
    /// The key is checked to be one deterministic item (with
    /// [`Limits::default`]), since the map order depends on it. The value is
    /// the caller's responsibility, as with [`Encoder::raw`].
    ///
    /// # Errors
    /// Any [`check`] error for the key (positions are within the key).
    pub fn entry(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), Error> {
        check(&key, &Limits::default())?;
        self.entries.push((key, value));
        Ok(())
    }

    /// Adds an entry whose key and value are written by two closures.
    ///
    /// # Errors
    /// As [`MapBuilder::entry`].
    pub fn entry_with(
        &mut self,
        key: impl FnOnce(&mut Encoder),
        value: impl FnOnce(&mut Encoder),
    ) -> Result<(), Error> {
        let mut k = Encoder::new();
        key(&mut k);
        let mut v = Encoder::new();
        value(&mut v);
        self.entry(k.into_bytes(), v.into_bytes())
    }

    /// Sorts the entries bytewise by key encoding and writes the map head
    /// and the entries to `out`.
    ///
    /// # Errors
    /// [`ErrorKind::DuplicateMapKey`] when two keys are equal, with the
    /// offset in `out` at which the second one would have been written;
    /// nothing is written then.
    pub fn finish(mut self, out: &mut Encoder) -> Result<(), Error> {
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut header = Vec::new();
        head::write_head(&mut header, MAJOR_MAP, self.entries.len() as u64);
        let mut offset = out.len() + header.len();
        let mut prev: Option<&[u8]> = None;
        for (k, v) in &self.entries {
            if prev == Some(k.as_slice()) {
                return Err(Error::new(ErrorKind::DuplicateMapKey, offset));
            }
            prev = Some(k);
            offset += k.len() + v.len();
        }
        out.raw(&header);
        for (k, v) in &self.entries {
            out.raw(k).raw(v);
        }
        Ok(())
    }
}

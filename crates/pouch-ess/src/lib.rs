#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod ber;
mod bits;
mod decode;
mod der;
mod error;
mod model;
mod oid;

use core::fmt;

pub use bits::{BitString, MAX_BITS};
pub use error::{Error, ErrorKind};
pub use model::{
    EnumType, EssLabel, FreeFormField, MAX_CATEGORIES, MAX_CLASSIFICATION, MAX_PRINTABLE_MARK,
    MissiCategories, NamedTagSet, PrivacyMark, SecurityCategory, SecurityTag, Tag7Encoding,
    TagType,
};
pub use oid::{MAX_OID_BYTES, Oid};

/// Decoder limits (spec/06-ess.md §6.5). The decoder checks each before it reads further and
/// never allocates by a length the input claims; the defaults are what every Pouch decoder
/// MUST accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest encoded label, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of elements inside an unknown category value, counted from the label.
    pub max_depth: usize,
    /// Most elements (TLVs) in one label, all levels together.
    pub max_elements: usize,
    /// Most categories in one label (never above [`MAX_CATEGORIES`]).
    pub max_categories: usize,
    /// Most integers in one SET OF `SecurityAttribute`.
    pub max_attributes: usize,
    /// Longest privacy mark, in bytes.
    pub max_string_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 * 1024,
            max_depth: 16,
            max_elements: 8192,
            max_categories: MAX_CATEGORIES,
            max_attributes: 1024,
            max_string_bytes: 1024,
        }
    }
}

/// The first departure from DER found in a BER input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BerDeviation {
    /// A length in the long form where the short form fits, or with leading zero octets.
    LongLength,
    /// The label's components are not in ascending tag order (X.690 §10.3).
    SetOrder,
    /// The elements of a SET OF are not in ascending order of their encodings (X.690 §11.6).
    SetOfOrder,
    /// The unused bits of a BIT STRING are not zero (X.690 §11.2.1).
    BitStringPadding,
}

impl fmt::Display for BerDeviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BerDeviation::LongLength => "length not in its shortest form",
            BerDeviation::SetOrder => "SET components out of tag order",
            BerDeviation::SetOfOrder => "SET OF elements out of order",
            BerDeviation::BitStringPadding => "BIT STRING unused bits not zero",
        })
    }
}

/// How a decoded label was encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// DER, as far as the syntaxes this crate knows can tell (POUCH-ESS-031).
    Der,
    /// BER that is not DER; re-encoding gives DER.
    Ber {
        /// The first departure from DER.
        deviation: BerDeviation,
        /// Byte offset of the element at fault.
        offset: usize,
    },
}

/// A decoded label and how it was encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decoded {
    /// The label.
    pub label: EssLabel,
    /// Whether the input was DER.
    pub encoding: Encoding,
}

impl EssLabel {
    /// Decodes an ESSSecurityLabel in BER with definite lengths (which includes DER), within
    /// `limits`, and says whether the input was DER.
    pub fn decode(input: &[u8], limits: &Limits) -> Result<Decoded, Error> {
        decode::decode(input, limits)
    }

    /// Decodes an ESSSecurityLabel that must be DER: BER that is not DER is refused with
    /// [`ErrorKind::NotDer`].
    pub fn from_der(input: &[u8], limits: &Limits) -> Result<EssLabel, Error> {
        let decoded = decode::decode(input, limits)?;
        match decoded.encoding {
            Encoding::Der => Ok(decoded.label),
            Encoding::Ber { deviation, offset } => {
                Err(Error::at(ErrorKind::NotDer(deviation), offset))
            }
        }
    }

    /// Encodes the label in DER. Refuses a label with no component, a classification above
    /// 256, more than 64 categories, a privacy mark that breaks its string type, or an
    /// `Other` category whose value is not one well-formed element or whose type is a
    /// syntax this crate knows.
    pub fn to_der(&self) -> Result<Vec<u8>, Error> {
        self.check()?;
        let limits = Limits::default();
        let mut others = Vec::new();
        for cat in &self.categories {
            if let SecurityCategory::Other { value_der, .. } = cat {
                let bad = |_| {
                    Error::encoding(ErrorKind::Unencodable(
                        "an Other category's value is not one well-formed element",
                    ))
                };
                let mut ctx = ber::Ctx::new(&limits);
                let mut items = ber::Items::new(value_der);
                let value = items.take(&mut ctx, "a value").map_err(bad)?;
                items.finish("the value").map_err(bad)?;
                others.push(ber::reencode(&value, &mut ctx, 4).map_err(bad)?);
            }
        }
        Ok(der::label(self, &others))
    }
}

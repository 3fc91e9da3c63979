//! Instants in time as ADatP-4774 carries them (`xs:dateTime`), held in UTC.
//!
//! A label time is an instant with up to nanosecond precision between years 0001 and 9999.
//! Its canonical text is `YYYY-MM-DDThh:mm:ss[.f]Z` in UTC, where the fraction has one to
//! nine digits and no trailing zero. CBOR and JSON carry only the canonical text; XML import
//! also accepts any `xs:dateTime` with an explicit time-zone offset and converts it to UTC
//! (POUCH-LBL-012).

use core::cmp::Ordering;
use core::fmt;

/// Why a text is not a label time.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// The text does not follow the `xs:dateTime` lexical form.
    #[error("not an xs:dateTime: {0}")]
    Syntax(&'static str),
    /// A field is out of range (month 13, 31 April, hour 24 with minutes...).
    #[error("{0} out of range")]
    Range(&'static str),
    /// No time-zone designator: the instant is ambiguous.
    #[error("no time zone: a label time must end in 'Z' or an offset such as '+01:00'")]
    NoTimeZone,
    /// More than nine fractional digits.
    #[error("more than nine fractional-second digits")]
    TooPrecise,
    /// Valid, but not in the canonical UTC form that CBOR and JSON require.
    #[error("not canonical: expected {expected}")]
    NotCanonical {
        /// The canonical spelling of the same instant.
        expected: String,
    },
}

/// An instant in UTC with nanosecond precision, years 0001 to 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    secs: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    nanos: u32,
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.secs, self.nanos).cmp(&(other.secs, other.nanos))
    }
}

const MIN_SECS: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
const MAX_SECS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

impl DateTime {
    /// Builds an instant from Unix seconds and nanoseconds; `None` outside years 0001..=9999
    /// or when `nanos` is not below one second.
    pub fn from_unix(secs: i64, nanos: u32) -> Option<Self> {
        ((MIN_SECS..=MAX_SECS).contains(&secs) && nanos < 1_000_000_000)
            .then_some(Self { secs, nanos })
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds within the second.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Parses the canonical form only (what CBOR and JSON carry).
    pub fn parse_canonical(text: &str) -> Result<Self, TimeError> {
        let t = Self::parse_xsd(text)?;
        // Compare with the canonical spelling written on the stack: this runs for every time
        // of every label of every envelope verified, so it neither allocates nor goes through
        // `fmt` (which cost a fifth of envelope decoding when it did).
        if t.canonical().as_bytes() == text.as_bytes() {
            Ok(t)
        } else {
            Err(TimeError::NotCanonical {
                expected: t.to_string(),
            })
        }
    }

    /// Parses any `xs:dateTime` with a time zone, converting it to UTC (what XML carries).
    pub fn parse_xsd(text: &str) -> Result<Self, TimeError> {
        let b = text.as_bytes();
        let mut p = Cursor { b, i: 0 };
        // Years beyond four digits and negative years are outside the label profile.
        let year = p.digits(4, "year")?;
        p.expect(b'-', "'-' after year")?;
        let month = p.digits(2, "month")?;
        p.expect(b'-', "'-' after month")?;
        let day = p.digits(2, "day")?;
        p.expect(b'T', "'T' between date and time")?;
        let hour = p.digits(2, "hour")?;
        p.expect(b':', "':' after hour")?;
        let minute = p.digits(2, "minute")?;
        p.expect(b':', "':' after minute")?;
        let second = p.digits(2, "second")?;
        let mut nanos: u32 = 0;
        if p.peek() == Some(b'.') {
            p.i += 1;
            let start = p.i;
            while let Some(c @ b'0'..=b'9') = p.peek() {
                if p.i - start == 9 {
                    return Err(TimeError::TooPrecise);
                }
                nanos = nanos * 10 + u32::from(c - b'0');
                p.i += 1;
            }
            let n = p.i - start;
            if n == 0 {
                return Err(TimeError::Syntax("no digit after '.'"));
            }
            nanos *= 10u32.pow(9 - n as u32);
        }
        let offset_minutes: i64 = match p.peek() {
            None => return Err(TimeError::NoTimeZone),
            Some(b'Z') => {
                p.i += 1;
                0
            }
            Some(sign @ (b'+' | b'-')) => {
                p.i += 1;
                let oh = p.digits(2, "offset hour")?;
                p.expect(b':', "':' in offset")?;
                let om = p.digits(2, "offset minute")?;
                if oh > 14 || om > 59 || (oh == 14 && om != 0) {
                    return Err(TimeError::Range("time-zone offset"));
                }
                let m = i64::from(oh * 60 + om);
                if sign == b'-' { -m } else { m }
            }
            Some(_) => return Err(TimeError::Syntax("unexpected character after seconds")),
        };
        if p.i != b.len() {
            return Err(TimeError::Syntax("trailing characters"));
        }
        if year == 0 {
            return Err(TimeError::Range("year"));
        }
        if !(1..=12).contains(&month) {
            return Err(TimeError::Range("month"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(TimeError::Range("day"));
        }
        // xs:dateTime allows 24:00:00 for the end of a day; nothing else past 23:59:59.
        let end_of_day = hour == 24 && minute == 0 && second == 0 && nanos == 0;
        if (hour > 23 && !end_of_day) || minute > 59 || second > 59 {
            return Err(TimeError::Range("time of day"));
        }
        let days = days_from_civil(i64::from(year), month, day);
        let local =
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
        let secs = local - offset_minutes * 60;
        Self::from_unix(secs, nanos).ok_or(TimeError::Range("instant (years 0001 to 9999 in UTC)"))
    }
}

/// The one parser of a date-time given as an option (`--at` and every binding's time
/// argument): an RFC 3339 date-time with an explicit offset, years 0001 to 9999, as
/// [`DateTime::parse_xsd`] reads it.
impl core::str::FromStr for DateTime {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_xsd(s)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical().as_str())
    }
}

impl DateTime {
    /// The canonical spelling, `YYYY-MM-DDThh:mm:ss[.f{1,9}]Z`, with the fraction's trailing
    /// zeros dropped. [`DateTime::from_unix`] keeps years within 0001..=9999, so the year
    /// always has four digits.
    fn canonical(&self) -> StackText {
        let days = self.secs.div_euclid(86_400);
        let sod = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let mut t = StackText::default();
        t.digits(y.clamp(0, 9999) as u32, 4);
        t.push(b'-');
        t.digits(m, 2);
        t.push(b'-');
        t.digits(d, 2);
        t.push(b'T');
        t.digits((sod / 3600) as u32, 2);
        t.push(b':');
        t.digits((sod / 60 % 60) as u32, 2);
        t.push(b':');
        t.digits((sod % 60) as u32, 2);
        if self.nanos != 0 {
            let (mut frac, mut width) = (self.nanos, 9);
            while frac % 10 == 0 {
                frac /= 10;
                width -= 1;
            }
            t.push(b'.');
            t.digits(frac, width);
        }
        t.push(b'Z');
        t
    }
}

/// A canonical time has at most 30 characters (`YYYY-MM-DDThh:mm:ss.fffffffffZ`).
#[derive(Default)]
struct StackText {
    b: [u8; 32],
    n: usize,
}

impl StackText {
    fn as_bytes(&self) -> &[u8] {
        self.b.get(..self.n).unwrap_or_default()
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and punctuation are ever pushed.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    fn push(&mut self, c: u8) {
        if let Some(slot) = self.b.get_mut(self.n) {
            *slot = c;
            self.n += 1;
        }
    }

    /// Writes `v` in decimal, zero-padded to `width` digits (`v` < 10^`width`).
    fn digits(&mut self, mut v: u32, width: usize) {
        let end = self.n + width;
        if let Some(dst) = self.b.get_mut(self.n..end) {
            for slot in dst.iter_mut().rev() {
                *slot = b'0' + (v % 10) as u8;
                v /= 10;
            }
            self.n = end;
        }
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn expect(&mut self, c: u8, what: &'static str) -> Result<(), TimeError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(TimeError::Syntax(what))
        }
    }

    fn digits(&mut self, n: usize, what: &'static str) -> Result<u32, TimeError> {
        let mut v = 0u32;
        for _ in 0..n {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v * 10 + u32::from(c - b'0');
                    self.i += 1;
                }
                _ => return Err(TimeError::Syntax(what)),
            }
        }
        Ok(v)
    }
}

fn is_leap(y: u32) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's civil algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn canonical_forms_round_trip() {
        for s in [
            "2019-04-01T09:00:00Z",
            "2015-08-02T14:06:20.9873126Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "2024-02-29T12:00:00.5Z",
            "1969-12-31T23:59:59Z",
        ] {
            let t = DateTime::parse_canonical(s).unwrap();
            assert_eq!(t.to_string(), s);
        }
    }

    proptest::proptest! {
        /// The hand-written canonical writer and the parser agree over the whole range.
        #[test]
        fn canonical_text_parses_back(secs in -62_135_596_800i64..253_402_300_800, nanos in 0u32..1_000_000_000) {
            let t = DateTime::from_unix(secs, nanos).unwrap();
            let text = t.to_string();
            proptest::prop_assert_eq!(DateTime::parse_canonical(&text).unwrap(), t);
            proptest::prop_assert!(text.len() <= 30 && text.ends_with('Z'));
            proptest::prop_assert!(!text.contains(".") || !text.ends_with("0Z"));
        }
    }

    #[test]
    fn offsets_convert_to_utc() {
        let t = DateTime::parse_xsd("2021-06-18T18:11:43+02:00").unwrap();
        assert_eq!(t.to_string(), "2021-06-18T16:11:43Z");
        let t = DateTime::parse_xsd("2021-12-31T23:30:00-01:00").unwrap();
        assert_eq!(t.to_string(), "2022-01-01T00:30:00Z");
        let t = DateTime::parse_xsd("2021-06-18T24:00:00Z").unwrap();
        assert_eq!(t.to_string(), "2021-06-19T00:00:00Z");
        assert_eq!(
            DateTime::parse_xsd("1970-01-01T00:00:00Z")
                .unwrap()
                .unix_seconds(),
            0
        );
    }

    #[test]
    fn non_canonical_text_is_refused_with_the_canonical_spelling() {
        for (s, want) in [
            ("2021-06-18T16:11:43+00:00", "2021-06-18T16:11:43Z"),
            ("2021-06-18T16:11:43.500Z", "2021-06-18T16:11:43.5Z"),
            ("2021-06-18T16:11:43.0Z", "2021-06-18T16:11:43Z"),
        ] {
            assert_eq!(
                DateTime::parse_canonical(s),
                Err(TimeError::NotCanonical {
                    expected: want.into()
                })
            );
        }
    }

    #[test]
    fn bad_times_are_typed_errors() {
        assert_eq!(
            DateTime::parse_xsd("2021-06-18T16:11:43"),
            Err(TimeError::NoTimeZone)
        );
        assert_eq!(
            DateTime::parse_xsd("2021-02-29T00:00:00Z"),
            Err(TimeError::Range("day"))
        );
        assert_eq!(
            DateTime::parse_xsd("2021-13-01T00:00:00Z"),
            Err(TimeError::Range("month"))
        );
        assert_eq!(
            DateTime::parse_xsd("2021-01-01T00:00:00.1234567891Z"),
            Err(TimeError::TooPrecise)
        );
        assert_eq!(
            DateTime::parse_xsd("0001-01-01T00:30:00+01:00"),
            Err(TimeError::Range("instant (years 0001 to 9999 in UTC)"))
        );
        assert!(DateTime::parse_xsd("2021-1-01T00:00:00Z").is_err());
        assert!(DateTime::parse_xsd("").is_err());
        assert!(DateTime::parse_xsd("2021-01-01t00:00:00Z").is_err());
        assert!(DateTime::parse_xsd("2021-01-01T00:00:00Zjunk").is_err());
        assert!(DateTime::parse_xsd("2021-01-01T24:00:01Z").is_err());
    }

    #[test]
    fn civil_conversion_agrees_at_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        for z in [-719_162, -1, 0, 59, 60, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}

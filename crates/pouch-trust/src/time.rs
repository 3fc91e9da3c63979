//! Unix seconds to calendar date and time (proleptic Gregorian, UTC, no leap seconds).

use crate::Error;

/// A broken-down UTC time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CivilTime {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
}

/// Converts Unix seconds, failing outside the years 0000..=9999 that ASN.1 times can hold.
pub(crate) fn civil_from_unix(unix_seconds: i64) -> Result<CivilTime, Error> {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return Err(Error::TimeOutOfRange(unix_seconds));
    }
    Ok(CivilTime {
        year,
        month,
        day,
        hour: (secs / 3600) as u32,
        minute: (secs / 60 % 60) as u32,
        second: (secs % 60) as u32,
    })
}

/// Days since 1970-01-01 to (year, month, day), by Howard Hinnant's era arithmetic: count
/// in 400-year eras starting on 1 March, so the leap day falls at the end of each year.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Years before -5 million are rejected by the caller anyway; saturate instead of wrap.
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn ymdhms(t: CivilTime) -> (i64, u32, u32, u32, u32, u32) {
        (t.year, t.month, t.day, t.hour, t.minute, t.second)
    }

    #[test]
    fn known_instants() {
        assert_eq!(ymdhms(civil_from_unix(0).unwrap()), (1970, 1, 1, 0, 0, 0));
        // `date -u -d @951782400` = 2000-02-29 00:00:00, a leap day in a 400-year leap year.
        assert_eq!(
            ymdhms(civil_from_unix(951_782_400).unwrap()),
            (2000, 2, 29, 0, 0, 0)
        );
        assert_eq!(
            ymdhms(civil_from_unix(2_524_607_999).unwrap()),
            (2049, 12, 31, 23, 59, 59)
        );
        assert_eq!(
            ymdhms(civil_from_unix(2_524_608_000).unwrap()),
            (2050, 1, 1, 0, 0, 0)
        );
        assert_eq!(
            ymdhms(civil_from_unix(-1).unwrap()),
            (1969, 12, 31, 23, 59, 59)
        );
        assert_eq!(
            ymdhms(civil_from_unix(253_402_300_799).unwrap()),
            (9999, 12, 31, 23, 59, 59)
        );
    }

    #[test]
    fn rejects_years_past_9999_and_before_0() {
        assert!(civil_from_unix(253_402_300_800).is_err());
        assert!(civil_from_unix(-62_167_219_201).is_err());
        assert!(civil_from_unix(i64::MIN).is_err());
        assert!(civil_from_unix(i64::MAX).is_err());
    }
}

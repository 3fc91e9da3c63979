//! The one text form of each verification option, parsed once for the CLI (clap's
//! `value_parser`), the conformance adapter and every binding, so that a bad value is the
//! same typed error everywhere.

use core::fmt;
use core::str::FromStr;

use crate::SealPolicy;

/// Why an option's text does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{option} {value:?}: {reason}")]
#[non_exhaustive]
pub struct ParseError {
    /// Which option (`seal policy`, `time`...).
    pub option: &'static str,
    /// The text given.
    pub value: String,
    /// What is wrong with it, and what is expected.
    pub reason: String,
}

impl ParseError {
    pub(crate) fn new(option: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Self {
            option,
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}

impl FromStr for SealPolicy {
    type Err = ParseError;

    /// `all`, `hybrid`, or `nations:T:A,B,...` (spec/03-envelope.md §3.6, POUCH-ENV-051):
    /// nation codes are trimmed; an empty or repeated code, a threshold of 0, or one above
    /// the number of nations listed is refused (no such policy can mean anything).
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let bad = |reason: &str| ParseError::new("seal policy", s, reason);
        match s {
            "all" => return Ok(SealPolicy::AllValid),
            "hybrid" => return Ok(SealPolicy::Hybrid),
            _ => {}
        }
        let Some((t, list)) = s.strip_prefix("nations:").and_then(|r| r.split_once(':')) else {
            return Err(bad("expected all, hybrid or nations:T:A,B,..."));
        };
        let threshold: usize = t
            .parse()
            .map_err(|_| bad(&format!("the threshold {t:?} is not a whole number")))?;
        let mut nations: Vec<String> = Vec::new();
        for code in list.split(',').map(str::trim) {
            if code.is_empty() {
                return Err(bad("an empty nation code in the list"));
            }
            if !code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(bad(&format!(
                    "the nation code {code:?} is not letters, digits, '-' or '_'"
                )));
            }
            if nations.iter().any(|n| n == code) {
                return Err(bad(&format!("the nation {code} is listed twice")));
            }
            nations.push(code.to_owned());
        }
        if threshold == 0 || threshold > nations.len() {
            return Err(bad(&format!(
                "the threshold must be from 1 to the {} nations listed (0 is a policy nothing can fail)",
                nations.len()
            )));
        }
        Ok(SealPolicy::Nations { threshold, nations })
    }
}

impl fmt::Display for SealPolicy {
    /// The text form [`str::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SealPolicy::AllValid => f.write_str("all"),
            SealPolicy::Hybrid => f.write_str("hybrid"),
            SealPolicy::Nations { threshold, nations } => {
                write!(f, "nations:{threshold}:{}", nations.join(","))
            }
        }
    }
}

/// Parses a verification or signing time: RFC 3339 in the canonical form labels use
/// (`2026-11-28T11:00:00Z`).
pub fn parse_time(s: &str) -> Result<pouch_label::DateTime, ParseError> {
    pouch_label::DateTime::parse_canonical(s).map_err(|e| ParseError::new("time", s, e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn seal_policies_parse_and_print_back() {
        for s in ["all", "hybrid", "nations:2:NOR,DNK,NLD", "nations:1:NOR"] {
            let p: SealPolicy = s.parse().unwrap();
            assert_eq!(p.to_string(), s);
        }
        let p: SealPolicy = "nations:1: NOR , DNK".parse().unwrap();
        assert_eq!(
            p,
            SealPolicy::Nations {
                threshold: 1,
                nations: vec!["NOR".into(), "DNK".into()]
            }
        );
    }

    #[test]
    fn seal_policies_nothing_can_fail_or_satisfy_are_refused() {
        for s in [
            "",
            "any",
            "nations:1:",
            "nations:0:NOR",
            "nations:3:NOR,DNK",
            "nations:1:NOR,,DNK",
            "nations:1:NOR,NOR",
            "nations:x:NOR",
            "nations:-1:NOR",
            "nations:NOR",
        ] {
            let e = s.parse::<SealPolicy>().unwrap_err();
            assert_eq!(e.option, "seal policy", "{s}");
            assert_eq!(e.value, s);
        }
    }
}

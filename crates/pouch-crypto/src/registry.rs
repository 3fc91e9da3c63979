//! The algorithm registry (`spec/registries/algorithms.toml`), as types.

use core::fmt;

/// How strongly the specification asks for an algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// Every implementation MUST support it.
    Must,
    /// Implementations SHOULD support it.
    Should,
}

/// A signature algorithm of the Pouch registry, named by its COSE `alg` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Algorithm {
    /// ECDSA with P-256 and SHA-256 (COSE -7).
    Es256,
    /// ECDSA with P-384 and SHA-384 (COSE -35).
    Es384,
    /// ECDSA with P-521 and SHA-512 (COSE -36).
    Es512,
    /// EdDSA with Ed25519 (COSE -8).
    EdDsa,
    /// RSASSA-PSS with SHA-256 (COSE -37).
    Ps256,
    /// ML-DSA-44 (FIPS 204; COSE -48).
    MlDsa44,
    /// ML-DSA-65 (FIPS 204; COSE -49).
    MlDsa65,
    /// ML-DSA-87 (FIPS 204; COSE -50).
    MlDsa87,
}

impl Algorithm {
    /// Every registered algorithm, in registry order.
    pub const ALL: [Algorithm; 8] = [
        Algorithm::Es256,
        Algorithm::Es384,
        Algorithm::Es512,
        Algorithm::EdDsa,
        Algorithm::Ps256,
        Algorithm::MlDsa44,
        Algorithm::MlDsa65,
        Algorithm::MlDsa87,
    ];

    /// The COSE `alg` value (IANA COSE Algorithms; ML-DSA from draft-ietf-cose-dilithium).
    pub const fn cose_id(self) -> i64 {
        match self {
            Algorithm::Es256 => -7,
            Algorithm::Es384 => -35,
            Algorithm::Es512 => -36,
            Algorithm::EdDsa => -8,
            Algorithm::Ps256 => -37,
            Algorithm::MlDsa44 => -48,
            Algorithm::MlDsa65 => -49,
            Algorithm::MlDsa87 => -50,
        }
    }

    /// The algorithm with this COSE `alg` value, if registered.
    pub fn from_cose_id(id: i64) -> Option<Algorithm> {
        Self::ALL.into_iter().find(|a| a.cose_id() == id)
    }

    /// The registry name, e.g. `ES256`, `ML-DSA-65`.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Es256 => "ES256",
            Algorithm::Es384 => "ES384",
            Algorithm::Es512 => "ES512",
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Ps256 => "PS256",
            Algorithm::MlDsa44 => "ML-DSA-44",
            Algorithm::MlDsa65 => "ML-DSA-65",
            Algorithm::MlDsa87 => "ML-DSA-87",
        }
    }

    /// The algorithm with this registry name (case-insensitive).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    /// Whether the algorithm resists a quantum adversary (for "hybrid by two seals").
    pub const fn is_post_quantum(self) -> bool {
        matches!(
            self,
            Algorithm::MlDsa44 | Algorithm::MlDsa65 | Algorithm::MlDsa87
        )
    }

    /// How strongly the specification asks for it.
    pub const fn level(self) -> Level {
        match self {
            Algorithm::Es256 | Algorithm::Es384 | Algorithm::EdDsa | Algorithm::MlDsa65 => {
                Level::Must
            }
            _ => Level::Should,
        }
    }
}

/// The one parser of a signature algorithm name (the command line's `--alg`, every binding):
/// a registry name, ignoring ASCII case.
impl core::str::FromStr for Algorithm {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Algorithm::from_name(s).ok_or_else(|| crate::Error::UnknownName {
            what: "signature algorithm",
            name: s.to_owned(),
            expected: names(Algorithm::ALL.iter().map(|a| a.name())),
        })
    }
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A digest algorithm for detached payloads (COSE hash envelope), by its COSE value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-256 (COSE -16).
    Sha256,
    /// SHA-384 (COSE -43).
    Sha384,
}

impl DigestAlgorithm {
    /// Every registered digest, in registry order.
    pub const ALL: [DigestAlgorithm; 2] = [DigestAlgorithm::Sha256, DigestAlgorithm::Sha384];

    /// The COSE algorithm value.
    pub const fn cose_id(self) -> i64 {
        match self {
            DigestAlgorithm::Sha256 => -16,
            DigestAlgorithm::Sha384 => -43,
        }
    }

    /// The digest with this COSE value, if registered.
    pub fn from_cose_id(id: i64) -> Option<DigestAlgorithm> {
        Self::ALL.into_iter().find(|a| a.cose_id() == id)
    }

    /// The registry name.
    pub const fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha384 => "SHA-384",
        }
    }

    /// The digest's length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha384 => 48,
        }
    }
}

/// The one parser of a digest name (the command line's `--digest`, every binding): the
/// registry name or its short form without the hyphen (`SHA-256`, `sha256`), ignoring ASCII
/// case.
impl core::str::FromStr for DigestAlgorithm {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DigestAlgorithm::ALL
            .into_iter()
            .find(|d| {
                d.name().eq_ignore_ascii_case(s)
                    || d.name().replace('-', "").eq_ignore_ascii_case(s)
            })
            .ok_or_else(|| crate::Error::UnknownName {
                what: "digest algorithm",
                name: s.to_owned(),
                expected: names(DigestAlgorithm::ALL.iter().map(|d| d.name())),
            })
    }
}

impl fmt::Display for DigestAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{Algorithm, DigestAlgorithm};

    #[test]
    fn names_parse_through_from_str_and_unknown_ones_say_what_is_known() {
        for a in Algorithm::ALL {
            assert_eq!(a.name().parse::<Algorithm>(), Ok(a));
            assert_eq!(a.name().to_lowercase().parse::<Algorithm>(), Ok(a));
        }
        let e = "ES999".parse::<Algorithm>().unwrap_err().to_string();
        assert!(e.contains("ES999") && e.contains("ML-DSA-65"), "{e}");
        for (text, d) in [
            ("sha256", DigestAlgorithm::Sha256),
            ("SHA-384", DigestAlgorithm::Sha384),
        ] {
            assert_eq!(text.parse::<DigestAlgorithm>(), Ok(d));
        }
        assert!("md5".parse::<DigestAlgorithm>().is_err());
    }
}

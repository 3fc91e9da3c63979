//! Throwaway per-nation PKIs: a root CA, an intermediate CA and one signer per algorithm.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;

use pouch_crypto::{Algorithm, CryptoProvider, SigningKey};

use crate::{Certificate, CertificateBuilder, Error, Name, Validity, pem};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// A nation of the coalition: ISO 3166-1 alpha-3 and alpha-2 codes and an English name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Nation {
    code_alpha3: String,
    country_alpha2: String,
    name: String,
}

impl Nation {
    /// A nation, e.g. `Nation::new("NOR", "NO", "Norway")`. The codes must be upper-case
    /// ASCII letters; the name 1 to 32 characters without control characters.
    pub fn new(code_alpha3: &str, country_alpha2: &str, name: &str) -> Result<Nation, Error> {
        let letters = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_uppercase());
        if !letters(code_alpha3, 3) {
            return Err(Error::InvalidText {
                field: "nation code",
                reason: "not three upper-case letters",
            });
        }
        if !letters(country_alpha2, 2) {
            return Err(Error::InvalidText {
                field: "country code",
                reason: "not two upper-case letters",
            });
        }
        let chars = name.chars().count();
        if chars == 0 || chars > 32 || name.chars().any(char::is_control) {
            return Err(Error::InvalidText {
                field: "nation name",
                reason: "empty, over 32 characters or control characters",
            });
        }
        Ok(Nation {
            code_alpha3: code_alpha3.to_owned(),
            country_alpha2: country_alpha2.to_owned(),
            name: name.to_owned(),
        })
    }

    /// ISO 3166-1 alpha-3, e.g. `NOR`; also the folder name in [`Coalition::write_to_dir`].
    pub fn code_alpha3(&self) -> &str {
        &self.code_alpha3
    }

    /// ISO 3166-1 alpha-2, e.g. `NO`; the `C` of every name in the nation's PKI.
    pub fn country_alpha2(&self) -> &str {
        &self.country_alpha2
    }

    /// The name, e.g. `Norway`; the `O` of every name in the nation's PKI.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The three nations of `pouch demo`: Norway, Denmark and the Netherlands.
pub fn demo_nations() -> Result<Vec<Nation>, Error> {
    Ok(vec![
        Nation::new("NOR", "NO", "Norway")?,
        Nation::new("DNK", "DK", "Denmark")?,
        Nation::new("NLD", "NL", "Netherlands")?,
    ])
}

/// Which certificate of a nation's PKI a key is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The self-signed root CA.
    Root,
    /// The intermediate CA, issued by the root.
    Intermediate,
    /// A signer, issued by the intermediate.
    Signer,
}

/// The key a coalition build asks for: whose, for what, and of which algorithm.
#[derive(Clone, Copy, Debug)]
pub struct KeySlot<'a> {
    /// The nation.
    pub nation: &'a Nation,
    /// The certificate's role.
    pub role: Role,
    /// The key's algorithm.
    pub algorithm: Algorithm,
}

/// A certificate with its private key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    /// The certificate.
    pub certificate: Certificate,
    /// The private key, DER PKCS#8.
    pub pkcs8: Vec<u8>,
    /// The key's algorithm.
    pub algorithm: Algorithm,
}

impl Issued {
    /// The private key as PEM (`PRIVATE KEY`).
    pub fn key_pem(&self) -> String {
        pem::private_key_pem(&self.pkcs8)
    }

    /// The private key, loaded by `provider` for signing.
    pub fn signing_key(
        &self,
        provider: &CryptoProvider,
    ) -> Result<Box<dyn SigningKey>, pouch_crypto::Error> {
        provider
            .signature(self.algorithm)
            .ok_or(pouch_crypto::Error::Unsupported(self.algorithm))?
            .signing_key(&self.pkcs8)
    }
}

/// One nation's PKI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NationPki {
    /// The nation.
    pub nation: Nation,
    /// The root CA (pathLen 1).
    pub root: Issued,
    /// The intermediate CA (pathLen 0).
    pub intermediate: Issued,
    /// One signer per requested algorithm, in the order requested.
    pub signers: Vec<Issued>,
}

impl NationPki {
    /// This nation as a trust bundle names it: its root as the anchor and its intermediate,
    /// no CRL, best-effort revocation and no authorisation (set the fields a test needs).
    pub fn trusted_nation(&self) -> pouch_trust::TrustedNation {
        pouch_trust::TrustedNation {
            code: self.nation.code_alpha3().to_owned(),
            country: Some(self.nation.country_alpha2().to_owned()),
            anchors: vec![self.root.certificate.der().to_vec()],
            intermediates: vec![self.intermediate.certificate.der().to_vec()],
            crls: Vec::new(),
            revocation: pouch_trust::Revocation::BestEffort,
            authorisations: Vec::new(),
        }
    }

    /// Issues an encryption certificate (spec/10-encryption.md §10.5) from this nation's
    /// intermediate CA for the public key `subject_spki` (as `pouch_encrypt::cert::spki_der`
    /// gives it), named `{nation} Pouch Encryption {what}`. `profile` is normally
    /// [`Profile::Encryption`](crate::Profile::Encryption); another one makes a negative
    /// case (e.g. a signer's keyUsage).
    pub fn issue_encryption(
        &self,
        provider: &CryptoProvider,
        subject_spki: Vec<u8>,
        what: &str,
        validity: Validity,
        profile: crate::Profile,
    ) -> Result<Certificate, Error> {
        let subject = Name::new()
            .country(self.nation.country_alpha2())?
            .organization(self.nation.name())?
            .common_name(&format!("{} Pouch Encryption {what}", self.nation.name()))?;
        let issuer_key = provider
            .signature(self.intermediate.algorithm)
            .ok_or(Error::UnsupportedAlgorithm(self.intermediate.algorithm))?
            .signing_key(&self.intermediate.pkcs8)?;
        CertificateBuilder::new(subject, subject_spki, validity, profile).issue(
            provider,
            &self.intermediate.certificate,
            issuer_key.as_ref(),
        )
    }

    /// The signer for `alg`, if one was made.
    pub fn signer(&self, alg: Algorithm) -> Option<&Issued> {
        self.signers.iter().find(|s| s.algorithm == alg)
    }

    /// The PEM chain a signer presents: its certificate, then the intermediate.
    pub fn signer_chain_pem(&self, signer: &Issued) -> String {
        signer.certificate.to_pem() + &self.intermediate.certificate.to_pem()
    }

    /// The DER chain a signer presents (a seal's `x5chain`): its certificate, then the
    /// intermediate.
    pub fn signer_chain(&self, signer: &Issued) -> Vec<Vec<u8>> {
        vec![
            signer.certificate.der().to_vec(),
            self.intermediate.certificate.der().to_vec(),
        ]
    }
}

/// PKIs for several nations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coalition {
    nations: Vec<NationPki>,
}

impl Coalition {
    /// Every nation's PKI, in the order the nations were given.
    pub fn nations(&self) -> &[NationPki] {
        &self.nations
    }

    /// The PKI of the nation with this alpha-3 code.
    pub fn nation(&self, code_alpha3: &str) -> Option<&NationPki> {
        self.nations
            .iter()
            .find(|n| n.nation.code_alpha3 == code_alpha3)
    }

    /// Writes, for each nation, `NATION/root.pem`, `NATION/intermediate.pem`, and per
    /// signer `NATION/signer-ALG.pem` (leaf, then intermediate) and `NATION/signer-ALG.key.pem`
    /// (PKCS#8; mode 0600 on Unix). `NATION` is the alpha-3 code, `ALG` the registry name
    /// (`ES384`, `ML-DSA-65`). Existing files are replaced.
    pub fn write_to_dir(&self, dir: &Path) -> Result<(), Error> {
        for pki in &self.nations {
            let folder = dir.join(&pki.nation.code_alpha3);
            fs::create_dir_all(&folder).map_err(|source| Error::Io {
                path: folder.clone(),
                source,
            })?;
            write_file(
                &folder.join("root.pem"),
                &pki.root.certificate.to_pem(),
                false,
            )?;
            write_file(
                &folder.join("intermediate.pem"),
                &pki.intermediate.certificate.to_pem(),
                false,
            )?;
            for signer in &pki.signers {
                let alg = signer.algorithm.name();
                write_file(
                    &folder.join(format!("signer-{alg}.pem")),
                    &pki.signer_chain_pem(signer),
                    false,
                )?;
                write_file(
                    &folder.join(format!("signer-{alg}.key.pem")),
                    &signer.key_pem(),
                    true,
                )?;
            }
        }
        Ok(())
    }
}

pub(crate) fn write_file(path: &Path, text: &str, private: bool) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path).map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)
}

/// What to build: algorithms and validity windows for each tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoalitionSpec {
    root_algorithm: Algorithm,
    intermediate_algorithm: Algorithm,
    signer_algorithms: Vec<Algorithm>,
    root_validity: Validity,
    intermediate_validity: Validity,
    signer_validity: Validity,
    signer_non_repudiation: bool,
}

impl CoalitionSpec {
    /// Roots and intermediates of `root_algorithm`, one signer per distinct algorithm of
    /// `signer_algorithms`. Every window starts an hour before `now_unix` (to absorb clock
    /// skew) and lasts 10 years (root), 5 years (intermediate) or 2 years (signer).
    pub fn new(
        root_algorithm: Algorithm,
        signer_algorithms: &[Algorithm],
        now_unix: i64,
    ) -> Result<Self, Error> {
        let window = |days: i64| {
            Validity::new(
                now_unix.saturating_sub(HOUR),
                now_unix.saturating_add(days * DAY),
            )
        };
        let mut seen = BTreeSet::new();
        let signer_algorithms = signer_algorithms
            .iter()
            .copied()
            .filter(|a| seen.insert(*a))
            .collect();
        Ok(CoalitionSpec {
            root_algorithm,
            intermediate_algorithm: root_algorithm,
            signer_algorithms,
            root_validity: window(3652)?,
            intermediate_validity: window(1826)?,
            signer_validity: window(730)?,
            signer_non_repudiation: false,
        })
    }

    /// Uses a different algorithm for the intermediate CAs.
    pub fn intermediate_algorithm(mut self, alg: Algorithm) -> Self {
        self.intermediate_algorithm = alg;
        self
    }

    /// Sets the roots' validity.
    pub fn root_validity(mut self, validity: Validity) -> Self {
        self.root_validity = validity;
        self
    }

    /// Sets the intermediates' validity.
    pub fn intermediate_validity(mut self, validity: Validity) -> Self {
        self.intermediate_validity = validity;
        self
    }

    /// Sets the signers' validity (e.g. in the past, for an expired-signer test).
    pub fn signer_validity(mut self, validity: Validity) -> Self {
        self.signer_validity = validity;
        self
    }

    /// Asserts nonRepudiation (contentCommitment) in signer certificates too.
    pub fn signer_non_repudiation(mut self, yes: bool) -> Self {
        self.signer_non_repudiation = yes;
        self
    }

    /// Builds the coalition with fresh keys from the provider.
    pub fn build(&self, provider: &CryptoProvider, nations: &[Nation]) -> Result<Coalition, Error> {
        self.build_with_keys(provider, nations, &mut |slot| {
            let scheme = provider
                .signature(slot.algorithm)
                .ok_or(Error::UnsupportedAlgorithm(slot.algorithm))?;
            Ok(scheme.generate_pkcs8()?)
        })
    }

    /// Builds the coalition with the PKCS#8 keys `keys` hands out, so that test vectors can
    /// regenerate byte for byte (given a provider that signs deterministically).
    pub fn build_with_keys(
        &self,
        provider: &CryptoProvider,
        nations: &[Nation],
        keys: &mut dyn FnMut(&KeySlot<'_>) -> Result<Vec<u8>, Error>,
    ) -> Result<Coalition, Error> {
        let mut seen = BTreeSet::new();
        if nations.iter().any(|n| !seen.insert(&n.code_alpha3)) {
            return Err(Error::InvalidText {
                field: "nations",
                reason: "an alpha-3 code appears twice",
            });
        }
        let nations = nations
            .iter()
            .map(|nation| self.build_nation(provider, nation, keys))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Coalition { nations })
    }

    fn build_nation(
        &self,
        provider: &CryptoProvider,
        nation: &Nation,
        keys: &mut dyn FnMut(&KeySlot<'_>) -> Result<Vec<u8>, Error>,
    ) -> Result<NationPki, Error> {
        let mut key =
            |role, algorithm| -> Result<(Vec<u8>, Box<dyn pouch_crypto::SigningKey>), Error> {
                let pkcs8 = keys(&KeySlot {
                    nation,
                    role,
                    algorithm,
                })?;
                let scheme = provider
                    .signature(algorithm)
                    .ok_or(Error::UnsupportedAlgorithm(algorithm))?;
                let signing = scheme.signing_key(&pkcs8)?;
                if signing.algorithm() != algorithm {
                    return Err(Error::Crypto(pouch_crypto::Error::BadPrivateKey {
                        alg: algorithm,
                        reason: "key of another algorithm",
                    }));
                }
                Ok((pkcs8, signing))
            };
        let name = |cn: &str| -> Result<Name, Error> {
            Name::new()
                .country(&nation.country_alpha2)?
                .organization(&nation.name)?
                .common_name(cn)
        };

        let (root_pkcs8, root_key) = key(Role::Root, self.root_algorithm)?;
        let root = CertificateBuilder::ca(
            name(&format!("{} Pouch Root CA", nation.name))?,
            root_key.public_key_spki(),
            self.root_validity,
            Some(1),
        )
        .self_sign(provider, root_key.as_ref())?;

        let (int_pkcs8, int_key) = key(Role::Intermediate, self.intermediate_algorithm)?;
        let intermediate = CertificateBuilder::ca(
            name(&format!("{} Pouch Intermediate CA", nation.name))?,
            int_key.public_key_spki(),
            self.intermediate_validity,
            Some(0),
        )
        .issue(provider, &root, root_key.as_ref())?;

        let mut signers = Vec::with_capacity(self.signer_algorithms.len());
        for &alg in &self.signer_algorithms {
            let (pkcs8, signing) = key(Role::Signer, alg)?;
            let subject = name(&format!("{} Pouch Signer {}", nation.name, alg.name()))?
                .org_unit("Pouch signers")?;
            let mut builder = CertificateBuilder::signer(
                subject,
                signing.public_key_spki(),
                self.signer_validity,
            );
            if self.signer_non_repudiation {
                builder = builder.non_repudiation();
            }
            let certificate = builder.issue(provider, &intermediate, int_key.as_ref())?;
            signers.push(Issued {
                certificate,
                pkcs8,
                algorithm: alg,
            });
        }
        Ok(NationPki {
            nation: nation.clone(),
            root: Issued {
                certificate: root,
                pkcs8: root_pkcs8,
                algorithm: self.root_algorithm,
            },
            intermediate: Issued {
                certificate: intermediate,
                pkcs8: int_pkcs8,
                algorithm: self.intermediate_algorithm,
            },
            signers,
        })
    }
}

/// Builds a coalition with [`CoalitionSpec::new`]'s default validity windows and fresh keys.
pub fn build_coalition(
    provider: &CryptoProvider,
    nations: &[Nation],
    root_algorithm: Algorithm,
    signer_algorithms: &[Algorithm],
    now_unix: i64,
) -> Result<Coalition, Error> {
    CoalitionSpec::new(root_algorithm, signer_algorithms, now_unix)?.build(provider, nations)
}

//! The fixed world every vector is made in: one seed, one clock, the demo coalition and a
//! few extra signers, all from the deterministic (RustCrypto) provider.

use pouch_crypto::{Algorithm, CryptoProvider, SigningKey};
use pouch_label::{DateTime, Label, Limits as LabelLimits};
use pouch_testkit::{
    Certificate, CertificateBuilder, CoalitionSpec, DemoPki, Name, Nation, Oid, Profile, Validity,
    build_crl, seeded_pkcs8,
};
use pouch_trust::der;

use crate::Error;

/// The seed every key derives from (`pouch pki demo --seed 4774` writes the same PKI).
pub const SEED: u64 = 4774;
/// The clock of the vectors: 2026-11-28T10:00:00Z. Certificates start an hour before.
pub const NOW: i64 = 1_795_860_000;
/// The verification time of most vectors: an hour after [`NOW`].
pub const VERIFY_AT: i64 = NOW + 3600;
const DAY: i64 = 86_400;

/// The deterministic provider the generator signs with.
pub fn provider() -> &'static CryptoProvider {
    pouch_crypto_rustcrypto::provider()
}

/// A time of the vectors as a label `DateTime`.
pub fn time(unix: i64) -> Result<DateTime, Error> {
    DateTime::from_unix(unix, 0).ok_or(Error::Generate(format!("time {unix} out of range")))
}

/// RFC 3339 text of a Unix time.
pub fn rfc3339(unix: i64) -> Result<String, Error> {
    Ok(time(unix)?.to_string())
}

/// A signer: key and chain (leaf first, then its intermediate).
pub struct Signer {
    /// The private key.
    pub key: Box<dyn SigningKey>,
    /// DER certificates, leaf first.
    pub chain: Vec<Vec<u8>>,
}

/// One extra signer: its algorithm, PKCS #8 key and `x5chain` (leaf first).
struct Extra {
    name: String,
    algorithm: Algorithm,
    pkcs8: Vec<u8>,
    chain: Vec<Vec<u8>>,
}

/// A one-nation PKI whose root, the trust anchor, carries name constraints (POUCH-TRUST-005):
/// permitted dNSName subtree [`CONSTRAINED_PERMITTED`]; each signer sits directly under the
/// root and names one dNSName in its subjectAltName.
pub struct ConstrainedPki {
    /// The anchor.
    pub root: Certificate,
    /// The root's CRL (empty), current at the vectors' times.
    pub crl: Vec<u8>,
}

/// The dNSName subtree the constrained anchor permits.
pub const CONSTRAINED_PERMITTED: &str = "pouch.example.no";
/// The subjectAltName dNSName of the constrained PKI's compliant signer.
pub const CONSTRAINED_INSIDE: &str = "signer.pouch.example.no";
/// The subjectAltName dNSName of the constrained PKI's violating signer.
pub const CONSTRAINED_OUTSIDE: &str = "signer.pouch.example.dk";
/// A private-use extension OID (RFC 5612's example enterprise number 32473) that no
/// verifier processes.
pub const UNKNOWN_EXTENSION: Oid = Oid::new_unwrap("1.3.6.1.4.1.32473.4774.1");

/// The demo coalition plus the signers it lacks.
pub struct Fixture {
    /// `pouch pki demo --seed 4774` at [`NOW`].
    pub pki: DemoPki,
    /// The PKI of the anchor-name-constraints vectors.
    pub constrained: ConstrainedPki,
    extra: Vec<Extra>,
}

/// How one of Norway's extra signers differs from an honest one.
type Customise = fn(CertificateBuilder) -> Result<CertificateBuilder, pouch_trust::Error>;

fn honest(b: CertificateBuilder) -> Result<CertificateBuilder, pouch_trust::Error> {
    Ok(b)
}

/// subjectAltName (2.5.29.17) holding one dNSName: `SEQUENCE { [2] IA5String }`.
fn san_dns(name: &str) -> Vec<u8> {
    der::sequence(&[&der::implicit(2, false, name.as_bytes())])
}

/// nameConstraints (2.5.29.30) permitting one dNSName subtree:
/// `SEQUENCE { permittedSubtrees [0] SEQUENCE OF GeneralSubtree { base [2] dNSName } }`.
fn name_constraints_dns(permitted: &str) -> Vec<u8> {
    let subtree = der::sequence(&[&der::implicit(2, false, permitted.as_bytes())]);
    der::sequence(&[&der::implicit(0, true, &subtree)])
}

fn pki_err(e: pouch_trust::Error) -> Error {
    Error::Generate(format!("pki: {e}"))
}

fn key_of(alg: Algorithm, pkcs8: &[u8]) -> Result<Box<dyn SigningKey>, Error> {
    let key = provider()
        .signature(alg)
        .ok_or(Error::Generate(format!("{alg} not provided")))?
        .signing_key(pkcs8)
        .map_err(|e| Error::Generate(format!("{alg} key: {e}")))?;
    if alg == Algorithm::Ps256 {
        // The provider's PSS salt is random; the vectors' is derived (src/pss.rs).
        let derived = crate::pss::DerivedSaltPs256::new(pkcs8, key.public_key_spki())
            .map_err(|e| Error::Generate(format!("{alg} key: {e}")))?;
        return Ok(Box::new(derived));
    }
    Ok(key)
}

impl Fixture {
    /// Builds everything from [`SEED`] at [`NOW`].
    pub fn new() -> Result<Fixture, Error> {
        let p = provider();
        let pki = pouch_testkit::demo_pki(p, Some(SEED), NOW).map_err(pki_err)?;
        let nor = pki
            .coalition
            .nation("NOR")
            .ok_or(Error::Generate("no NOR".into()))?;
        let int_key = key_of(nor.intermediate.algorithm, &nor.intermediate.pkcs8)?;
        let mut extra = Vec::new();
        let int_der = nor.intermediate.certificate.der().to_vec();
        // Norway's signers for the registry algorithms the demo coalition does not have
        // (PS256 with the one key not derived from the seed, and a derived PSS salt: see
        // src/pss.rs), and ES256 signers each made wrong in one way for the trust vectors.
        let two_years = NOW + 730 * DAY;
        let signers: [(&str, Algorithm, i64, &str, Customise); 12] = [
            ("es256", Algorithm::Es256, NOW - 3600, "NO", honest),
            ("ps256", Algorithm::Ps256, NOW - 3600, "NO", honest),
            ("es512", Algorithm::Es512, NOW - 3600, "NO", honest),
            ("ml-dsa-44", Algorithm::MlDsa44, NOW - 3600, "NO", honest),
            ("ml-dsa-87", Algorithm::MlDsa87, NOW - 3600, "NO", honest),
            // Valid only from ten days after NOW.
            (
                "not-yet-valid",
                Algorithm::Es256,
                NOW + 10 * DAY,
                "NO",
                honest,
            ),
            // A Danish subject under Norway's CA.
            ("country-dk", Algorithm::Es256, NOW - 3600, "DK", honest),
            // cA TRUE, keyUsage digitalSignature alone, id-kp-documentSigning.
            ("leaf-is-ca", Algorithm::Es256, NOW - 3600, "NO", |b| {
                Ok(b.profile(Profile::Ca { path_len: None })
                    .key_usage_bits(&[0]))
            }),
            // extendedKeyUsage emailProtection only.
            ("eku-email", Algorithm::Es256, NOW - 3600, "NO", |b| {
                Ok(b.extended_key_usage(vec![pouch_crypto::oid::KP_EMAIL_PROTECTION]))
            }),
            // A critical private extension nobody processes.
            (
                "unknown-critical",
                Algorithm::Es256,
                NOW - 3600,
                "NO",
                |b| Ok(b.extension(UNKNOWN_EXTENSION, true, der::null())),
            ),
            // keyUsage whose extnValue holds an INTEGER, not a BIT STRING.
            (
                "malformed-key-usage",
                Algorithm::Es256,
                NOW - 3600,
                "NO",
                |b| Ok(b.key_usage_raw(der::integer_u64(128))),
            ),
            // An honest signer whose certificate signature is damaged below (bad-signature).
            ("bad-signature", Algorithm::Es256, NOW - 3600, "NO", honest),
        ];
        for (name, alg, from, country, customise) in signers {
            let pkcs8 = if alg == Algorithm::Ps256 {
                crate::pss::PS256_PKCS8.to_vec()
            } else {
                seeded_pkcs8(p, alg, format!("{SEED}/vectors/NOR/{name}").as_bytes())
                    .map_err(pki_err)?
            };
            let spki = key_of(alg, &pkcs8)?.public_key_spki();
            let subject = signer_name(country, name)?;
            let builder = CertificateBuilder::signer(
                subject,
                spki,
                Validity::new(from, two_years).map_err(pki_err)?,
            );
            let certificate = customise(builder)
                .map_err(pki_err)?
                .issue(p, &nor.intermediate.certificate, int_key.as_ref())
                .map_err(pki_err)?;
            let mut leaf = certificate.into_der();
            if name == "bad-signature" {
                // The last octet of an ECDSA certificate is the last of the signature's s.
                if let Some(last) = leaf.last_mut() {
                    *last ^= 0x01;
                }
            }
            extra.push(Extra {
                name: name.to_owned(),
                algorithm: alg,
                pkcs8,
                chain: vec![leaf, int_der.clone()],
            });
        }
        // A sub-CA under Norway's intermediate, whose pathLenConstraint is 0, and a signer
        // under it: the path breaks the intermediate's path length (under-sub-ca).
        let (_, sub_key) = nor_es256_key("sub-ca")?;
        let sub = CertificateBuilder::ca(
            norway_ca_name("Norway Pouch Sub-CA (under a pathlen:0 CA)")?,
            sub_key.public_key_spki(),
            Validity::new(NOW - 3600, two_years).map_err(pki_err)?,
            None,
        )
        .issue(p, &nor.intermediate.certificate, int_key.as_ref())
        .map_err(pki_err)?;
        let (deep_pkcs8, deep_key) = nor_es256_key("under-sub-ca")?;
        let deep = CertificateBuilder::signer(
            signer_name("NO", "under-sub-ca")?,
            deep_key.public_key_spki(),
            Validity::new(NOW - 3600, two_years).map_err(pki_err)?,
        )
        .issue(p, &sub, sub_key.as_ref())
        .map_err(pki_err)?;
        extra.push(Extra {
            name: "under-sub-ca".to_owned(),
            algorithm: Algorithm::Es256,
            pkcs8: deep_pkcs8,
            chain: vec![deep.into_der(), sub.der().to_vec(), int_der.clone()],
        });
        // A second intermediate under Norway's root, without a pathLenConstraint of its own,
        // a sub-CA under it and a signer under that: two CAs below a root whose
        // pathLenConstraint is 1, so only the anchor's constraint is broken
        // (under-anchor-pathlen, POUCH-TRUST-004).
        let root_key_nor = key_of(nor.root.algorithm, &nor.root.pkcs8)?;
        let mut below = Vec::new();
        let mut issuer: (Certificate, Box<dyn SigningKey>) =
            (nor.root.certificate.clone(), root_key_nor);
        for name in [
            "Norway Pouch Intermediate (no pathlen)",
            "Norway Pouch Sub-CA (below it)",
        ] {
            let (_, k) = nor_es256_key(name)?;
            let ca = CertificateBuilder::ca(
                norway_ca_name(name)?,
                k.public_key_spki(),
                Validity::new(NOW - 3600, two_years).map_err(pki_err)?,
                None,
            )
            .issue(p, &issuer.0, issuer.1.as_ref())
            .map_err(pki_err)?;
            below.push(ca.der().to_vec());
            issuer = (ca, k);
        }
        let (deepest_pkcs8, deepest_key) = nor_es256_key("under-anchor-pathlen")?;
        let deepest = CertificateBuilder::signer(
            signer_name("NO", "under-anchor-pathlen")?,
            deepest_key.public_key_spki(),
            Validity::new(NOW - 3600, two_years).map_err(pki_err)?,
        )
        .issue(p, &issuer.0, issuer.1.as_ref())
        .map_err(pki_err)?;
        below.reverse(); // sub-CA, then the intermediate
        let mut chain = vec![deepest.into_der()];
        chain.extend(below);
        extra.push(Extra {
            name: "under-anchor-pathlen".to_owned(),
            algorithm: Algorithm::Es256,
            pkcs8: deepest_pkcs8,
            chain,
        });
        // The anchor-name-constraints PKI: a root permitting one dNSName subtree, and two
        // signers directly under it, one inside the subtree and one outside.
        let (_, root_key) = nor_es256_key("constrained-root")?;
        let root = CertificateBuilder::ca(
            norway_ca_name("Norway Pouch Constrained Root")?,
            root_key.public_key_spki(),
            Validity::new(NOW - 3600, NOW + 3650 * DAY).map_err(pki_err)?,
            None,
        )
        .extension(
            pouch_crypto::oid::EXT_NAME_CONSTRAINTS,
            true,
            name_constraints_dns(CONSTRAINED_PERMITTED),
        )
        .self_sign(p, root_key.as_ref())
        .map_err(pki_err)?;
        for (name, dns) in [
            ("constrained-inside", CONSTRAINED_INSIDE),
            ("constrained-outside", CONSTRAINED_OUTSIDE),
        ] {
            let (pkcs8, key) = nor_es256_key(name)?;
            let leaf = CertificateBuilder::signer(
                signer_name("NO", name)?,
                key.public_key_spki(),
                Validity::new(NOW - 3600, two_years).map_err(pki_err)?,
            )
            .extension(pouch_crypto::oid::EXT_SUBJECT_ALT_NAME, false, san_dns(dns))
            .issue(p, &root, root_key.as_ref())
            .map_err(pki_err)?;
            extra.push(Extra {
                name: name.to_owned(),
                algorithm: Algorithm::Es256,
                pkcs8,
                chain: vec![leaf.into_der()],
            });
        }
        let crl = build_crl(p, &root, root_key.as_ref(), &[], NOW - 3600, NOW + 30 * DAY)
            .map_err(pki_err)?;
        let constrained = ConstrainedPki { root, crl };
        // A nation the bundle does not know: its signers chain to an untrusted root.
        let swe = vec![Nation::new("SWE", "SE", "Sweden").map_err(pki_err)?];
        let outsider = CoalitionSpec::new(Algorithm::Es384, &[Algorithm::Es256], NOW)
            .map_err(pki_err)?
            .build_with_keys(p, &swe, &mut |slot| {
                seeded_pkcs8(
                    p,
                    slot.algorithm,
                    format!("{SEED}/vectors/SWE/{:?}", slot.role).as_bytes(),
                )
            })
            .map_err(pki_err)?;
        let swe = outsider
            .nation("SWE")
            .ok_or(Error::Generate("no SWE".into()))?;
        let issued = swe
            .signer(Algorithm::Es256)
            .ok_or(Error::Generate("no SWE signer".into()))?;
        extra.push(Extra {
            name: "untrusted".to_owned(),
            algorithm: issued.algorithm,
            pkcs8: issued.pkcs8.clone(),
            chain: vec![
                issued.certificate.der().to_vec(),
                swe.intermediate.certificate.der().to_vec(),
            ],
        });
        Ok(Fixture {
            pki,
            constrained,
            extra,
        })
    }

    /// A demo nation's signer of `alg` (`NOR`, `DNK`, `NLD`; ES384, ML-DSA-65, EdDSA).
    pub fn signer(&self, nation: &str, alg: Algorithm) -> Result<Signer, Error> {
        let n = self
            .pki
            .coalition
            .nation(nation)
            .ok_or(Error::Generate(format!("no nation {nation}")))?;
        let i = n
            .signer(alg)
            .ok_or(Error::Generate(format!("{nation} has no {alg} signer")))?;
        Ok(Signer {
            key: key_of(alg, &i.pkcs8)?,
            chain: vec![
                i.certificate.der().to_vec(),
                n.intermediate.certificate.der().to_vec(),
            ],
        })
    }

    /// Norway's bad signers (`revoked`, `expired`, `no-digital-signature`) and the extra
    /// ones (`es256`, `ps256`, `es512`, `ml-dsa-44`, `ml-dsa-87`, `not-yet-valid`, `untrusted`, and
    /// the trust faults `country-dk`, `leaf-is-ca`, `eku-email`, `unknown-critical`,
    /// `malformed-key-usage`, `bad-signature`, `under-sub-ca`, `constrained-inside`,
    /// `constrained-outside`).
    pub fn named(&self, name: &str) -> Result<Signer, Error> {
        if let Some(x) = self.extra.iter().find(|x| x.name == name) {
            return Ok(Signer {
                key: key_of(x.algorithm, &x.pkcs8)?,
                chain: x.chain.clone(),
            });
        }
        let b = self
            .pki
            .bad_signers
            .iter()
            .find(|b| b.name == name)
            .ok_or(Error::Generate(format!("no signer {name}")))?;
        let nor = self
            .pki
            .coalition
            .nation("NOR")
            .ok_or(Error::Generate("no NOR".into()))?;
        Ok(Signer {
            key: key_of(b.issued.algorithm, &b.issued.pkcs8)?,
            chain: vec![
                b.issued.certificate.der().to_vec(),
                nor.intermediate.certificate.der().to_vec(),
            ],
        })
    }
}

/// A Norwegian signer's subject: `C=country, O=Norway, OU=Pouch signers, CN=...`.
/// The seeded ES256 key of Norway's extra certificate `what` (seed `SEED/vectors/NOR/what`):
/// its PKCS #8 and its signing key.
fn nor_es256_key(what: &str) -> Result<(Vec<u8>, Box<dyn SigningKey>), Error> {
    let pkcs8 = seeded_pkcs8(
        provider(),
        Algorithm::Es256,
        format!("{SEED}/vectors/NOR/{what}").as_bytes(),
    )
    .map_err(pki_err)?;
    let key = key_of(Algorithm::Es256, &pkcs8)?;
    Ok((pkcs8, key))
}

/// The subject of one of Norway's extra CAs.
fn norway_ca_name(common_name: &str) -> Result<Name, Error> {
    Name::new()
        .country("NO")
        .and_then(|n| n.organization("Norway"))
        .and_then(|n| n.common_name(common_name))
        .map_err(pki_err)
}

fn signer_name(country: &str, name: &str) -> Result<Name, Error> {
    Name::new()
        .country(country)
        .and_then(|n| n.organization("Norway"))
        .and_then(|n| n.org_unit("Pouch signers"))
        .and_then(|n| n.common_name(&format!("Norway Pouch Signer ({name})")))
        .map_err(pki_err)
}

/// A label of the vectors: NATO `classification`, releasable to FIN and SWE, created at
/// 09:15 on the vectors' day, with a review time (so no advisory rule fires).
pub fn label(policy: &str, classification: &str) -> Result<Label, Error> {
    let json = format!(
        r#"{{"confidentialityInformation":{{"policyIdentifier":"{policy}","classification":"{classification}",
        "categories":[{{"tagName":"Releasable To","type":"PERMISSIVE","values":["FIN","SWE"]}}]}},
        "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}}"#
    );
    Label::from_json(json.as_bytes(), &LabelLimits::default())
        .map_err(|e| Error::Generate(format!("label: {e}")))
}

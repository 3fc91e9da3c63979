//! The fixed world every vector is made in: one seed, one clock, the demo coalition and a
//! few extra signers, all from the deterministic (RustCrypto) provider.

use pouch_crypto::{Algorithm, CryptoProvider, SigningKey};
use pouch_label::{DateTime, Label, Limits as LabelLimits};
use pouch_testkit::{
    CertificateBuilder, CoalitionSpec, DemoPki, Issued, Name, Nation, Validity, seeded_pkcs8,
};

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

/// The demo coalition plus the signers it lacks.
pub struct Fixture {
    /// `pouch pki demo --seed 4774` at [`NOW`].
    pub pki: DemoPki,
    extra: Vec<(String, Issued, Vec<u8>)>,
}

fn pki_err(e: pouch_trust::Error) -> Error {
    Error::Generate(format!("pki: {e}"))
}

fn key_of(alg: Algorithm, pkcs8: &[u8]) -> Result<Box<dyn SigningKey>, Error> {
    provider()
        .signature(alg)
        .ok_or(Error::Generate(format!("{alg} not provided")))?
        .signing_key(pkcs8)
        .map_err(|e| Error::Generate(format!("{alg} key: {e}")))
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
        // Norway's signers for the registry algorithms the demo coalition does not have
        // (PS256 is left out: RSASSA-PSS signatures are randomised, so not reproducible).
        let signers = [
            ("es256", Algorithm::Es256, NOW - 3600, NOW + 730 * DAY),
            ("es512", Algorithm::Es512, NOW - 3600, NOW + 730 * DAY),
            ("ml-dsa-44", Algorithm::MlDsa44, NOW - 3600, NOW + 730 * DAY),
            ("ml-dsa-87", Algorithm::MlDsa87, NOW - 3600, NOW + 730 * DAY),
            // Valid only from ten days after NOW.
            (
                "not-yet-valid",
                Algorithm::Es256,
                NOW + 10 * DAY,
                NOW + 730 * DAY,
            ),
        ];
        for (name, alg, from, to) in signers {
            let pkcs8 = seeded_pkcs8(p, alg, format!("{SEED}/vectors/NOR/{name}").as_bytes())
                .map_err(pki_err)?;
            let spki = key_of(alg, &pkcs8)?.public_key_spki();
            let subject = Name::new()
                .country("NO")
                .and_then(|n| n.organization("Norway"))
                .and_then(|n| n.org_unit("Pouch signers"))
                .and_then(|n| n.common_name(&format!("Norway Pouch Signer ({name})")))
                .map_err(pki_err)?;
            let certificate = CertificateBuilder::signer(
                subject,
                spki,
                Validity::new(from, to).map_err(pki_err)?,
            )
            .issue(p, &nor.intermediate.certificate, int_key.as_ref())
            .map_err(pki_err)?;
            extra.push((
                name.to_owned(),
                Issued {
                    certificate,
                    pkcs8,
                    algorithm: alg,
                },
                nor.intermediate.certificate.der().to_vec(),
            ));
        }
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
        extra.push((
            "untrusted".to_owned(),
            issued.clone(),
            swe.intermediate.certificate.der().to_vec(),
        ));
        Ok(Fixture { pki, extra })
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
    /// ones (`es256`, `es512`, `ml-dsa-44`, `ml-dsa-87`, `not-yet-valid`, `untrusted`).
    pub fn named(&self, name: &str) -> Result<Signer, Error> {
        if let Some((_, i, int)) = self.extra.iter().find(|(n, _, _)| n == name) {
            return Ok(Signer {
                key: key_of(i.algorithm, &i.pkcs8)?,
                chain: vec![i.certificate.der().to_vec(), int.clone()],
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

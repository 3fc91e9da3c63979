//! The demo coalition of `pouch pki demo` and `pouch demo`: three nations, each root →
//! intermediate → signers, plus Norway's three bad signers (revoked, expired, without
//! digitalSignature), CRLs, and the trust bundle that names them all.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pouch_crypto::{Algorithm, CryptoProvider};

use crate::coalition::write_file;
use crate::crl::build_crl;
use crate::{
    Certificate, CertificateBuilder, Coalition, CoalitionSpec, Error, Issued, Name, Profile,
    Validity, demo_nations, pem, seeded_pkcs8,
};

const DAY: i64 = 86_400;

/// How long the demo CRLs stay current. Revocation is required by default
/// (POUCH-TRUST-031), so a verifier needs a current CRL of every issuer: these cover the
/// vectors verified 800 days after their day (POUCH-TRUST-021). A real CA's CRLs live days.
const CRL_LIFETIME: i64 = 1000 * DAY;

/// The signer algorithms every demo nation has.
pub const DEMO_SIGNER_ALGORITHMS: [Algorithm; 3] =
    [Algorithm::Es384, Algorithm::MlDsa65, Algorithm::EdDsa];

/// Serial of Norway's revoked signer (listed on Norway's CRL).
pub const REVOKED_SERIAL: [u8; 2] = [0x0b, 0xad];

/// One of Norway's deliberately bad signers.
#[derive(Clone, Debug)]
pub struct BadSigner {
    /// `revoked`, `expired` or `no-digital-signature`.
    pub name: &'static str,
    /// The certificate and key.
    pub issued: Issued,
}

/// The demo PKI.
#[derive(Clone, Debug)]
pub struct DemoPki {
    /// The three nations' PKIs.
    pub coalition: Coalition,
    /// Norway's bad signers.
    pub bad_signers: Vec<BadSigner>,
    /// Each nation's CRLs (its root's and its intermediate's), DER, by file name relative
    /// to the output folder (`NOR/intermediate.crl`).
    pub crls: Vec<(String, Vec<u8>)>,
}

/// Builds the demo PKI at `now` (Unix seconds). With a `seed`, every key derives from it and
/// a deterministic provider (RustCrypto) gives the same certificates byte for byte.
pub fn demo_pki(provider: &CryptoProvider, seed: Option<u64>, now: i64) -> Result<DemoPki, Error> {
    let nations = demo_nations()?;
    let key = |what: &str, alg: Algorithm| -> Result<Vec<u8>, Error> {
        match seed {
            Some(s) => seeded_pkcs8(
                provider,
                alg,
                format!("{s}/{what}/{}", alg.name()).as_bytes(),
            ),
            None => provider
                .signature(alg)
                .ok_or(Error::Crypto(pouch_crypto::Error::Unsupported(alg)))?
                .generate_pkcs8()
                .map_err(Error::Crypto),
        }
    };
    let coalition = CoalitionSpec::new(Algorithm::Es384, &DEMO_SIGNER_ALGORITHMS, now)?
        .build_with_keys(provider, &nations, &mut |slot| {
            key(
                &format!("{}/{:?}", slot.nation.code_alpha3(), slot.role),
                slot.algorithm,
            )
        })?;
    let nor = coalition
        .nation("NOR")
        .ok_or(Error::Crypto(pouch_crypto::Error::Backend("no NOR")))?;
    let int_key = signing_key(provider, &nor.intermediate)?;
    let mut bad_signers = Vec::new();
    for (name, validity, profile, serial) in [
        (
            "revoked",
            Validity::new(now - DAY, now + 365 * DAY)?,
            None,
            Some(&REVOKED_SERIAL[..]),
        ),
        (
            "expired",
            Validity::new(now - 400 * DAY, now - 30 * DAY)?,
            None,
            None,
        ),
        (
            "no-digital-signature",
            Validity::new(now - DAY, now + 365 * DAY)?,
            Some(Profile::ContentCommitmentOnly),
            None,
        ),
    ] {
        let pkcs8 = key(&format!("NOR/bad/{name}"), Algorithm::Es256)?;
        let spki = signing_key_from(provider, Algorithm::Es256, &pkcs8)?.public_key_spki();
        let subject = Name::new()
            .country("NO")?
            .organization("Norway")?
            .org_unit("Pouch signers")?
            .common_name(&format!("Norway Pouch Signer ES256 ({name})"))?;
        let mut b = match profile {
            Some(p) => CertificateBuilder::new(subject, spki, validity, p)
                .extended_key_usage(vec![pouch_crypto::oid::KP_DOCUMENT_SIGNING]),
            None => CertificateBuilder::signer(subject, spki, validity),
        };
        if let Some(s) = serial {
            b = b.serial(s)?;
        }
        let certificate = b.issue(provider, &nor.intermediate.certificate, int_key.as_ref())?;
        bad_signers.push(BadSigner {
            name,
            issued: Issued {
                certificate,
                pkcs8,
                algorithm: Algorithm::Es256,
            },
        });
    }
    let mut crls = Vec::new();
    for n in coalition.nations() {
        let code = n.nation.code_alpha3();
        let revoked: &[&[u8]] = if code == "NOR" {
            &[&REVOKED_SERIAL]
        } else {
            &[]
        };
        for (file, ca, list) in [
            ("intermediate", &n.intermediate, revoked),
            ("root", &n.root, &[][..]),
        ] {
            let k = signing_key(provider, ca)?;
            let crl = build_crl(
                provider,
                &ca.certificate,
                k.as_ref(),
                list,
                now - 3600,
                now + CRL_LIFETIME,
            )?;
            crls.push((format!("{code}/{file}.crl"), crl));
        }
    }
    Ok(DemoPki {
        coalition,
        bad_signers,
        crls,
    })
}

fn signing_key_from(
    provider: &CryptoProvider,
    alg: Algorithm,
    pkcs8: &[u8],
) -> Result<Box<dyn pouch_crypto::SigningKey>, Error> {
    provider
        .signature(alg)
        .ok_or(Error::Crypto(pouch_crypto::Error::Unsupported(alg)))?
        .signing_key(pkcs8)
        .map_err(Error::Crypto)
}

fn signing_key(
    provider: &CryptoProvider,
    issued: &Issued,
) -> Result<Box<dyn pouch_crypto::SigningKey>, Error> {
    signing_key_from(provider, issued.algorithm, &issued.pkcs8)
}

fn chain_pem(leaf: &Certificate, intermediate: &Certificate) -> String {
    leaf.to_pem() + &intermediate.to_pem()
}

impl DemoPki {
    /// Writes the coalition (see [`Coalition::write_to_dir`]), Norway's bad signers as
    /// `NOR/signer-bad-NAME.pem` and `.key.pem`, each nation's `root.crl` and
    /// `intermediate.crl` (PEM), and
    /// `bundle.toml`; returns the bundle's path.
    pub fn write(&self, dir: &Path) -> Result<PathBuf, Error> {
        self.coalition.write_to_dir(dir)?;
        let nor = self
            .coalition
            .nation("NOR")
            .ok_or(Error::Crypto(pouch_crypto::Error::Backend("no NOR")))?;
        for b in &self.bad_signers {
            let base = dir.join("NOR").join(format!("signer-bad-{}", b.name));
            write_file(
                &base.with_extension("pem"),
                &chain_pem(&b.issued.certificate, &nor.intermediate.certificate),
                false,
            )?;
            write_file(&base.with_extension("key.pem"), &b.issued.key_pem(), true)?;
        }
        for (name, crl) in &self.crls {
            write_file(&dir.join(name), &pem::encode("X509 CRL", crl), false)?;
        }
        let path = dir.join("bundle.toml");
        write_file(&path, &self.bundle_toml(), false)?;
        Ok(path)
    }

    /// The trust bundle as a verifier loads it: written to a fresh temporary folder, read back
    /// with [`pouch_trust::load_bundle`] (anchors, intermediates and CRLs included), and the
    /// folder removed.
    pub fn trust_bundle(&self) -> Result<pouch_trust::TrustBundle, Box<dyn std::error::Error>> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("pouch-testkit-bundle-{}-{n}", std::process::id()));
        let loaded = self
            .write(&dir)
            .map_err(Box::<dyn std::error::Error>::from)
            .and_then(|path| Ok(pouch_trust::load_bundle(&path)?));
        let _ = std::fs::remove_dir_all(&dir);
        loaded
    }

    /// The trust bundle text: paths relative to the folder [`DemoPki::write`] fills. Norway
    /// and Denmark may seal NATO and POUCH-DEMO labels up to SECRET, the Netherlands up to
    /// CONFIDENTIAL; Norway alone may also seal under its national NOR-DEMO policy.
    pub fn bundle_toml(&self) -> String {
        let mut s = String::from(
            "# Pouch trust bundle (spec/04-trust.md §4.7) for the demo coalition.\nformat = 1\ndescription = \"Pouch demo coalition: Norway, Denmark, the Netherlands\"\n",
        );
        for n in self.coalition.nations() {
            let code = n.nation.code_alpha3();
            let classes = if code == "NLD" {
                "\"UNCLASSIFIED\", \"RESTRICTED\", \"CONFIDENTIAL\""
            } else {
                "\"UNCLASSIFIED\", \"RESTRICTED\", \"CONFIDENTIAL\", \"SECRET\""
            };
            let _ = write!(
                s,
                "\n[[nation]]\ncode = \"{code}\"\ncountry = \"{}\"\nanchors = [\"{code}/root.pem\"]\nintermediates = [\"{code}/intermediate.pem\"]\ncrls = [\"{code}/root.crl\", \"{code}/intermediate.crl\"]\n\n[[nation.authorisation]]\npolicy = \"NATO\"\nclassifications = [{classes}]\n\n[[nation.authorisation]]\npolicy = \"POUCH-DEMO\"\nclassifications = [{classes}]\n",
                n.nation.country_alpha2()
            );
            // Norway alone may also seal under its national demo policy.
            if code == "NOR" {
                s.push_str(
                    "\n[[nation.authorisation]]\npolicy = \"NOR-DEMO\"\nclassifications = [\"UGRADERT\", \"BEGRENSET\", \"KONFIDENSIELT\", \"HEMMELIG\"]\n",
                );
            }
        }
        s
    }
}

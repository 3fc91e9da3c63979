//! Encryption through the API (spec/10-encryption.md): sealing to the nations release
//! permits, refusal with its exit class, detached ciphertext, adding a recipient, opening
//! (bytes, streams, files), and the verifier options the conformance protocol passes.
//! Expected outcomes follow from how each input was made.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use pouch::encryption::{RecipientAlg, cert, derive_keypair};
use pouch_api::{EncryptOptions, RecipientOptions, SealOptions, TrustBundle, VerifyContext};
use pouch_testkit::{Profile, Validity, demo_pki};

const SIGNED: &str = "2026-11-28T10:00:00Z";
const AT: &str = "2026-11-28T11:00:00Z";
const NOW: i64 = 1_795_860_000; // SIGNED

/// A demo coalition (NOR, DNK, NLD) written to a fresh folder, with an encryption
/// certificate (PEM chain) and key (PKCS#8 PEM) per nation: DNK X-Wing, NLD P-384, NOR
/// ML-KEM-1024.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn new(name: &str, seed: u64) -> Pki {
        let dir = std::env::temp_dir().join(format!("pouch-api-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let provider = pouch_crypto_rustcrypto::provider();
        let pki = demo_pki(provider, Some(seed), NOW).unwrap();
        pki.write(&dir).unwrap();
        for (code, alg) in [
            ("DNK", RecipientAlg::XWing),
            ("NLD", RecipientAlg::P384),
            ("NOR", RecipientAlg::MlKem1024),
        ] {
            let n = pki.coalition.nation(code).unwrap();
            let (sk, pk) = derive_keypair(alg, format!("{seed}{code}").as_bytes());
            let c = n
                .issue_encryption(
                    provider,
                    cert::spki_der(&pk).unwrap(),
                    alg.name(),
                    Validity::new(NOW - 86_400, NOW + 86_400 * 365).unwrap(),
                    Profile::Encryption {
                        key_agreement: alg == RecipientAlg::P384,
                    },
                )
                .unwrap();
            let chain = c.to_pem() + &n.intermediate.certificate.to_pem();
            std::fs::write(dir.join(format!("{code}-enc.pem")), chain).unwrap();
            let key =
                pouch_trust::pem::encode("PRIVATE KEY", &cert::private_key_pkcs8(&sk).unwrap());
            std::fs::write(dir.join(format!("{code}-enc.key.pem")), key).unwrap();
        }
        Pki { dir }
    }

    fn read(&self, f: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(f)).unwrap()
    }

    fn bundle(&self) -> TrustBundle {
        TrustBundle::load(&self.dir.join("bundle.toml")).unwrap()
    }

    fn context(&self, provider: &str) -> VerifyContext {
        let mut ctx = VerifyContext::new(Some(provider)).unwrap();
        ctx.set_trust_file(&self.dir.join("bundle.toml")).unwrap();
        ctx.set_at(Some(AT)).unwrap();
        ctx.add_policy(&policy());
        ctx
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn policy() -> pouch_api::Policy {
    pouch_api::policy_load(pouch_policy::demo::COALITION_SPIF).unwrap()
}

fn label(to: &[&str]) -> Vec<u8> {
    let values: Vec<String> = to.iter().map(|n| format!("\"{n}\"")).collect();
    format!(
        r#"{{"confidentialityInformation":{{"policyIdentifier":"POUCH-DEMO","classification":"SECRET",
          "categories":[{{"tagName":"Releasable To","type":"PERMISSIVE","values":[{}]}}]}},
          "creationDateTime":"2026-11-28T09:15:00Z"}}"#,
        values.join(",")
    )
    .into_bytes()
}

fn options(provider: &str, detached: bool) -> EncryptOptions {
    EncryptOptions {
        seal: SealOptions {
            provider: Some(provider.into()),
            detached,
            signing_time: Some(SIGNED.into()),
            ..Default::default()
        },
        force_release: Vec::new(),
    }
}

/// Seals [`RECORD`] as Norway's ES384 signer under a label releasable to `to_label`, to the
/// encryption certificates of `recipients` (nations of `pki`).
fn seal(
    pki: &Pki,
    to_label: &[&str],
    recipients: &[&str],
    o: &EncryptOptions,
) -> Result<Vec<u8>, pouch_api::ApiError> {
    let chains: Vec<Vec<u8>> = recipients
        .iter()
        .map(|n| pki.read(&format!("{n}-enc.pem")))
        .collect();
    seal_to(pki, to_label, &chains, None, o)
}

/// A fresh demo PKI (seed 7) and an envelope sealed with it under a label releasable to
/// `to_label`, encrypted to Denmark only.
fn sealed_to_denmark(name: &str, to_label: &[&str]) -> (Pki, Vec<u8>) {
    let pki = Pki::new(name, 7);
    let env = seal(&pki, to_label, &["DNK"], &options("rustcrypto", false)).unwrap();
    (pki, env)
}

/// As [`seal`], to the recipient `chains` given, the ciphertext written to `ciphertext`
/// when there is one.
fn seal_to(
    pki: &Pki,
    to_label: &[&str],
    chains: &[Vec<u8>],
    ciphertext: Option<&mut dyn std::io::Write>,
    o: &EncryptOptions,
) -> Result<Vec<u8>, pouch_api::ApiError> {
    pouch_api::seal_encrypted(
        &label(to_label),
        &mut &RECORD[..],
        &pki.read("NOR/signer-ES384.key.pem"),
        &pki.read("NOR/signer-ES384.pem"),
        chains,
        &pki.bundle(),
        &policy(),
        ciphertext,
        o,
    )
}

/// Denmark, a holder of `env`, adds the encryption certificate `new` (a file of `pki`).
fn add_as_denmark(pki: &Pki, env: &[u8], new: &str) -> Result<Vec<u8>, pouch_api::ApiError> {
    let at = RecipientOptions {
        provider: Some("rustcrypto".into()),
        at: Some(AT.into()),
    };
    pouch_api::add_recipient(
        env,
        &pki.read("DNK-enc.key.pem"),
        &pki.read("DNK-enc.pem"),
        &pki.read(new),
        &pki.bundle(),
        &policy(),
        &at,
    )
}

const RECORD: &[u8] = b"a record for Denmark and the Netherlands, and nobody else";

fn open(
    pki: &Pki,
    ctx: &VerifyContext,
    env: &[u8],
    ct: Option<&[u8]>,
    who: &str,
) -> (pouch_api::Opened, Vec<u8>) {
    let mut out = Vec::new();
    let o = ctx
        .open_bytes(
            env,
            ct,
            &pki.read(&format!("{who}-enc.key.pem")),
            &pki.read(&format!("{who}-enc.pem")),
            &mut out,
        )
        .unwrap();
    (o, out)
}

#[test]
fn sealed_to_two_nations_each_opens_with_either_provider() {
    let pki = Pki::new("two", 7);
    for p in pouch_api::provider_names() {
        let env = seal(&pki, &["DNK", "NLD"], &["DNK", "NLD"], &options(p, false)).unwrap();
        let ctx = pki.context(p);
        // A gateway without a key: valid, trusted, label valid.
        assert_eq!(pouch_api::exit_class(&ctx.verify(&env, None)), 0, "{p}");
        for who in ["DNK", "NLD"] {
            let (o, plain) = open(&pki, &ctx, &env, None, who);
            assert!(o.ok(), "{p} {who}: {}", o.report_json());
            assert_eq!(o.nation, who);
            assert_eq!(o.exit_class(), 0);
            assert_eq!(o.written(), Some(RECORD.len() as u64));
            assert!(
                o.report_json()
                    .contains("\"decrypt\":[{\"code\":\"decrypt.plaintext-authentic\"")
            );
            assert_eq!(plain, RECORD);
        }
        // Norway's own encryption key is no recipient.
        let (o, plain) = open(&pki, &ctx, &env, None, "NOR");
        assert!(!o.ok());
        assert_eq!(
            o.exit_class(),
            6,
            "NOR is not released to: {}",
            o.report_json()
        );
        assert!(plain.is_empty());
    }
}

#[test]
fn a_nation_release_denies_is_refused_with_exit_class_6_unless_forced() {
    let pki = Pki::new("refused", 7);
    let e = seal(
        &pki,
        &["DNK"],
        &["DNK", "NLD"],
        &options("rustcrypto", false),
    )
    .unwrap_err();
    assert!(e.code.starts_with("release."), "{e}");
    assert_eq!(e.exit_class(), Some(6));
    assert!(e.message.contains("NLD"), "{e}");
    let mut forced = options("rustcrypto", false);
    forced.force_release = vec!["NLD".into()];
    let env = seal(&pki, &["DNK"], &["DNK", "NLD"], &forced).unwrap();
    // Forced into the envelope, but the release stage still denies NLD when it opens.
    let (o, plain) = open(&pki, &pki.context("rustcrypto"), &env, None, "NLD");
    assert_eq!(o.exit_class(), 6);
    assert!(plain.is_empty());
}

#[test]
fn a_certificate_of_another_coalition_is_a_trust_error() {
    let pki = Pki::new("trusted", 7);
    let other = Pki::new("other", 8);
    let chain = other.read("DNK-enc.pem");
    let e = seal_to(
        &pki,
        &["DNK"],
        std::slice::from_ref(&chain),
        None,
        &options("rustcrypto", false),
    )
    .unwrap_err();
    assert!(e.code.starts_with("trust."), "{e}");
    assert_eq!(e.exit_class(), Some(13));
    let env = seal(&pki, &["DNK"], &["DNK"], &options("rustcrypto", false)).unwrap();
    let e = pki
        .context("rustcrypto")
        .open_bytes(
            &env,
            None,
            &other.read("DNK-enc.key.pem"),
            &chain,
            &mut Vec::new(),
        )
        .unwrap_err();
    assert_eq!(e.exit_class(), Some(13), "{e}");
}

#[test]
fn detached_ciphertext_streams_and_a_truncated_one_releases_nothing() {
    let pki = Pki::new("detached", 7);
    let mut ct = Vec::new();
    let env = seal_to(
        &pki,
        &["DNK"],
        &[pki.read("DNK-enc.pem")],
        Some(&mut ct),
        &options("rustcrypto", true),
    )
    .unwrap();
    assert!(!ct.is_empty() && !ct.windows(RECORD.len()).any(|w| w == RECORD));
    let ctx = pki.context("rustcrypto");
    let (o, plain) = open(&pki, &ctx, &env, Some(&ct), "DNK");
    assert!(o.ok(), "{}", o.report_json());
    assert_eq!(plain, RECORD);
    let (o, plain) = open(&pki, &ctx, &env, Some(&ct[..ct.len() - 1]), "DNK");
    assert!(!o.ok());
    assert_eq!(o.exit_class(), 11);
    assert!(plain.is_empty());
    // The options must agree with the writer.
    let e = seal_to(
        &pki,
        &["DNK"],
        &[pki.read("DNK-enc.pem")],
        None,
        &options("rustcrypto", true),
    )
    .unwrap_err();
    assert_eq!(e.code, pouch_api::class::ARGUMENT);
}

#[test]
fn open_to_file_leaves_a_file_only_with_authentic_plaintext() {
    let (pki, env) = sealed_to_denmark("file", &["DNK", "NLD"]);
    let ctx = pki.context("rustcrypto");
    let out = pki.dir.join("plain.out");
    // Opens with Denmark's certificate and the key in file `key`.
    let open_with = |key: &str| {
        ctx.open_to_file(&env, None, &pki.read(key), &pki.read("DNK-enc.pem"), &out)
            .unwrap()
    };
    // Denmark's certificate with the Netherlands' key: not Denmark's recipient key.
    let o = open_with("NLD-enc.key.pem");
    assert!(!o.ok());
    assert_eq!(o.exit_class(), 11, "{}", o.report_json());
    assert!(!out.exists());
    let leftovers = std::fs::read_dir(&pki.dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("partial")
        })
        .count();
    assert_eq!(leftovers, 0);
    let o = open_with("DNK-enc.key.pem");
    assert!(o.ok());
    assert_eq!(std::fs::read(&out).unwrap(), RECORD);
}

#[test]
fn a_holder_adds_a_permitted_recipient_but_not_a_denied_one() {
    let (pki, env) = sealed_to_denmark("add", &["DNK", "NLD"]);
    let added = add_as_denmark(&pki, &env, "NLD-enc.pem").unwrap();
    let (o, plain) = open(&pki, &pki.context("rustcrypto"), &added, None, "NLD");
    assert!(o.ok(), "{}", o.report_json());
    assert_eq!(plain, RECORD);
    let denied = add_as_denmark(&pki, &env, "NOR-enc.pem").unwrap_err();
    assert_eq!(denied.exit_class(), Some(6), "{denied}");
}

#[test]
fn keys_and_chains_that_do_not_load_are_typed_errors() {
    let (pki, env) = sealed_to_denmark("bad", &["DNK"]);
    let ctx = pki.context("rustcrypto");
    let e = ctx
        .open_bytes(
            &env,
            None,
            b"not a key",
            &pki.read("DNK-enc.pem"),
            &mut Vec::new(),
        )
        .unwrap_err();
    assert_eq!(e.code, pouch_api::class::KEY);
    let e = ctx
        .open_bytes(
            &env,
            None,
            &pki.read("DNK-enc.key.pem"),
            b"",
            &mut Vec::new(),
        )
        .unwrap_err();
    assert_eq!(e.code, pouch_api::class::CERTIFICATE);
    let e = VerifyContext::new(None)
        .unwrap()
        .open_bytes(
            &env,
            None,
            &pki.read("DNK-enc.key.pem"),
            &pki.read("DNK-enc.pem"),
            &mut Vec::new(),
        )
        .unwrap_err();
    assert_eq!(e.code, pouch_api::class::ARGUMENT);
}

#[test]
fn verifier_options_reach_the_verifier() {
    let (pki, env) = sealed_to_denmark("options", &["DNK"]);
    let mut ctx = pki.context("rustcrypto");
    ctx.set_allowed_algs(Some("EdDSA, ML-DSA-65")).unwrap();
    let r = ctx.verify(&env, None);
    assert!(pouch_api::report_json(&r).contains("seal.alg-not-allowed"));
    assert_eq!(pouch_api::exit_class(&r), 10);
    ctx.set_allowed_algs(Some("ES384")).unwrap();
    assert_eq!(pouch_api::exit_class(&ctx.verify(&env, None)), 0);
    assert_eq!(
        ctx.set_allowed_algs(Some("ES999")).unwrap_err().code,
        pouch_api::class::ARGUMENT
    );
    ctx.set_require_current_validity(true).unwrap();
    assert_eq!(pouch_api::exit_class(&ctx.verify(&env, None)), 0);
    // A chain limit of one: NOR's seal carries its signer and intermediate.
    ctx.set_max_chain(Some(1)).unwrap();
    let r = ctx.verify(&env, None);
    assert!(pouch_api::report_json(&r).contains("seal.header-limit-exceeded"));
    assert_eq!(pouch_api::exit_class(&r), 10);
    ctx.set_max_chain(None).unwrap();
    assert_eq!(pouch_api::exit_class(&ctx.verify(&env, None)), 0);
    assert!(ctx.set_max_chain(Some(0)).is_err());
    let f = pouch_api::adapter_features(None).unwrap();
    for k in [
        "open",
        "allowed-algs",
        "current-validity",
        "max-chain",
        "kem:HPKE-XWING-KE",
        "kem:HPKE-1-KE",
        "kem:HPKE-MLKEM1024-KE",
    ] {
        assert!(f.iter().any(|x| x == k), "{k}");
    }
}

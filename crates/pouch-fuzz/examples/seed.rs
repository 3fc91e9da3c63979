//! Writes the seed corpora under `fuzz/corpus/<target>/` from the test vectors and a
//! deterministic demo PKI, so the fuzzer starts from valid inputs of every kind and the
//! stable replay test has something real to run. Files are named by a hash of their bytes;
//! rerunning adds nothing new. `cargo run -p pouch-fuzz --example seed`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};

use pouch::{Payload, SealRequest};
use pouch_crypto_rustcrypto::provider;
use pouch_label::{DateTime, Label, Limits};

const NOW: i64 = 1_795_860_000;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// FNV-1a, 64 bits: a stable name for a seed.
fn name(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("seed-{h:016x}")
}

fn put(target: &str, bytes: &[u8]) {
    let dir = root().join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name(bytes)), bytes).unwrap();
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn main() {
    let vectors = root().join("test-vectors/labels");
    let mut labels = Vec::new();
    for f in files(&vectors.join("json")) {
        let bytes = std::fs::read(&f).unwrap();
        put("label_json", &bytes);
        if let Ok(l) = Label::from_json(&bytes, &Limits::default()) {
            labels.push(l);
        }
    }
    for f in files(&vectors.join("xml")) {
        put("label_xml", &std::fs::read(&f).unwrap());
    }
    for l in &labels {
        let cbor = l.to_cbor();
        put("label_cbor", &cbor);
        put("cbor_check", &cbor);
    }

    // Envelopes from a seeded PKI: one per signer algorithm, embedded and detached, and one
    // with two seals; and the sequence of them all.
    let pki = pouch_testkit::demo_pki(provider(), Some(1), NOW).unwrap();
    let nation = &pki.coalition.nations()[0];
    let mut envelopes = Vec::new();
    for (i, issued) in nation.signers.iter().enumerate() {
        let key = issued.signing_key(provider()).unwrap();
        let req = SealRequest::originator(
            key.as_ref(),
            nation.signer_chain(issued),
            DateTime::from_unix(NOW, 0).unwrap(),
        );
        let record = format!("record {i}");
        let payload = if i % 2 == 0 {
            Payload::Embedded {
                data: record.as_bytes(),
                content_type: Some(pouch::ContentType::Media("text/plain".into())),
            }
        } else {
            Payload::Detached {
                data: &mut record.as_bytes(),
                digest: pouch_crypto::DigestAlgorithm::Sha256,
                content_type: None,
                location: None,
            }
        };
        let label = labels.first().expect("a valid label vector");
        let env = pouch::seal(
            provider(),
            label,
            payload,
            &req,
            Some([i as u8; 16]),
            Some(DateTime::from_unix(NOW, 0).unwrap()),
        )
        .unwrap();
        envelopes.push(env);
    }
    for env in &envelopes {
        put("envelope_decode", env);
        put("envelope_providers_agree", env);
        put("cbor_check", env);
    }
    put("cbor_sequence", &envelopes.concat());
    put("trust_bundle", pki_bundle(&pki).as_bytes());
    // SPIFs: the demo policies (ours; the third-party SPIFs stay in shared/reference).
    put("spif", pouch_policy::demo::COALITION_SPIF);
    put("spif", pouch_policy::demo::NATIONAL_SPIF);
    // Full verification: every envelope vector, valid and not.
    for f in files(&root().join("test-vectors/envelopes")) {
        if f.file_name().is_some_and(|n| n == "envelope.cbor") {
            put("envelope_verify", &std::fs::read(&f).unwrap());
        }
    }
    // ESS labels: the spiffing BER/DER files stay in shared/reference (read, not copied);
    // the seeds are labels this codec writes itself.
    for label in ess_seeds() {
        put("ess_label", &label);
    }
    // Encrypted envelopes for the fixed fuzz key, and their recipients.
    for env in encrypted_seeds(&nation.signers[0]) {
        let decoded = pouch::Envelope::decode(&env, &pouch::Limits::default()).unwrap();
        put("recipients_decode", decoded.recipients_bytes().unwrap());
        put("encrypted_open", &env);
    }
    println!(
        "seeds written under {}",
        root().join("fuzz/corpus").display()
    );
}

fn pki_bundle(pki: &pouch_testkit::DemoPki) -> String {
    pki.bundle_toml()
}

fn ess_seeds() -> Vec<Vec<u8>> {
    use pouch_ess::{EssLabel, Oid, PrivacyMark, SecurityCategory, TagType};
    let policy: Oid = "1.3.26.1.3.1".parse().unwrap();
    let tag_set: Oid = "1.3.26.1.3.1.1".parse().unwrap();
    let mut out = Vec::new();
    for (i, tag_type) in [TagType::Restrictive, TagType::Permissive]
        .into_iter()
        .enumerate()
    {
        let label = EssLabel {
            policy: Some(policy.clone()),
            classification: Some(3 + i as u32),
            privacy_mark: Some(PrivacyMark::from_text("SEED")),
            categories: vec![
                SecurityCategory::from_lacvs(tag_type, tag_set.clone(), &[1, 5, 9]).unwrap(),
            ],
        };
        out.push(label.to_der().unwrap());
    }
    out
}

fn encrypted_seeds(issued: &pouch_testkit::Issued) -> Vec<Vec<u8>> {
    use pouch::encryption::{EncryptRequest, Plaintext, RecipientKey, SeededRng};
    let provider = provider();
    let (_, pk, cert) = pouch_fuzz::fuzz_recipient();
    let (_, p384) =
        pouch::encryption::derive_keypair(pouch::encryption::RecipientAlg::P384, b"seed p384");
    let recipients = [
        RecipientKey {
            nation: "DNK".into(),
            certificate: cert.to_vec(),
            public_key: pk,
        },
        RecipientKey {
            nation: "FIN".into(),
            certificate: b"another".to_vec(),
            public_key: p384,
        },
    ];
    let key = issued.signing_key(provider).unwrap();
    let label = Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"SECRET"},
          "creationDateTime":"2026-11-28T09:15:00Z"}"#,
        &Limits::default(),
    )
    .unwrap();
    let mut out = Vec::new();
    for n in [0usize, 5000] {
        let req = EncryptRequest {
            label: &label,
            recipients: &recipients,
            forced: Vec::new(),
            chunk_size: 4096,
            id: Some([n as u8; 16]),
            created: None,
        };
        let seal = pouch::SealRequest {
            key: key.as_ref(),
            chain: vec![issued.certificate.der().to_vec()],
            role: pouch::Role::Originator,
            signing_time: DateTime::from_unix(NOW, 0).unwrap(),
            alternative_label: None,
            release: None,
        };
        let data = vec![0x42u8; n];
        out.push(
            pouch::encryption::seal_encrypted(
                provider,
                &req,
                Plaintext::Embedded {
                    data: &mut data.as_slice(),
                    content_type: None,
                },
                &seal,
                &mut SeededRng::new(&[n as u8]),
            )
            .unwrap(),
        );
    }
    out
}

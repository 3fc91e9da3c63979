//! The published HPKE test vectors, run whole against the HPKE implementation Pouch uses:
//! RFC 9180 Appendix A (`HPKE/test-vectors.json`) and draft-ietf-hpke-pq's
//! (`HPKE/hpke-pq-test-vectors.json`, X-Wing, ML-KEM, the hybrids), read in place from
//! PyPI's `cryptography-vectors` package (found with python3, or at
//! `POUCH_CRYPTOGRAPHY_VECTORS`); never copied into this repository.
//!
//! Every vector is opened as the receiver: the key pair derived from `ikmR` must be
//! `pkRm`, and every encryption must open and every export match. Each vector is Pass or
//! Skip (with its reason); any failure fails the test. Without the package the test says so
//! loudly and passes, unless `POUCH_REQUIRE_CRYPTOGRAPHY_VECTORS` is set (CI).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use hpke::aead::{Aead, AesGcm128, AesGcm256, ChaCha20Poly1305, ExportOnlyAead};
use hpke::kdf::{
    HkdfSha256, HkdfSha384, HkdfSha512, Kdf, KdfShake128, KdfShake256, KdfTurboShake128,
    KdfTurboShake256,
};
use hpke::kem::{
    DhP256HkdfSha256, DhP384HkdfSha384, DhP521HkdfSha512, MlKem768, MlKem768P256, MlKem1024,
    MlKem1024P384, X25519HkdfSha256, XWing,
};
use hpke::{Deserializable, Kem, OpModeR, PskBundle, Serializable};
use serde_json::Value;

fn package_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("POUCH_CRYPTOGRAPHY_VECTORS") {
        return Some(PathBuf::from(d));
    }
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import cryptography_vectors, os; print(os.path.dirname(cryptography_vectors.__file__))",
        ])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn hex(v: &Value, k: &str) -> Vec<u8> {
    let s = v[k].as_str().unwrap_or_else(|| panic!("{k} missing"));
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// One vector as the receiver; Err says what differed.
fn run<K: Kem, F: Kdf, A: Aead>(v: &Value) -> Result<(), String> {
    let (sk, pk) = K::derive_keypair(&hex(v, "ikmR"));
    if pk.to_bytes().as_slice() != hex(v, "pkRm").as_slice() {
        return Err("DeriveKeyPair(ikmR) is not pkRm".into());
    }
    let enc = K::EncappedKey::from_bytes(&hex(v, "enc")).map_err(|e| format!("enc: {e}"))?;
    let (psk, psk_id) = (
        v.get("psk").map(|_| hex(v, "psk")).unwrap_or_default(),
        v.get("psk_id")
            .map(|_| hex(v, "psk_id"))
            .unwrap_or_default(),
    );
    let pks = || K::PublicKey::from_bytes(&hex(v, "pkSm")).map_err(|e| format!("pkSm: {e}"));
    let bundle = || PskBundle::new(&psk, &psk_id).map_err(|e| format!("psk: {e}"));
    let mode = match v["mode"].as_u64() {
        Some(0) => OpModeR::Base,
        Some(1) => OpModeR::Psk(bundle()?),
        Some(2) => OpModeR::Auth(pks()?),
        Some(3) => OpModeR::AuthPsk(pks()?, bundle()?),
        m => return Err(format!("mode {m:?}")),
    };
    let mut ctx = hpke::setup_receiver::<A, F, K>(&mode, &sk, &enc, &hex(v, "info"))
        .map_err(|e| format!("setup: {e}"))?;
    for (i, e) in v["encryptions"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let pt = ctx
            .open(&hex(e, "ct"), &hex(e, "aad"))
            .map_err(|err| format!("encryption {i}: {err}"))?;
        if pt != hex(e, "pt") {
            return Err(format!("encryption {i}: wrong plaintext"));
        }
    }
    for (i, x) in v["exports"].as_array().into_iter().flatten().enumerate() {
        let want = hex(x, "exported_value");
        let mut got = vec![0u8; x["L"].as_u64().unwrap_or_default() as usize];
        ctx.export(&hex(x, "exporter_context"), &mut got)
            .map_err(|err| format!("export {i}: {err}"))?;
        if got != want {
            return Err(format!("export {i}: wrong value"));
        }
    }
    Ok(())
}

type Outcome = Result<Result<(), String>, &'static str>;

fn by_aead<K: Kem, F: Kdf>(v: &Value) -> Outcome {
    Ok(match v["aead_id"].as_u64() {
        Some(0x1) => run::<K, F, AesGcm128>(v),
        Some(0x2) => run::<K, F, AesGcm256>(v),
        Some(0x3) => run::<K, F, ChaCha20Poly1305>(v),
        Some(0xffff) => run::<K, F, ExportOnlyAead>(v),
        _ => return Err("AEAD not implemented by the hpke crate"),
    })
}

fn by_kdf<K: Kem>(v: &Value) -> Outcome {
    match v["kdf_id"].as_u64() {
        Some(0x1) => by_aead::<K, HkdfSha256>(v),
        Some(0x2) => by_aead::<K, HkdfSha384>(v),
        Some(0x3) => by_aead::<K, HkdfSha512>(v),
        Some(0x10) => by_aead::<K, KdfShake128>(v),
        Some(0x11) => by_aead::<K, KdfShake256>(v),
        Some(0x12) => by_aead::<K, KdfTurboShake128>(v),
        Some(0x13) => by_aead::<K, KdfTurboShake256>(v),
        _ => Err("KDF not implemented by the hpke crate"),
    }
}

fn by_kem(v: &Value) -> Outcome {
    match v["kem_id"].as_u64() {
        Some(0x10) => by_kdf::<DhP256HkdfSha256>(v),
        Some(0x11) => by_kdf::<DhP384HkdfSha384>(v),
        Some(0x12) => by_kdf::<DhP521HkdfSha512>(v),
        Some(0x20) => by_kdf::<X25519HkdfSha256>(v),
        Some(0x21) => Err("X448 is not implemented by the hpke crate (Pouch does not use it)"),
        Some(0x40) => {
            Err("ML-KEM-512 is not implemented by the hpke crate (Pouch does not use it)")
        }
        Some(0x41) => by_kdf::<MlKem768>(v),
        Some(0x42) => by_kdf::<MlKem1024>(v),
        Some(0x50) => by_kdf::<MlKem768P256>(v),
        Some(0x51) => by_kdf::<MlKem1024P384>(v),
        Some(0x647a) => by_kdf::<XWing>(v),
        _ => Err("KEM unknown to the hpke crate"),
    }
}

#[test]
fn published_hpke_vectors_run_whole() {
    let Some(dir) = package_dir().filter(|d| d.join("HPKE").is_dir()) else {
        assert!(
            std::env::var_os("POUCH_REQUIRE_CRYPTOGRAPHY_VECTORS").is_none(),
            "POUCH_REQUIRE_CRYPTOGRAPHY_VECTORS is set but the cryptography-vectors package is not installed"
        );
        eprintln!(
            "\n*** SKIPPED: HPKE test vectors not run: PyPI package cryptography-vectors not found \
             (pip install cryptography-vectors, or set POUCH_CRYPTOGRAPHY_VECTORS) ***\n"
        );
        return;
    };
    let mut failures = Vec::new();
    // Suites Pouch uses (spec/10-encryption.md §10.4), to say which of them a vector covers.
    let ours = [(0x647a, 0x1, 0x2), (0x11, 0x2, 0x2), (0x42, 0x2, 0x2)];
    let mut covered = BTreeMap::new();
    for file in ["test-vectors.json", "hpke-pq-test-vectors.json"] {
        let text = std::fs::read_to_string(dir.join("HPKE").join(file)).unwrap();
        let vectors: Vec<Value> = serde_json::from_str(&text).unwrap();
        let (mut pass, mut skip) = (0, BTreeMap::<&str, usize>::new());
        for (i, v) in vectors.iter().enumerate() {
            let suite = (
                v["kem_id"].as_u64().unwrap_or_default(),
                v["kdf_id"].as_u64().unwrap_or_default(),
                v["aead_id"].as_u64().unwrap_or_default(),
            );
            match by_kem(v) {
                Ok(Ok(())) => {
                    pass += 1;
                    if ours.contains(&suite) {
                        *covered.entry(format!("{suite:x?}")).or_insert(0) += 1;
                    }
                    // The KEM alone of a suite of ours (X-Wing, P-384) in another suite.
                    if ours.iter().any(|o| o.0 == suite.0) {
                        *covered.entry(format!("KEM {:#x}", suite.0)).or_insert(0) += 1;
                    }
                }
                Ok(Err(e)) => failures.push(format!(
                    "{file}[{i}] suite {suite:x?} mode {}: {e}",
                    v["mode"]
                )),
                Err(why) => *skip.entry(why).or_insert(0) += 1,
            }
        }
        println!(
            "{file}: {} vectors, Pass {pass}, Skip {skip:?}",
            vectors.len()
        );
    }
    println!("coverage of Pouch's suites and KEMs: {covered:?}");
    assert!(
        failures.is_empty(),
        "unexpected failures:\n{}",
        failures.join("\n")
    );
    // The KEMs Pouch requires are each checked by at least one published vector.
    for kem in ["KEM 0x647a", "KEM 0x11", "KEM 0x42"] {
        assert!(
            covered.contains_key(kem),
            "no published vector exercised {kem}"
        );
    }
}

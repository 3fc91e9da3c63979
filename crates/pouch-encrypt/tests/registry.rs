//! The encryption entries of spec/registries/algorithms.toml and the code agree: COSE
//! values, HPKE identifiers, `ek` lengths and levels (POUCH-ENC-032).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use pouch_encrypt::RecipientAlg;

#[test]
fn recipient_and_content_algorithms_match_the_registry() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/registries/algorithms.toml"
    );
    let reg: toml::Table = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let rows = reg["recipient"].as_array().unwrap();
    assert_eq!(rows.len(), RecipientAlg::ALL.len());
    for (row, alg) in rows.iter().zip(RecipientAlg::ALL) {
        let int = |k: &str| row[k].as_integer().unwrap();
        assert_eq!(row["name"].as_str().unwrap(), alg.name());
        assert_eq!(int("cose"), alg.cose_id());
        let (kem, kdf, aead) = alg.hpke_ids();
        assert_eq!(
            (int("hpke-kem"), int("hpke-kdf"), int("hpke-aead")),
            (i64::from(kem), i64::from(kdf), i64::from(aead)),
            "{}",
            alg.name()
        );
        assert_eq!(int("enc-len") as usize, alg.enc_len(), "{}", alg.name());
        assert_eq!(
            row["post-quantum"].as_bool().unwrap(),
            alg.is_post_quantum()
        );
        let level = row["level"].as_str().unwrap();
        assert_eq!(
            level,
            if alg == RecipientAlg::MlKem1024 {
                "SHOULD"
            } else {
                "MUST"
            }
        );
        let status = row["status"].as_str().unwrap();
        // A private-use value is below -65536 (RFC 9052 §16.4); a draft value is not.
        assert_eq!(
            status == "private-use",
            alg.cose_id() < -65536,
            "{}",
            alg.name()
        );
    }
    let content = reg["content"].as_array().unwrap();
    assert_eq!(content.len(), 1);
    assert_eq!(
        content[0]["cose"].as_integer().unwrap(),
        pouch_envelope::CONTENT_ALG_A256GCM_STREAM
    );
}

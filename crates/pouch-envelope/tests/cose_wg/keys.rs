//! The COSE WG examples' keys (JWK-like JSON, each field base64url as `x` or hex as `x_hex`)
//! turned into the DER SubjectPublicKeyInfo that `SignatureScheme::verify` takes, built with
//! `pouch_trust::der`.
//!
//! - `kty` `EC` / `EC2`: id-ecPublicKey with the named curve of `crv`, uncompressed point
//!   `04 || x || y` (RFC 5480), as Pouch's providers require;
//! - `kty` `OKP`, `crv` `Ed25519`: id-Ed25519 without parameters (RFC 8410);
//! - `kty` `RSA`: rsaEncryption with NULL parameters over `RSAPublicKey { n, e }` (RFC 8017),
//!   one of the two RSA forms `pouch_crypto::keys::spki_public_key` accepts for PS256.

use pouch_trust::Oid;
use pouch_trust::der;
use serde_json::Value;

/// Bytes from hex (either case); `None` if malformed.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16);
    text.chunks(2)
        .map(|pair| Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8))
        .collect()
}

/// Bytes from unpadded base64url (RFC 4648 §5, as JWK uses); `None` if malformed.
pub(crate) fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let sextet = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    };
    let text = text.trim_end_matches('=').as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = acc << 6 | sextet(c)?;
        }
        // A chunk of n characters carries 6n bits, of which the first 8(n-1) are data.
        let bits = 6 * chunk.len() as u32;
        let bytes = chunk.len() - 1;
        let acc = acc >> (bits - 8 * bytes as u32);
        for i in (0..bytes).rev() {
            out.push((acc >> (8 * i)) as u8);
        }
    }
    Some(out)
}

/// The key field `name`, from `name` (base64url) or `name_hex` (hex).
fn field(key: &Value, name: &str) -> Result<Vec<u8>, String> {
    if let Some(text) = key.get(name).and_then(Value::as_str) {
        return unbase64url(text).ok_or_else(|| format!("key field {name} is not base64url"));
    }
    let hex_name = format!("{name}_hex");
    if let Some(text) = key.get(&hex_name).and_then(Value::as_str) {
        return unhex(text).ok_or_else(|| format!("key field {hex_name} is not hex"));
    }
    Err(format!("key has no {name} / {hex_name}"))
}

fn text<'a>(key: &'a Value, name: &str) -> &'a str {
    key.get(name).and_then(Value::as_str).unwrap_or("")
}

fn oid(arcs: &[u32]) -> Vec<u8> {
    der::oid(&Oid::from_arcs(arcs.iter().copied()).expect("a well-formed OID"))
}

/// A coordinate of `len` bytes: JWK requires the full length, but tolerate dropped leading
/// zero octets.
fn coordinate(bytes: Vec<u8>, len: usize, name: &str) -> Result<Vec<u8>, String> {
    if bytes.len() > len {
        return Err(format!(
            "EC coordinate {name} is {} bytes, over {len}",
            bytes.len()
        ));
    }
    let mut out = vec![0; len - bytes.len()];
    out.extend_from_slice(&bytes);
    Ok(out)
}

/// The SubjectPublicKeyInfo of the example key `key`.
pub(crate) fn spki(key: &Value) -> Result<Vec<u8>, String> {
    match text(key, "kty") {
        "EC" | "EC2" => {
            let (curve, len): (&[u32], usize) = match text(key, "crv") {
                "P-256" => (&[1, 2, 840, 10045, 3, 1, 7], 32),
                "P-384" => (&[1, 3, 132, 0, 34], 48),
                "P-521" => (&[1, 3, 132, 0, 35], 66),
                other => return Err(format!("EC curve {other:?} is not a Pouch curve")),
            };
            let mut point = vec![0x04];
            point.extend(coordinate(field(key, "x")?, len, "x")?);
            point.extend(coordinate(field(key, "y")?, len, "y")?);
            let alg = der::sequence(&[&oid(&[1, 2, 840, 10045, 2, 1]), &oid(curve)]);
            Ok(der::sequence(&[&alg, &der::bit_string(0, &point)]))
        }
        "OKP" => match text(key, "crv") {
            "Ed25519" => {
                let x = field(key, "x")?;
                if x.len() != 32 {
                    return Err(format!("Ed25519 key is {} bytes, not 32", x.len()));
                }
                let alg = der::sequence(&[&oid(&[1, 3, 101, 112])]);
                Ok(der::sequence(&[&alg, &der::bit_string(0, &x)]))
            }
            other => Err(format!("OKP curve {other:?} is not a Pouch curve")),
        },
        "RSA" => {
            let n = der::unsigned_integer(&field(key, "n")?);
            let e = der::unsigned_integer(&field(key, "e")?);
            let rsa_public_key = der::sequence(&[&n, &e]);
            let alg = der::sequence(&[&oid(&[1, 2, 840, 113549, 1, 1, 1]), &der::null()]);
            Ok(der::sequence(&[&alg, &der::bit_string(0, &rsa_public_key)]))
        }
        other => Err(format!("key type {other:?} is not a Pouch key type")),
    }
}

#[test]
fn decoders_read_known_values() {
    assert_eq!(unhex("00fFa5"), Some(vec![0x00, 0xff, 0xa5]));
    assert_eq!(unhex("0"), None);
    assert_eq!(unhex("zz"), None);
    // RFC 4648 §10 test vectors, in the URL alphabet and unpadded.
    for (plain, encoded) in [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v")] {
        assert_eq!(unbase64url(encoded).as_deref(), Some(plain.as_bytes()));
    }
    assert_eq!(unbase64url("Zm9vYmFy").as_deref(), Some(&b"foobar"[..]));
    assert_eq!(unbase64url("-_8"), Some(vec![0xfb, 0xff]));
    assert_eq!(unbase64url("Z"), None);
    assert_eq!(unbase64url("Zm9v!"), None);
}

#[test]
fn spki_is_what_pouch_recognises() {
    use pouch_crypto::{Algorithm, keys};
    let x = "usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8";
    let y = "IBOL-C3BttVivg-lSreASjpkttcsz-1rb7btKLv8EX4";
    let ec = serde_json::json!({"kty": "EC", "crv": "P-256", "x": x, "y": y});
    let ec = spki(&ec).unwrap();
    assert_eq!(keys::algorithm_of_spki(&ec), Some(Algorithm::Es256));
    assert_eq!(
        keys::spki_public_key(&ec, Algorithm::Es256).unwrap().len(),
        65
    );
    let ed = serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x_hex": "00".repeat(32)});
    assert_eq!(
        keys::algorithm_of_spki(&spki(&ed).unwrap()),
        Some(Algorithm::EdDsa)
    );
    let rsa = serde_json::json!({"kty": "RSA", "n_hex": "C1".repeat(256), "e_hex": "010001"});
    let rsa = spki(&rsa).unwrap();
    assert!(keys::spki_public_key(&rsa, Algorithm::Ps256).is_ok());
    let ed448 = serde_json::json!({"kty": "OKP", "crv": "Ed448", "x_hex": "00"});
    assert!(spki(&ed448).is_err());
}

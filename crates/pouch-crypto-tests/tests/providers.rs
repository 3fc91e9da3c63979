//! Properties every provider must have, each written once and run against every provider
//! (and, for interoperability, every ordered pair of providers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{PROVIDERS, hex, pkcs8, unhex};
use pouch_crypto::keys::{algorithm_of_pkcs8, algorithm_of_spki};
use pouch_crypto::{
    Algorithm, CryptoProvider, DigestAlgorithm, Error, SignatureScheme, SigningKey,
};

const MESSAGE: &[u8] = b"Pouch: a labelled, signed envelope";

/// `p`'s signing key for `alg` from the first test key.
fn signing_key(p: &CryptoProvider, alg: Algorithm) -> Box<dyn SigningKey> {
    p.signature(alg)
        .unwrap()
        .signing_key(&pkcs8(p, alg, 0))
        .unwrap()
}

/// Every provider's scheme for every algorithm, with its signing key from the first test key.
fn every_scheme() -> impl Iterator<
    Item = (
        &'static CryptoProvider,
        Algorithm,
        &'static dyn SignatureScheme,
        Box<dyn SigningKey>,
    ),
> {
    PROVIDERS.into_iter().flat_map(|p| {
        Algorithm::ALL
            .into_iter()
            .map(move |alg| (p, alg, p.signature(alg).unwrap(), signing_key(p, alg)))
    })
}

#[test]
fn every_provider_implements_every_algorithm_in_registry_order() {
    for p in PROVIDERS {
        let algs: Vec<_> = p.signatures.iter().map(|s| s.algorithm()).collect();
        assert_eq!(algs, Algorithm::ALL, "{}", p.name);
        let digests: Vec<_> = p.digests.iter().map(|d| d.algorithm()).collect();
        assert_eq!(digests, DigestAlgorithm::ALL, "{}", p.name);
    }
}

#[test]
fn sign_verify_round_trip() {
    for p in PROVIDERS {
        for alg in Algorithm::ALL {
            let scheme = p.signature(alg).unwrap();
            let der = pkcs8(p, alg, 0);
            assert_eq!(algorithm_of_pkcs8(&der), Some(alg), "{} {alg}", p.name);
            let key = scheme.signing_key(&der).unwrap();
            assert_eq!(key.algorithm(), alg);
            let spki = key.public_key_spki();
            assert_eq!(algorithm_of_spki(&spki), Some(alg), "{} {alg}", p.name);
            let sig = key.sign(MESSAGE).unwrap();
            scheme
                .verify(&spki, MESSAGE, &sig)
                .unwrap_or_else(|e| panic!("{} {alg}: {e}", p.name));
            scheme.verify(&spki, b"", &key.sign(b"").unwrap()).unwrap();
        }
    }
}

#[test]
fn signatures_have_the_registered_lengths() {
    for p in PROVIDERS {
        for alg in Algorithm::ALL {
            let key = signing_key(p, alg);
            let len = key.sign(MESSAGE).unwrap().len();
            let expected = match alg {
                Algorithm::Es256 | Algorithm::EdDsa => 64,
                Algorithm::Es384 => 96,
                Algorithm::Es512 => 132,
                // RSASSA-PSS: the modulus length in bytes (RFC 8017 §8.1.1), read from the key.
                Algorithm::Ps256 => rsa_modulus_len(&key.public_key_spki()),
                Algorithm::MlDsa44 => 2420,
                Algorithm::MlDsa65 => 3309,
                Algorithm::MlDsa87 => 4627,
                _ => unreachable!(),
            };
            assert_eq!(len, expected, "{} {alg}", p.name);
        }
    }
}

/// The length in bytes of an RSA public key's modulus, from its SubjectPublicKeyInfo.
fn rsa_modulus_len(spki: &[u8]) -> usize {
    let rsa_public_key = pouch_crypto::keys::spki_public_key(spki, Algorithm::Ps256).unwrap();
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1)
    let (tag, seq) = der_element(rsa_public_key);
    assert_eq!(tag, 0x30, "RSAPublicKey is a SEQUENCE");
    let (tag, modulus) = der_element(seq);
    assert_eq!(tag, 0x02, "the modulus is an INTEGER");
    let magnitude = modulus.strip_prefix(&[0]).unwrap_or(modulus);
    assert!(magnitude.len() >= 256, "RSA modulus under 2048 bits");
    magnitude.len()
}

/// The tag and content of the DER element at the start of `der`.
fn der_element(der: &[u8]) -> (u8, &[u8]) {
    let (len, rest) = match der[1] {
        n if n < 0x80 => (usize::from(n), &der[2..]),
        n => {
            let count = usize::from(n & 0x7f);
            let len = der[2..2 + count]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (len, &der[2 + count..])
        }
    };
    (der[0], &rest[..len])
}

#[test]
fn signatures_cross_verify_between_providers() {
    for a in PROVIDERS {
        for b in PROVIDERS.into_iter().filter(|b| b.name != a.name) {
            for alg in Algorithm::ALL {
                let der = pkcs8(a, alg, 0);
                let key_a = a.signature(alg).unwrap().signing_key(&der).unwrap();
                // b verifies a's signature under a's public key...
                let sig = key_a.sign(MESSAGE).unwrap();
                b.signature(alg)
                    .unwrap()
                    .verify(&key_a.public_key_spki(), MESSAGE, &sig)
                    .unwrap_or_else(|e| {
                        panic!("{alg} signed by {}, verified by {}: {e}", a.name, b.name)
                    });
                // ...and loads a's private key, deriving the same public key.
                let key_b = b.signature(alg).unwrap().signing_key(&der).unwrap();
                assert_eq!(
                    hex(&key_b.public_key_spki()),
                    hex(&key_a.public_key_spki()),
                    "{alg}: SPKI of {}'s key as seen by {}",
                    a.name,
                    b.name
                );
                let sig_b = key_b.sign(MESSAGE).unwrap();
                a.signature(alg)
                    .unwrap()
                    .verify(&key_a.public_key_spki(), MESSAGE, &sig_b)
                    .unwrap();
            }
        }
    }
}

#[test]
fn tampering_is_rejected() {
    for (p, alg, scheme, key) in every_scheme() {
        let other = scheme.signing_key(&pkcs8(p, alg, 1)).unwrap();
        let spki = key.public_key_spki();
        let sig = key.sign(MESSAGE).unwrap();
        let ctx = format!("{} {alg}", p.name);

        let wrong_key = scheme.verify(&other.public_key_spki(), MESSAGE, &sig);
        assert_eq!(wrong_key, Err(Error::BadSignature), "{ctx}: wrong key");

        for bit in [0, 7, sig.len() * 4 + 3, sig.len() * 8 - 1] {
            let mut flipped = sig.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(
                scheme.verify(&spki, MESSAGE, &flipped).is_err(),
                "{ctx}: sig bit {bit}"
            );
        }
        for bit in [0, MESSAGE.len() * 8 - 1] {
            let mut msg = MESSAGE.to_vec();
            msg[bit / 8] ^= 1 << (bit % 8);
            let r = scheme.verify(&spki, &msg, &sig);
            assert_eq!(r, Err(Error::BadSignature), "{ctx}: message bit {bit}");
        }
        assert!(
            scheme
                .verify(&spki, MESSAGE, &sig[..sig.len() - 1])
                .is_err(),
            "{ctx}: short"
        );
        assert!(
            scheme
                .verify(&spki, MESSAGE, &[sig.as_slice(), &[0]].concat())
                .is_err(),
            "{ctx}: long"
        );
        assert!(scheme.verify(&spki, MESSAGE, &[]).is_err(), "{ctx}: empty");
    }
}

#[test]
fn keys_of_another_algorithm_are_refused() {
    for p in PROVIDERS {
        for alg in Algorithm::ALL {
            let scheme = p.signature(alg).unwrap();
            for other in Algorithm::ALL.into_iter().filter(|o| *o != alg) {
                let der = pkcs8(p, other, 0);
                let key = p.signature(other).unwrap().signing_key(&der).unwrap();
                let sig = key.sign(MESSAGE).unwrap();
                let ctx = format!("{}: {alg} offered a {other} key", p.name);
                match scheme.verify(&key.public_key_spki(), MESSAGE, &sig) {
                    Err(Error::BadPublicKey { alg: a, .. }) => assert_eq!(a, alg, "{ctx}"),
                    r => panic!("{ctx}: {r:?}"),
                }
                match scheme.signing_key(&der) {
                    Err(Error::BadPrivateKey { alg: a, .. }) => assert_eq!(a, alg, "{ctx}"),
                    r => panic!("{ctx}: {r:?}"),
                }
            }
            for junk in [&b""[..], b"\x30\x00", b"not a key"] {
                assert!(matches!(
                    scheme.verify(junk, MESSAGE, &[0; 64]),
                    Err(Error::BadPublicKey { .. })
                ));
                assert!(matches!(
                    scheme.signing_key(junk),
                    Err(Error::BadPrivateKey { .. })
                ));
            }
        }
    }
}

#[test]
fn deterministic_signing_where_promised() {
    for p in PROVIDERS {
        for alg in Algorithm::ALL {
            let key = signing_key(p, alg);
            let same = key.sign(MESSAGE).unwrap() == key.sign(MESSAGE).unwrap();
            // aws-lc hedges ECDSA and ML-DSA with fresh randomness; PS256 salts are random
            // everywhere; RustCrypto is deterministic (RFC 6979, FIPS 204 deterministic).
            let promised = match (p.name, alg) {
                (_, Algorithm::EdDsa) => true,
                (_, Algorithm::Ps256) => false,
                ("RustCrypto", _) => true,
                _ => false,
            };
            assert_eq!(same, promised, "{} {alg}", p.name);
        }
    }
}

/// RFC 6979 A.2.5: P-256, SHA-256, message "sample".
#[test]
fn ecdsa_p256_rfc6979_known_answer() {
    let x = unhex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
    let r = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716";
    let s = "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
    let n = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
    // PKCS#8 around an RFC 5915 ECPrivateKey without the optional public key.
    let pkcs8 = unhex(
        &format!(
            "304102010030130607{}0608{}0427302502010104 20{}",
            "2a8648ce3d0201",
            "2a8648ce3d030107",
            hex(&x)
        )
        .replace(' ', ""),
    );
    for p in PROVIDERS {
        let scheme = p.signature(Algorithm::Es256).unwrap();
        let key = scheme.signing_key(&pkcs8).unwrap();
        let sig = key.sign(b"sample").unwrap();
        scheme
            .verify(&key.public_key_spki(), b"sample", &sig)
            .unwrap();
        let rfc = unhex(&format!("{r}{s}"));
        scheme
            .verify(&key.public_key_spki(), b"sample", &rfc)
            .unwrap();
        if p.name == "RustCrypto" {
            // RFC 6979's k exactly; s may be normalised to the low half (n - s).
            let low_s = sub_mod(&unhex(n), &unhex(s));
            let got = hex(&sig);
            assert!(
                got == format!("{r}{s}") || got == format!("{r}{}", hex(&low_s)),
                "{got}"
            );
        }
    }
}

/// Pouch accepts high-S ECDSA signatures (COSE does not require low-S; Pouch identifies nothing
/// by a signature's bytes): both (r, s) and (r, n - s) verify in every provider.
#[test]
fn ecdsa_high_s_signatures_are_accepted() {
    let orders = [
        (
            Algorithm::Es256,
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        ),
        (
            Algorithm::Es384,
            "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf\
             581a0db248b0a77aecec196accc52973",
        ),
        (
            Algorithm::Es512,
            "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\
             fa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
        ),
    ];
    for p in PROVIDERS {
        for (alg, n) in orders {
            let scheme = p.signature(alg).unwrap();
            let key = scheme.signing_key(&pkcs8(p, alg, 0)).unwrap();
            let sig = key.sign(MESSAGE).unwrap();
            let half = sig.len() / 2;
            let flipped_s = sub_mod(&unhex(n), &sig[half..]);
            let other = [&sig[..half], &flipped_s].concat();
            scheme
                .verify(&key.public_key_spki(), MESSAGE, &sig)
                .unwrap();
            scheme
                .verify(&key.public_key_spki(), MESSAGE, &other)
                .unwrap_or_else(|e| panic!("{} {alg}: n - s refused: {e}", p.name));
        }
    }
}

/// a - b for big-endian equal-length numbers with a > b.
fn sub_mod(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0; a.len()];
    let mut borrow = 0i16;
    for i in (0..a.len()).rev() {
        let d = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = i16::from(d < 0);
        out[i] = (d + 256 * borrow) as u8;
    }
    out
}

#[test]
fn digests_match_known_answers() {
    let sha256_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    let sha384_abc = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
                      8086072ba1e7cc2358baeca134c825a7";
    let sha256_empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    for p in PROVIDERS {
        for (alg, input, expected) in [
            (DigestAlgorithm::Sha256, &b"abc"[..], sha256_abc),
            (DigestAlgorithm::Sha384, b"abc", sha384_abc),
            (DigestAlgorithm::Sha256, b"", sha256_empty),
        ] {
            let scheme = p.digest(alg).unwrap();
            let mut d = scheme.start();
            d.update(input);
            assert_eq!(hex(&d.finish()), expected, "{} {alg}", p.name);
            // Streaming in pieces gives the same digest.
            let mut d = scheme.start();
            for byte in input {
                d.update(&[*byte]);
                d.update(&[]);
            }
            assert_eq!(hex(&d.finish()), expected, "{} {alg} streamed", p.name);
        }
        for alg in DigestAlgorithm::ALL {
            assert_eq!(
                p.digest(alg).unwrap().start().finish().len(),
                alg.output_len()
            );
        }
    }
}

#[test]
fn fill_random_fills() {
    for p in PROVIDERS {
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        (p.fill_random)(&mut a).unwrap();
        (p.fill_random)(&mut b).unwrap();
        assert_ne!(a, b, "{}", p.name);
        assert_ne!(a, [0; 32], "{}", p.name);
        (p.fill_random)(&mut []).unwrap();
    }
}

#[test]
fn verifying_in_parts_agrees_with_verifying_the_whole() {
    for (p, alg, scheme, key) in every_scheme() {
        let spki = key.public_key_spki();
        let sig = key.sign(MESSAGE).unwrap();
        for cut in [0, 1, 7, MESSAGE.len()] {
            let (a, b) = MESSAGE.split_at(cut);
            scheme
                .verify_parts(&spki, &[a, b], &sig)
                .unwrap_or_else(|e| panic!("{} {alg} cut at {cut}: {e}", p.name));
            scheme
                .verify_parts(&spki, &[a, b, b"!"], &sig)
                .expect_err("an extra byte verified");
        }
        scheme
            .verify_parts(&spki, &[], &key.sign(b"").unwrap())
            .unwrap();
        let mut bad = sig.clone();
        bad[0] ^= 1;
        let (a, b) = MESSAGE.split_at(5);
        assert!(
            scheme.verify_parts(&spki, &[a, b], &bad).is_err(),
            "{} {alg}: a tampered signature verified in parts",
            p.name
        );
    }
}

/// Regression (found by the envelope_verify fuzz target): an Ed25519 public key that does not
/// decode to a curve point was `BadPublicKey` in RustCrypto but `BadSignature` in aws-lc-rs.
/// RFC 8032 §5.1.7 makes it an invalid signature; both providers must say so.
#[test]
fn ed25519_keys_that_are_not_points_make_the_signature_invalid_everywhere() {
    // SubjectPublicKeyInfo for Ed25519 (RFC 8410): SEQUENCE { SEQUENCE { 1.3.101.112 },
    // BIT STRING { 32 bytes } }.
    let prefix = unhex("302a300506032b6570032100");
    let mut sig = [0x11u8; 64];
    sig[63] = 0x01; // s below the group order
    for y in 0u8..64 {
        let mut spki = prefix.clone();
        let mut point = [0u8; 32];
        point[0] = y;
        point[31] = 0x7f;
        spki.extend_from_slice(&point);
        for p in PROVIDERS {
            let r = p
                .signature(Algorithm::EdDsa)
                .unwrap()
                .verify(&spki, MESSAGE, &sig);
            assert!(
                matches!(r, Err(Error::BadSignature)),
                "{} y={y}: {r:?}",
                p.name
            );
        }
    }
}

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::pem::base64_decode;
use super::*;

const CERT_PEM: &[u8] = include_bytes!("../../tests/data/p256-cert.pem");
const CERT_DER: &[u8] = include_bytes!("../../tests/data/p256-cert.der");
const SPKI_DER: &[u8] = include_bytes!("../../tests/data/p256-spki.der");
const ED_CERT_PEM: &[u8] = include_bytes!("../../tests/data/ed25519-cert.pem");
const ED_PKCS8: &[u8] = include_bytes!("../../tests/data/ed25519-pkcs8.der");

#[test]
fn base64_known_answers() {
    assert_eq!(base64_decode(b"").unwrap(), b"");
    assert_eq!(base64_decode(b"Zg==").unwrap(), b"f");
    assert_eq!(base64_decode(b"Zm8=").unwrap(), b"fo");
    assert_eq!(base64_decode(b"Zm9v").unwrap(), b"foo");
    assert_eq!(base64_decode(b"Zm9vYmFy").unwrap(), b"foobar");
    assert_eq!(base64_decode(b"+/+/").unwrap(), [0xfb, 0xff, 0xbf]);
}

#[test]
fn base64_refuses_non_canonical() {
    for bad in [
        &b"Zg"[..],  // missing padding
        b"Zh==",     // non-zero unused bits
        b"Zm9=",     // non-zero unused bits
        b"Zg==Zg==", // padding in the middle
        b"Z===",
        b"====",
        b"Zm9v!A==",
        b"Zm-v", // URL-safe alphabet
    ] {
        assert!(
            base64_decode(bad).is_err(),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn pem_certificate_decodes_to_the_der() {
    assert_eq!(pem_decode(CERT_PEM, "CERTIFICATE").unwrap(), CERT_DER);
    let crlf: Vec<u8> = CERT_PEM
        .split(|&b| b == b'\n')
        .flat_map(|l| l.iter().copied().chain(*b"\r\n"))
        .collect();
    assert_eq!(pem_decode(&crlf, "CERTIFICATE").unwrap(), CERT_DER);
    let mut with_text = b"Subject: test\nexplanatory text\n".to_vec();
    with_text.extend_from_slice(CERT_PEM);
    assert_eq!(pem_decode(&with_text, "CERTIFICATE").unwrap(), CERT_DER);
}

#[test]
fn pem_refuses_wrong_label_and_many_blocks() {
    assert!(pem_decode(CERT_PEM, "PRIVATE KEY").is_err());
    let chain = [CERT_PEM, ED_CERT_PEM].concat();
    assert!(pem_decode(&chain, "CERTIFICATE").is_err());
    assert!(pem_decode(b"", "CERTIFICATE").is_err());
}

#[test]
fn pem_blocks_reads_a_chain() {
    let chain = [CERT_PEM, b"junk between\n", ED_CERT_PEM].concat();
    let blocks = pem_blocks(&chain, "CERTIFICATE").unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0], CERT_DER);
    assert!(pem_blocks(&chain, "PUBLIC KEY").is_err());
}

#[test]
fn pem_refuses_malformed_blocks() {
    let text = String::from_utf8(CERT_PEM.to_vec()).unwrap();
    let unclosed = text.replace("-----END CERTIFICATE-----", "");
    let mismatched = text.replace("END CERTIFICATE", "END X509 CRL");
    let headers = text.replace(
        "-----BEGIN CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n",
    );
    let bad_char = text.replacen("MII", "MI*", 1);
    for bad in [unclosed, mismatched, headers, bad_char] {
        assert!(pem_decode(bad.as_bytes(), "CERTIFICATE").is_err(), "{bad}");
    }
    assert!(pem_decode(&vec![b'A'; MAX_PEM_LEN + 1], "CERTIFICATE").is_err());
}

#[test]
fn spki_of_real_certificate() {
    let spki = spki_of_certificate(CERT_DER).unwrap();
    assert_eq!(spki, SPKI_DER);
    assert_eq!(algorithm_of_spki(spki), Some(Algorithm::Es256));
    let ed = pem_decode(ED_CERT_PEM, "CERTIFICATE").unwrap();
    let ed_spki = spki_of_certificate(&ed).unwrap();
    assert_eq!(algorithm_of_spki(ed_spki), Some(Algorithm::EdDsa));
    assert_eq!(
        spki_public_key(ed_spki, Algorithm::EdDsa).unwrap().len(),
        32
    );
}

#[test]
fn every_truncation_of_a_certificate_is_an_error() {
    for len in 0..CERT_DER.len() {
        assert!(
            spki_of_certificate(&CERT_DER[..len]).is_err(),
            "length {len}"
        );
    }
    for len in 0..SPKI_DER.len() {
        assert_eq!(algorithm_of_spki(&SPKI_DER[..len]), None, "length {len}");
    }
}

#[test]
fn certificate_with_trailing_data_or_flipped_bytes_never_panics() {
    let mut long = CERT_DER.to_vec();
    long.push(0);
    assert!(spki_of_certificate(&long).is_err());
    for i in 0..CERT_DER.len() {
        for mask in [0x01, 0x80, 0xff] {
            let mut c = CERT_DER.to_vec();
            c[i] ^= mask;
            let _ = spki_of_certificate(&c);
        }
    }
}

#[test]
fn der_lengths_are_strict() {
    // Indefinite, non-minimal long form, leading zero, and a length beyond the input.
    for bad in [
        &[0x30, 0x80, 0x00, 0x00][..],
        &[0x30, 0x81, 0x01, 0x00],
        &[0x30, 0x82, 0x00, 0x81],
        &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
        &[0x30, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00],
        &[0x1f, 0x01, 0x00],
    ] {
        assert!(single(bad, tag::SEQUENCE).is_err(), "{bad:02x?}");
    }
    assert!(single(&[0x30, 0x00], tag::SEQUENCE).is_ok());
}

/// A DER element (lengths up to 65535).
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = u16::try_from(content.len()).unwrap();
    let mut out = match u8::try_from(len) {
        Ok(short) if short < 0x80 => vec![tag, short],
        Ok(one) => vec![tag, 0x81, one],
        Err(_) => [&[tag, 0x82][..], &len.to_be_bytes()].concat(),
    };
    out.extend_from_slice(content);
    out
}

/// A SubjectPublicKeyInfo with the given OID, parameters element and key bytes.
fn spki(oid: &[u8], params: &[u8], key: &[u8]) -> Vec<u8> {
    let alg = tlv(0x30, &[tlv(0x06, oid), params.to_vec()].concat());
    let bits = tlv(0x03, &[&[0u8][..], key].concat());
    tlv(0x30, &[alg, bits].concat())
}

#[test]
fn algorithm_of_spki_by_oid() {
    let ec = |curve: &[u8]| spki(oid::EC_PUBLIC_KEY.as_bytes(), &tlv(0x06, curve), &[4, 1, 2]);
    assert_eq!(
        algorithm_of_spki(&ec(oid::SECP256R1.as_bytes())),
        Some(Algorithm::Es256)
    );
    assert_eq!(
        algorithm_of_spki(&ec(oid::SECP384R1.as_bytes())),
        Some(Algorithm::Es384)
    );
    assert_eq!(
        algorithm_of_spki(&ec(oid::SECP521R1.as_bytes())),
        Some(Algorithm::Es512)
    );
    assert_eq!(
        algorithm_of_spki(&ec(&[0x2b, 0x81, 0x04, 0x00, 0x0a])),
        None
    ); // secp256k1
    assert_eq!(
        algorithm_of_spki(&spki(oid::EC_PUBLIC_KEY.as_bytes(), &[], &[4])),
        None
    );
    let cases = [
        (oid::ED25519.as_bytes(), Some(Algorithm::EdDsa)),
        (oid::RSA_ENCRYPTION.as_bytes(), Some(Algorithm::Ps256)),
        (oid::RSASSA_PSS.as_bytes(), Some(Algorithm::Ps256)),
        (oid::ML_DSA_44.as_bytes(), Some(Algorithm::MlDsa44)),
        (oid::ML_DSA_65.as_bytes(), Some(Algorithm::MlDsa65)),
        (oid::ML_DSA_87.as_bytes(), Some(Algorithm::MlDsa87)),
        (&[0x2b, 0x65, 0x71][..], None), // Ed448
    ];
    for (oid, expected) in cases {
        assert_eq!(
            algorithm_of_spki(&spki(oid, &[], &[1])),
            expected,
            "{oid:02x?}"
        );
    }
    // Unused bits in the key's BIT STRING make it malformed.
    let mut odd = spki(oid::ED25519.as_bytes(), &[], &[1]);
    let n = odd.len();
    odd[n - 2] = 1;
    assert_eq!(algorithm_of_spki(&odd), None);
}

#[test]
fn spki_public_key_checks_parameters() {
    let ed = spki(oid::ED25519.as_bytes(), &[], &[7; 32]);
    assert_eq!(spki_public_key(&ed, Algorithm::EdDsa).unwrap(), [7; 32]);
    let ed_params = spki(oid::ED25519.as_bytes(), &[0x05, 0x00], &[7; 32]);
    assert!(spki_public_key(&ed_params, Algorithm::EdDsa).is_err());
    let rsa_key = tlv(0x30, &[tlv(0x02, &[1]), tlv(0x02, &[3])].concat());
    let rsa = spki(oid::RSA_ENCRYPTION.as_bytes(), &[0x05, 0x00], &rsa_key);
    assert_eq!(spki_public_key(&rsa, Algorithm::Ps256).unwrap(), rsa_key);
    let rsa_no_null = spki(oid::RSA_ENCRYPTION.as_bytes(), &[], &rsa_key);
    assert!(spki_public_key(&rsa_no_null, Algorithm::Ps256).is_err());
    let pss = spki(oid::RSASSA_PSS.as_bytes(), &[], &rsa_key);
    assert_eq!(spki_public_key(&pss, Algorithm::Ps256).unwrap(), rsa_key);
    let ml = spki(oid::ML_DSA_44.as_bytes(), &[], &[0; 1312]);
    assert_eq!(
        spki_public_key(&ml, Algorithm::MlDsa44).unwrap().len(),
        1312
    );
    let ml_short = spki(oid::ML_DSA_44.as_bytes(), &[], &[0; 1311]);
    assert!(spki_public_key(&ml_short, Algorithm::MlDsa44).is_err());
    assert!(spki_public_key(&ml, Algorithm::MlDsa65).is_err());
}

#[test]
fn spki_public_key_checks_the_type() {
    let point = spki_public_key(SPKI_DER, Algorithm::Es256).unwrap();
    assert_eq!(point.len(), 65);
    assert_eq!(point[0], 4);
    for other in Algorithm::ALL
        .into_iter()
        .filter(|a| *a != Algorithm::Es256)
    {
        assert!(matches!(
            spki_public_key(SPKI_DER, other),
            Err(Error::BadPublicKey { alg, .. }) if alg == other
        ));
    }
    // Ed25519 key of the wrong length.
    assert!(spki_public_key(&unhex("300a300506032b6570030100"), Algorithm::EdDsa).is_err());
}

#[test]
fn pkcs8_algorithm_and_key() {
    assert_eq!(algorithm_of_pkcs8(ED_PKCS8), Some(Algorithm::EdDsa));
    // Ed25519's privateKey is itself an OCTET STRING of the 32-byte seed (RFC 8410).
    assert_eq!(
        pkcs8_private_key(ED_PKCS8, Algorithm::EdDsa).unwrap().len(),
        34
    );
    assert!(pkcs8_private_key(ED_PKCS8, Algorithm::Es256).is_err());
    assert_eq!(algorithm_of_pkcs8(SPKI_DER), None);
    for len in 0..ED_PKCS8.len() {
        assert_eq!(algorithm_of_pkcs8(&ED_PKCS8[..len]), None);
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

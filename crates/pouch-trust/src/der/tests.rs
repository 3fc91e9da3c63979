#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::Oid;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn integers_are_minimal_and_positive() {
    assert_eq!(hex(&integer_u64(0)), "020100");
    assert_eq!(hex(&integer_u64(127)), "02017f");
    assert_eq!(hex(&integer_u64(128)), "02020080");
    assert_eq!(hex(&integer_u64(256)), "02020100");
    assert_eq!(hex(&unsigned_integer(&[0, 0, 0x01])), "020101");
    assert_eq!(hex(&unsigned_integer(&[])), "020100");
    assert_eq!(hex(&unsigned_integer(&[0xff, 0x00])), "020300ff00");
}

#[test]
fn oids_from_arcs() {
    let ec_public_key: Oid = "1.2.840.10045.2.1".parse().unwrap();
    assert_eq!(hex(&oid(&ec_public_key)), "06072a8648ce3d0201");
    assert_eq!(hex(&oid(&crate::oid::ED25519)), "06032b6570");
    assert_eq!(
        hex(&oid(&crate::oid::KP_DOCUMENT_SIGNING)),
        "06082b06010505070324"
    );
    assert_eq!(hex(&oid(&crate::oid::ML_DSA_65)), "0609608648016503040312");
    // 1.3.6.1.4.1.32473: an arc above 16383 spans three octets.
    let three_octets: Oid = "1.3.6.1.4.1.32473".parse().unwrap();
    assert_eq!(hex(&oid(&three_octets)), "06082b0601040181fd59");
    assert_eq!(
        crate::oid::KP_DOCUMENT_SIGNING.to_string(),
        "1.3.6.1.5.5.7.3.36"
    );
}

#[test]
fn invalid_oids_are_rejected() {
    for bad in ["1", "3.1", "1.40", "1..2", "1.2.x", ""] {
        assert!(bad.parse::<Oid>().is_err(), "{bad}");
    }
}

#[test]
fn lengths_use_minimal_long_form() {
    assert_eq!(hex(&octet_string(&[0xaa; 127])[..2]), "047f");
    assert_eq!(hex(&octet_string(&[0xaa; 128])[..3]), "048180");
    assert_eq!(hex(&octet_string(&[0xaa; 256])[..4]), "04820100");
    assert_eq!(hex(&octet_string(&[0xaa; 65_536])[..5]), "0483010000");
}

#[test]
fn strings_booleans_null() {
    assert_eq!(hex(&utf8_string("Ø")), "0c02c398");
    assert_eq!(hex(&printable_string("NO").unwrap()), "13024e4f");
    assert!(printable_string("Ø").is_err());
    assert!(printable_string("a@b").is_err());
    assert_eq!(hex(&boolean(true)), "0101ff");
    assert_eq!(hex(&boolean(false)), "010100");
    assert_eq!(hex(&null()), "0500");
}

#[test]
fn bit_strings_and_named_bits() {
    assert_eq!(hex(&bit_string(0, &[0x01, 0x02])), "0303000102");
    // keyCertSign (5) + cRLSign (6): 0000 0110, one unused bit.
    assert_eq!(hex(&named_bits(&[5, 6])), "03020106");
    // digitalSignature (0) alone: 1000 0000, seven unused bits.
    assert_eq!(hex(&named_bits(&[0])), "03020780");
    assert_eq!(hex(&named_bits(&[0, 1])), "030206c0");
    assert_eq!(hex(&named_bits(&[8])), "0303070080");
    assert_eq!(hex(&named_bits(&[])), "030100");
}

#[test]
fn sequences_sets_and_tags() {
    let one = integer_u64(1);
    let two = integer_u64(2);
    assert_eq!(hex(&sequence(&[&two, &one])), "3006020102020101");
    // SET OF sorts by encoding.
    assert_eq!(hex(&set_of(&[&two, &one])), "3106020101020102");
    assert_eq!(hex(&explicit(0, &two)), "a003020102");
    assert_eq!(hex(&explicit(3, &sequence(&[]))), "a3023000");
    assert_eq!(hex(&implicit(0, false, &[0x01, 0x02])), "80020102");
    assert_eq!(hex(&implicit(1, true, &one)), "a103020101");
}

#[test]
fn time_switches_to_generalized_in_2050() {
    // 2049-12-31T23:59:59Z
    assert_eq!(
        x509_time(2_524_607_999).unwrap(),
        tlv(tag::UTC_TIME, b"491231235959Z")
    );
    // 2050-01-01T00:00:00Z
    assert_eq!(
        x509_time(2_524_608_000).unwrap(),
        tlv(tag::GENERALIZED_TIME, b"20500101000000Z")
    );
    assert_eq!(
        hex(&x509_time(0).unwrap()),
        hex(&tlv(0x17, b"700101000000Z"))
    );
    // 1949 is before the UTCTime window too.
    assert_eq!(
        x509_time(-631_152_001).unwrap(),
        tlv(tag::GENERALIZED_TIME, b"19491231235959Z")
    );
    assert!(utc_time(2_524_608_000).is_err());
    assert_eq!(
        generalized_time(253_402_300_799).unwrap(),
        tlv(tag::GENERALIZED_TIME, b"99991231235959Z")
    );
    assert!(x509_time(253_402_300_800).is_err());
}

#[test]
fn reader_takes_back_what_the_writer_wrote() {
    let inner = octet_string(&[7; 300]);
    let outer = sequence(&[&integer_u64(128), &inner]);
    let mut r = Reader::new(&outer);
    let seq = r.expect(tag::SEQUENCE).unwrap();
    assert!(r.is_empty());
    let mut r = Reader::new(seq.content);
    let int = r.expect(tag::INTEGER).unwrap();
    assert_eq!(unsigned_integer_magnitude(int.content).unwrap(), &[0x80]);
    let os = r.expect(tag::OCTET_STRING).unwrap();
    assert_eq!(os.content, &[7; 300][..]);
    assert_eq!(os.whole, &inner[..]);
    assert!(r.is_empty());
}

#[test]
fn reader_rejects_bad_lengths() {
    for bad in [
        &[0x04, 0x81, 0x05, 0, 0, 0, 0, 0][..],
        &[0x04, 0x80],
        &[0x04, 0x03, 0],
        &[0x04],
    ] {
        assert!(Reader::new(bad).any().is_err(), "{bad:02x?}");
    }
    assert!(unsigned_integer_magnitude(&[0x00, 0x01]).is_err());
    assert!(unsigned_integer_magnitude(&[0x80]).is_err());
    assert!(unsigned_integer_magnitude(&[]).is_err());
}

//! Private keys in the forms key tools write, as PKCS #8.
//!
//! `openssl ecparam -genkey` writes an EC key in the SEC 1 form (`EC PRIVATE KEY`, RFC 5915),
//! often after an `EC PARAMETERS` block; older RSA tools write PKCS #1 (`RSA PRIVATE KEY`,
//! RFC 8017 Appendix A.1.2). Both hold the same key as a PKCS #8 `PrivateKeyInfo` (RFC 5208)
//! whose `privateKey` is that very structure, so a loader wraps them rather than refusing
//! them: the key material is not re-encoded.

use crate::der::{Reader, single, tag};
use crate::{Error, oid};

/// A DER TLV with a definite length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// `PrivateKeyInfo { version 0, algorithm, privateKey OCTET STRING }`.
fn private_key_info(algorithm: &[u8], private_key: &[u8]) -> Vec<u8> {
    let mut content = tlv(tag::INTEGER, &[0]);
    content.extend_from_slice(&tlv(tag::SEQUENCE, algorithm));
    content.extend_from_slice(&tlv(tag::OCTET_STRING, private_key));
    tlv(tag::SEQUENCE, &content)
}

/// Which structure a DER private key is, from its first two fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Pkcs8,
    Sec1,
    Pkcs1,
}

fn form_of(der: &[u8]) -> Option<Form> {
    let seq = single(der, tag::SEQUENCE).ok()?;
    let mut fields = Reader::new(seq.content);
    let version = fields.expect(tag::INTEGER).ok()?;
    match (fields.peek_tag()?, version.content) {
        (tag::SEQUENCE, [0] | [1]) => Some(Form::Pkcs8),
        (tag::OCTET_STRING, [1]) => Some(Form::Sec1),
        (tag::INTEGER, [0] | [1]) => Some(Form::Pkcs1),
        _ => None,
    }
}

/// SEC 1 `ECPrivateKey` to PKCS #8: the curve comes from its `[0] parameters`, which must be
/// a named curve (a key without them cannot say which curve it is on).
fn sec1(der: &[u8]) -> Result<Vec<u8>, Error> {
    let bad = |reason| Error::Encoding(reason);
    let seq = single(der, tag::SEQUENCE).map_err(|e| bad(e.reason))?;
    let mut fields = Reader::new(seq.content);
    fields.expect(tag::INTEGER).map_err(|e| bad(e.reason))?;
    fields
        .expect(tag::OCTET_STRING)
        .map_err(|e| bad(e.reason))?;
    let mut curve = None;
    while !fields.is_empty() {
        let field = fields.any().map_err(|e| bad(e.reason))?;
        if field.tag == 0xa0 {
            let named = single(field.content, tag::OID)
                .map_err(|_| bad("EC PRIVATE KEY: parameters are not a named curve"))?;
            curve = Some(named.whole.to_vec());
        }
    }
    let curve = curve.ok_or(bad(
        "EC PRIVATE KEY without its curve ([0] parameters): write it with `openssl pkcs8 -topk8 -nocrypt`",
    ))?;
    let mut algorithm = tlv(tag::OID, oid::EC_PUBLIC_KEY.as_bytes());
    algorithm.extend_from_slice(&curve);
    Ok(private_key_info(&algorithm, der))
}

/// PKCS #1 `RSAPrivateKey` to PKCS #8 under rsaEncryption with NULL parameters.
fn pkcs1(der: &[u8]) -> Vec<u8> {
    let mut algorithm = tlv(tag::OID, oid::RSA_ENCRYPTION.as_bytes());
    algorithm.extend_from_slice(&tlv(tag::NULL, &[]));
    private_key_info(&algorithm, der)
}

fn from_der(der: Vec<u8>) -> Result<Vec<u8>, Error> {
    match form_of(&der) {
        Some(Form::Pkcs8) => Ok(der),
        Some(Form::Sec1) => sec1(&der),
        Some(Form::Pkcs1) => Ok(pkcs1(&der)),
        None => Err(Error::Encoding(
            "not a private key: neither PKCS#8, SEC 1 (EC) nor PKCS#1 (RSA)",
        )),
    }
}

/// A private key as PKCS #8 DER, from PEM or DER in any of the forms key tools write:
/// PKCS #8 (`PRIVATE KEY`), SEC 1 (`EC PRIVATE KEY`) or PKCS #1 (`RSA PRIVATE KEY`). An
/// `EC PARAMETERS` block beside the key is skipped; the block's label and the structure must
/// agree. An encrypted key is refused: decrypt it first (`openssl pkcs8 -nocrypt`).
///
/// # Errors
///
/// [`Error::Encoding`] naming what is wrong.
pub fn private_key_pkcs8(input: &[u8]) -> Result<Vec<u8>, Error> {
    if !input.starts_with(b"-----BEGIN") {
        return from_der(input.to_vec());
    }
    let blocks: Vec<super::pem::LabelledBlock> = super::pem::blocks_with_labels(input)?
        .into_iter()
        .filter(|(label, _)| label.as_slice() != b"EC PARAMETERS")
        .collect();
    let [(label, der)] = <[super::pem::LabelledBlock; 1]>::try_from(blocks).map_err(|b| {
        Error::Encoding(if b.is_empty() {
            "no private key PEM block"
        } else {
            "more than one private key PEM block"
        })
    })?;
    let want = match label.as_slice() {
        b"PRIVATE KEY" => Form::Pkcs8,
        b"EC PRIVATE KEY" => Form::Sec1,
        b"RSA PRIVATE KEY" => Form::Pkcs1,
        b"ENCRYPTED PRIVATE KEY" => {
            return Err(Error::Encoding(
                "encrypted private keys are not read: decrypt it first (openssl pkcs8 -nocrypt)",
            ));
        }
        _ => return Err(Error::Encoding("PEM block has an unexpected label")),
    };
    if form_of(&der) != Some(want) {
        return Err(Error::Encoding(
            "PEM label does not match the key structure inside",
        ));
    }
    from_der(der)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn long_lengths_are_written_in_their_shortest_long_form() {
        assert_eq!(tlv(4, &[0; 5])[..2], [4, 5]);
        assert_eq!(tlv(4, &[0; 200])[..3], [4, 0x81, 200]);
        assert_eq!(tlv(4, &[0; 300])[..4], [4, 0x82, 1, 44]);
    }

    #[test]
    fn what_is_no_key_is_refused() {
        assert!(private_key_pkcs8(b"").is_err());
        assert!(private_key_pkcs8(&[0x30, 0x03, 0x02, 0x01, 0x05]).is_err());
        let pem = b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
        assert!(private_key_pkcs8(pem).is_err());
        let enc =
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let e = private_key_pkcs8(enc).unwrap_err().to_string();
        assert!(e.contains("encrypted"), "{e}");
    }

    #[test]
    fn a_sec1_key_without_its_curve_is_refused_by_name() {
        // ECPrivateKey { 1, OCTET STRING (32 bytes) } and nothing else.
        let mut content = tlv(tag::INTEGER, &[1]);
        content.extend_from_slice(&tlv(tag::OCTET_STRING, &[7; 32]));
        let e = private_key_pkcs8(&tlv(tag::SEQUENCE, &content)).unwrap_err();
        assert!(e.to_string().contains("curve"), "{e}");
    }
}

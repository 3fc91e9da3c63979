//! The recipients of an encrypted envelope: `COSE_Recipient`s of draft-ietf-cose-hpke-27 §3.3
//! in the body unprotected header (spec/10-encryption.md §10.4), their strict decoding within
//! limits, and the `Recipient_structure` that is each one's HPKE info.

use pouch_cbor::{Encoder, Kind, Reader};
use pouch_envelope::CONTENT_ALG_A256GCM_STREAM;

use crate::DecryptError;
use crate::keys::RecipientAlg;

/// The most recipients an envelope may carry (POUCH-ENC-033).
pub const MAX_RECIPIENTS: usize = 32;
/// The largest recipient protected header (POUCH-ENC-033).
pub const MAX_RECIPIENT_HEADER: usize = 256;
/// Bytes of a wrapped content key: 32 and a 16-byte tag.
pub const WRAPPED_KEY_LEN: usize = 48;
/// COSE header label of `ek` (draft-ietf-cose-hpke-27 §7.3.1).
pub const EK_LABEL: i64 = -4;

/// One recipient as carried.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recipient {
    /// The protected header bytes as carried.
    pub protected: Vec<u8>,
    /// The `alg` value as written.
    pub alg_id: i64,
    /// The algorithm, when this implementation knows it.
    pub alg: Option<RecipientAlg>,
    /// SHA-256 of the recipient's encryption certificate.
    pub kid: [u8; 32],
    /// The HPKE encapsulated key.
    pub ek: Vec<u8>,
    /// The wrapped content key.
    pub ciphertext: Vec<u8>,
}

fn bad(detail: impl Into<String>) -> DecryptError {
    DecryptError::new(pouch_status::DECRYPT_RECIPIENTS_MALFORMED, detail)
}

/// The protected header of a recipient: `{1: alg, 4: kid}`, deterministic.
pub(crate) fn protected_header(alg: RecipientAlg, kid: &[u8; 32]) -> Vec<u8> {
    let mut e = Encoder::new();
    e.map(2).u64(1).i64(alg.cose_id()).u64(4).bytes(kid);
    e.into_bytes()
}

/// The HPKE info: `Recipient_structure` (draft-ietf-cose-hpke-27 §3.3.1), with the envelope
/// identifier as `recipient_extra_info` (POUCH-ENC-030).
pub(crate) fn recipient_structure(protected: &[u8], envelope_id: &[u8; 16]) -> Vec<u8> {
    let mut e = Encoder::new();
    e.array(4)
        .text("HPKE Recipient")
        .i64(CONTENT_ALG_A256GCM_STREAM)
        .bytes(protected)
        .bytes(envelope_id);
    e.into_bytes()
}

/// Encodes recipients as the value of `"pouch-recipients"`.
pub fn encode(recipients: &[Recipient]) -> Vec<u8> {
    let mut e = Encoder::new();
    e.array(recipients.len() as u64);
    for r in recipients {
        e.array(3).bytes(&r.protected);
        e.map(1).i64(EK_LABEL).bytes(&r.ek);
        e.bytes(&r.ciphertext);
    }
    e.into_bytes()
}

/// Decodes the value of `"pouch-recipients"` strictly, within the limits of POUCH-ENC-033:
/// the count is checked before anything is allocated for it.
pub fn decode(bytes: &[u8]) -> Result<Vec<Recipient>, DecryptError> {
    let limits = pouch_cbor::Limits {
        max_bytes: bytes.len(),
        max_depth: 4,
        max_items: 1 + MAX_RECIPIENTS * 8,
    };
    let mut r = Reader::new(bytes, &limits).map_err(|e| bad(format!("recipients: {e}")))?;
    if r.peek_kind() != Some(Kind::Array) {
        return Err(bad("recipients must be an array"));
    }
    let n = r.array().map_err(|e| bad(format!("recipients: {e}")))?;
    if n == 0 || n > MAX_RECIPIENTS as u64 {
        return Err(bad(format!("{n} recipients; 1..={MAX_RECIPIENTS} allowed")));
    }
    let mut out = Vec::new();
    for i in 0..n {
        out.push(one(&mut r).map_err(|e| bad(format!("recipient {i}: {e}")))?);
    }
    if !r.is_at_end() {
        return Err(bad("bytes after the recipients"));
    }
    Ok(out)
}

fn one(r: &mut Reader<'_>) -> Result<Recipient, String> {
    if r.peek_kind() != Some(Kind::Array) || r.array().map_err(|e| e.to_string())? != 3 {
        return Err("a COSE_Recipient must be an array of three".into());
    }
    let protected = r.bytes().map_err(|e| format!("protected: {e}"))?;
    if protected.len() > MAX_RECIPIENT_HEADER {
        return Err(format!(
            "protected header of {} bytes; at most {MAX_RECIPIENT_HEADER}",
            protected.len()
        ));
    }
    let (alg_id, kid) = header(protected)?;
    if r.peek_kind() != Some(Kind::Map) || r.map().map_err(|e| e.to_string())? != 1 {
        return Err("the unprotected header must hold ek (-4) only".into());
    }
    if r.i64().map_err(|e| format!("unprotected: {e}"))? != EK_LABEL {
        return Err("the unprotected header must hold ek (-4) only".into());
    }
    let ek = r.bytes().map_err(|e| format!("ek: {e}"))?;
    let ciphertext = r.bytes().map_err(|e| format!("ciphertext: {e}"))?;
    let alg = RecipientAlg::from_cose_id(alg_id);
    if let Some(a) = alg
        && ek.len() != a.enc_len()
    {
        return Err(format!(
            "ek of {} bytes; {} encapsulates in {}",
            ek.len(),
            a.name(),
            a.enc_len()
        ));
    }
    if ciphertext.len() != WRAPPED_KEY_LEN {
        return Err(format!(
            "wrapped key of {} bytes, not {WRAPPED_KEY_LEN}",
            ciphertext.len()
        ));
    }
    Ok(Recipient {
        protected: protected.to_vec(),
        alg_id,
        alg,
        kid,
        ek: ek.to_vec(),
        ciphertext: ciphertext.to_vec(),
    })
}

/// Decodes a recipient protected header: exactly `{1: alg, 4: kid}`.
fn header(bytes: &[u8]) -> Result<(i64, [u8; 32]), String> {
    let limits = pouch_cbor::Limits {
        max_bytes: MAX_RECIPIENT_HEADER,
        max_depth: 2,
        max_items: 8,
    };
    let mut r = Reader::new(bytes, &limits).map_err(|e| format!("protected: {e}"))?;
    if r.peek_kind() != Some(Kind::Map) || r.map().map_err(|e| e.to_string())? != 2 {
        return Err("the protected header must hold alg (1) and kid (4) only".into());
    }
    if r.u64().ok() != Some(1) {
        return Err("the protected header must hold alg (1) first".into());
    }
    let alg = r.i64().map_err(|e| format!("alg: {e}"))?;
    if r.u64().ok() != Some(4) {
        return Err("the protected header must hold kid (4) after alg".into());
    }
    let kid = r.bytes().map_err(|e| format!("kid: {e}"))?;
    let kid =
        <[u8; 32]>::try_from(kid).map_err(|_| format!("kid of {} bytes, not 32", kid.len()))?;
    Ok((alg, kid))
}

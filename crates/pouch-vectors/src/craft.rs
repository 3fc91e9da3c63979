//! Making envelopes, honest and broken: sealing through `pouch-envelope`, and assembling by
//! hand when a vector must break exactly one rule.

use pouch::{Envelope, Limits, Payload, ReleaseApproval, Role, SealRequest};
use pouch_cbor::Encoder;
use pouch_label::{DateTime, Label};

use crate::Error;
use crate::fixture::{NOW, Signer, provider, time};

/// Options of one seal.
pub struct SealOpts<'a> {
    /// The signer.
    pub signer: &'a Signer,
    /// The role it states.
    pub role: Role,
    /// The signing time it states.
    pub signing_time: DateTime,
    /// An alternative label assertion.
    pub alternative: Option<Label>,
    /// A release approval assertion.
    pub release: Option<ReleaseApproval>,
}

impl<'a> SealOpts<'a> {
    /// An originator's seal at `t` without assertions.
    pub fn originator(signer: &'a Signer, t: DateTime) -> Self {
        SealOpts {
            signer,
            role: Role::Originator,
            signing_time: t,
            alternative: None,
            release: None,
        }
    }

    /// An endorser's seal at `t` without assertions.
    pub fn endorser(signer: &'a Signer, t: DateTime) -> Self {
        SealOpts {
            signer,
            role: Role::Endorser,
            signing_time: t,
            alternative: None,
            release: None,
        }
    }

    pub(crate) fn request(&self) -> SealRequest<'a> {
        SealRequest {
            key: self.signer.key.as_ref(),
            chain: self.signer.chain.clone(),
            role: self.role,
            signing_time: self.signing_time,
            alternative_label: self.alternative.clone(),
            release: self.release.clone(),
        }
    }
}

fn env_err(e: pouch::envelope::Error) -> Error {
    Error::Generate(format!("envelope: {e}"))
}

/// The 16-byte envelope identifier of a vector: the first half of SHA-256 over its id, so
/// each vector's envelope is distinct and reproducible.
pub fn envelope_id(vector_id: &str) -> Result<[u8; 16], Error> {
    let scheme = provider()
        .digest(pouch_crypto::DigestAlgorithm::Sha256)
        .ok_or(Error::Generate("no SHA-256".into()))?;
    let mut d = scheme.start();
    d.update(vector_id.as_bytes());
    let full = d.finish();
    let mut id = [0u8; 16];
    for (o, i) in id.iter_mut().zip(full) {
        *o = i;
    }
    Ok(id)
}

/// A new envelope with one seal over `payload`.
pub fn seal(
    vector_id: &str,
    label: &Label,
    payload: Payload<'_>,
    opts: &SealOpts<'_>,
    created: DateTime,
) -> Result<Vec<u8>, Error> {
    pouch::seal(
        provider(),
        label,
        payload,
        &opts.request(),
        Some(envelope_id(vector_id)?),
        Some(created),
    )
    .map_err(env_err)
}

/// An embedded-payload envelope with one seal, created at its signing time.
pub fn embedded(
    vector_id: &str,
    label: &Label,
    data: &[u8],
    opts: &SealOpts<'_>,
) -> Result<Vec<u8>, Error> {
    seal(
        vector_id,
        label,
        Payload::Embedded {
            data,
            content_type: Some(pouch::ContentType::Media("text/plain".into())),
        },
        opts,
        opts.signing_time,
    )
}

/// An embedded-payload envelope sealed by `signer` as originator at the vectors' time
/// ([`NOW`]), without assertions: the honest envelope most vectors are made from.
pub fn originator_embedded(
    vector_id: &str,
    label: &Label,
    data: &[u8],
    signer: &Signer,
) -> Result<Vec<u8>, Error> {
    embedded(
        vector_id,
        label,
        data,
        &SealOpts::originator(signer, time(NOW)?),
    )
}

/// `envelope` with one more seal.
pub fn endorse(envelope: &[u8], opts: &SealOpts<'_>) -> Result<Vec<u8>, Error> {
    pouch::endorse(envelope, &opts.request(), &Limits::default()).map_err(env_err)
}

/// `envelope` endorsed by `signer` at the vectors' time ([`NOW`]) with the alternative
/// label `alternative`, which only its own seal covers.
pub fn endorse_with_alternative(
    envelope: &[u8],
    signer: &Signer,
    alternative: Label,
) -> Result<Vec<u8>, Error> {
    let mut opts = SealOpts::endorser(signer, time(NOW)?);
    opts.alternative = Some(alternative);
    endorse(envelope, &opts)
}

/// An envelope taken apart: body protected bytes, payload, and each seal's protected
/// bytes and signature.
pub struct Parts {
    /// Body protected header bytes.
    pub body: Vec<u8>,
    /// Payload field.
    pub payload: Vec<u8>,
    /// (protected, signature) per seal.
    pub seals: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Parts {
    /// The first seal's protected header bytes and signature.
    pub fn first_seal(&self) -> Result<(Vec<u8>, Vec<u8>), Error> {
        self.seals
            .first()
            .cloned()
            .ok_or(Error::Generate("no seal".into()))
    }
}

/// The envelope of `p` with `body` as its body protected header and its first seal's
/// header signed again over it by `signer`: one seal, so only what `body` changed is wrong.
pub fn resigned_body(p: &Parts, signer: &Signer, body: &[u8]) -> Result<Vec<u8>, Error> {
    let (protected, _) = p.first_seal()?;
    one_seal(signer, body, &p.payload, protected)
}

/// The envelope of `body` and `payload` with one seal, whose protected header is
/// `protected` (written by hand), signed by `signer`.
pub fn one_seal(
    signer: &Signer,
    body: &[u8],
    payload: &[u8],
    protected: Vec<u8>,
) -> Result<Vec<u8>, Error> {
    let signature = sign(signer, body, &protected, payload)?;
    Ok(assemble(
        body,
        payload,
        &[RawSeal::new(protected, signature)],
    ))
}

/// Takes a well-formed envelope apart.
pub fn parts(envelope: &[u8]) -> Result<Parts, Error> {
    let env = Envelope::decode(envelope, &Limits::default())
        .map_err(|f| Error::Generate(format!("decode: {}: {}", f.code, f.detail)))?;
    Ok(Parts {
        body: env.body_protected_bytes().to_vec(),
        payload: env.payload().to_vec(),
        seals: env
            .seals()
            .iter()
            .map(|s| (s.protected_bytes().to_vec(), s.signature().to_vec()))
            .collect(),
    })
}

/// One seal to assemble: protected bytes, the unprotected map as raw CBOR, signature.
pub struct RawSeal {
    /// Protected header bytes.
    pub protected: Vec<u8>,
    /// The unprotected header, encoded (`a0` for the empty map).
    pub unprotected: Vec<u8>,
    /// Signature bytes.
    pub signature: Vec<u8>,
}

impl RawSeal {
    /// A seal with an empty unprotected header.
    pub fn new(protected: Vec<u8>, signature: Vec<u8>) -> Self {
        RawSeal {
            protected,
            unprotected: vec![0xa0],
            signature,
        }
    }
}

/// `98([body, {}, payload, [seals...]])`, deterministic framing.
pub fn assemble(body: &[u8], payload: &[u8], seals: &[RawSeal]) -> Vec<u8> {
    assemble_with_unprotected(body, &[0xa0], payload, seals)
}

/// [`assemble`] with `unprotected` (one encoded item, written as given) as the body's
/// unprotected header, which a valid envelope leaves empty.
pub fn assemble_with_unprotected(
    body: &[u8],
    unprotected: &[u8],
    payload: &[u8],
    seals: &[RawSeal],
) -> Vec<u8> {
    let seals: Vec<_> = seals
        .iter()
        .map(|s| {
            (
                s.protected.as_slice(),
                s.unprotected.as_slice(),
                s.signature.as_slice(),
            )
        })
        .collect();
    pouch_testkit::frame_cose_sign(body, unprotected, payload, &seals)
}

/// Signs a seal's protected header over `body` and `payload` as RFC 9052 §4.4 says.
pub fn sign(
    signer: &Signer,
    body: &[u8],
    protected: &[u8],
    payload: &[u8],
) -> Result<Vec<u8>, Error> {
    signer
        .key
        .sign(&pouch::sig_structure(body, protected, &[], payload))
        .map_err(|e| Error::Generate(format!("sign: {e}")))
}

/// A parameter label no Pouch verifier understands, for the unknown-critical vectors.
pub const UNKNOWN_PARAM: u64 = 999;

/// A seal protected header written by hand (spec/03-envelope.md §3.4), so a vector can
/// break one rule: `alg` left out, `x5chain` left out, or an extra critical parameter.
pub struct SealHeaderSpec<'a> {
    /// `alg` (1), if present.
    pub alg: Option<i64>,
    /// The chain for `x5chain` (33); `None` leaves it out.
    pub chain: Option<&'a [Vec<u8>]>,
    /// Adds parameter [`UNKNOWN_PARAM`] and lists it in `crit`.
    pub unknown_critical: bool,
    /// Signing time text.
    pub signing_time: &'a str,
}

impl<'a> SealHeaderSpec<'a> {
    /// An ES256 (`alg` -7) header with `chain` and nothing broken: the hand-written header
    /// the limit and key vectors start from.
    pub fn es256(chain: &'a [Vec<u8>], signing_time: &'a str) -> Self {
        SealHeaderSpec {
            alg: Some(-7),
            chain: Some(chain),
            unknown_critical: false,
            signing_time,
        }
    }

    /// The encoded header, keys in deterministic order: 1, 2, 33, 999, "pouch".
    pub fn encode(&self) -> Vec<u8> {
        let n = 2
            + u64::from(self.alg.is_some())
            + u64::from(self.chain.is_some())
            + u64::from(self.unknown_critical);
        let mut e = Encoder::new();
        e.map(n);
        if let Some(a) = self.alg {
            e.u64(1).i64(a);
        }
        e.u64(2)
            .array(1 + u64::from(self.unknown_critical))
            .text("pouch");
        if self.unknown_critical {
            e.u64(UNKNOWN_PARAM);
        }
        if let Some(chain) = self.chain {
            e.u64(33);
            if let [one] = chain {
                e.bytes(one);
            } else {
                e.array(chain.len() as u64);
                for c in chain {
                    e.bytes(c);
                }
            }
        }
        if self.unknown_critical {
            e.u64(UNKNOWN_PARAM).bool(true);
        }
        e.text("pouch")
            .map(2)
            .u64(1)
            .tag(0)
            .text(self.signing_time)
            .u64(2)
            .u64(1);
        e.into_bytes()
    }
}

/// `bytes` with the single occurrence of `needle` replaced by `with`.
pub fn replace_once(bytes: &[u8], needle: &[u8], with: &[u8]) -> Result<Vec<u8>, Error> {
    let hits: Vec<usize> = bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect();
    let [at] = hits.as_slice() else {
        return Err(Error::Generate(format!(
            "expected one occurrence of {needle:02x?}, found {}",
            hits.len()
        )));
    };
    let mut out = bytes.get(..*at).unwrap_or_default().to_vec();
    out.extend_from_slice(with);
    out.extend_from_slice(bytes.get(at + needle.len()..).unwrap_or_default());
    Ok(out)
}

/// The P-256 group order n, big-endian.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// `n - s` for a 32-byte big-endian `s < n`.
fn p256_negate(s: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(P256_N[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        out[i] = (d + 256 * borrow) as u8;
    }
    out
}

/// An ES256 signature `r || s` in its high-S form: `s` in the upper half of the group
/// order (the form some verifiers wrongly refuse; POUCH-ENV-071).
pub fn es256_high_s(signature: &[u8]) -> Result<Vec<u8>, Error> {
    let (r, s) = signature
        .split_at_checked(32)
        .ok_or(Error::Generate("short ES256 signature".into()))?;
    let s: [u8; 32] = s
        .try_into()
        .map_err(|_| Error::Generate("ES256 signature is not 64 bytes".into()))?;
    let neg = p256_negate(&s);
    // The larger of s and n - s is the high one; big-endian arrays compare as numbers.
    let high = if neg > s { neg } else { s };
    let mut out = r.to_vec();
    out.extend_from_slice(&high);
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn negation_is_an_involution_and_sums_to_the_order() {
        let mut s = [0u8; 32];
        s[31] = 1;
        let n1 = p256_negate(&s);
        let mut expected = P256_N;
        expected[31] -= 1;
        assert_eq!(n1, expected);
        assert_eq!(p256_negate(&n1), s);
    }

    #[test]
    fn replace_once_refuses_ambiguity() {
        assert!(replace_once(b"abab", b"ab", b"x").is_err());
        assert_eq!(replace_once(b"abc", b"b", b"xy").unwrap(), b"axyc");
    }
}

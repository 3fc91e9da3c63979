//! One COSE WG signature example: read from its JSON, decoded from `output.cbor` with `coset`
//! (a generic COSE parser, not Pouch's strict envelope decoder), its to-be-signed bytes
//! rebuilt with Pouch's code and its signatures verified through a Pouch provider.

use crate::keys::{spki, unhex};
use coset::TaggedCborSerializable;
use coset::iana::EnumI64;
use coset::{CborSerializable, CoseSign, CoseSign1, Header, RegisteredLabelWithPrivate};
use pouch_crypto::{Algorithm, CryptoProvider};
use serde_json::Value;

/// COSE_Sign (`input.sign`) or COSE_Sign1 (`input.sign0`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Sign,
    Sign1,
}

/// What the example's input says about one signer.
pub(crate) struct Signer {
    /// The `alg` the example means to use (protected, else unprotected, else `sign0.alg`).
    alg: String,
    key: Value,
    external_aad: Vec<u8>,
    /// `intermediates...ToBeSign_hex`.
    to_be_signed: Vec<u8>,
}

pub(crate) struct Example {
    /// The path under the examples folder, e.g. `sign1-tests/sign-fail-02.json`.
    pub(crate) file: String,
    pub(crate) kind: Kind,
    /// `"fail": true`: some step must reject it.
    pub(crate) fail: bool,
    /// The input asks for countersignatures (RFC 8152 labels 7 / 9), which are not checked.
    pub(crate) countersigned: bool,
    plaintext: Vec<u8>,
    signers: Vec<Signer>,
    cbor: Vec<u8>,
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

fn hex_at(v: &Value, path: &[&str]) -> Vec<u8> {
    let text = str_at(v, path).unwrap_or("");
    unhex(text).unwrap_or_else(|| panic!("{path:?} is not hex: {text:?}"))
}

fn alg_name(v: &Value) -> Option<String> {
    let alg = [&["protected", "alg"][..], &["unprotected", "alg"], &["alg"]]
        .iter()
        .find_map(|path| path.iter().try_fold(v, |v, k| v.get(k)))?;
    Some(match alg {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

impl Example {
    /// The example in `doc`, if it is a signature example.
    pub(crate) fn parse(file: String, doc: &Value) -> Option<Example> {
        let input = doc.get("input")?;
        let (kind, body) = match (input.get("sign"), input.get("sign0")) {
            (Some(body), _) => (Kind::Sign, body),
            (None, Some(body)) => (Kind::Sign1, body),
            (None, None) => return None,
        };
        let plaintext = match str_at(input, &["plaintext"]) {
            Some(text) => text.as_bytes().to_vec(),
            None => hex_at(input, &["plaintext_hex"]),
        };
        let intermediates = doc.get("intermediates").unwrap_or(&Value::Null);
        let signer = |input: &Value, inter: &Value| Signer {
            alg: alg_name(input).unwrap_or_else(|| panic!("{file}: a signer has no alg")),
            key: input.get("key").cloned().unwrap_or(Value::Null),
            external_aad: hex_at(input, &["external"]),
            to_be_signed: hex_at(inter, &["ToBeSign_hex"]),
        };
        let signers = match kind {
            Kind::Sign1 => vec![signer(body, intermediates)],
            Kind::Sign => {
                let inputs = body.get("signers").and_then(Value::as_array);
                let inters = intermediates.get("signers").and_then(Value::as_array);
                let (inputs, inters) = (inputs.expect("signers"), inters.expect("ToBeSigns"));
                assert_eq!(
                    inputs.len(),
                    inters.len(),
                    "{file}: signers vs intermediates"
                );
                inputs
                    .iter()
                    .zip(inters)
                    .map(|(i, t)| signer(i, t))
                    .collect()
            }
        };
        let mut parts = vec![body];
        parts.extend(
            body.get("signers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        let countersigned = parts
            .iter()
            .any(|p| p.get("countersign").is_some() || p.get("countersign0").is_some());
        let cbor = hex_at(doc, &["output", "cbor"]);
        assert!(!cbor.is_empty(), "{file}: no output.cbor");
        Some(Example {
            kind,
            fail: doc.get("fail").and_then(Value::as_bool).unwrap_or(false),
            countersigned,
            plaintext,
            signers,
            cbor,
            file,
        })
    }

    /// Why Pouch does not take part in this example, if it does not: a signer's algorithm
    /// (as the example's input names it) is not in the Pouch registry.
    pub(crate) fn skip_reason(&self) -> Option<String> {
        self.signers.iter().find_map(|s| match intended(&s.alg) {
            None => Some(format!("{} is not a Pouch algorithm", s.alg)),
            Some(Algorithm::EdDsa) if str_at(&s.key, &["crv"]) != Some("Ed25519") => Some(format!(
                "EdDSA with {}: Pouch's EdDSA is Ed25519 only",
                str_at(&s.key, &["crv"]).unwrap_or("?")
            )),
            Some(_) => None,
        })
    }

    /// Decodes, rebuilds each Sig_structure and verifies each signature with `provider`;
    /// `Err` names the first step that rejected the example.
    pub(crate) fn run(&self, provider: &CryptoProvider) -> Result<(), String> {
        let message = decode(self.kind, &self.cbor)?;
        if message.signatures.len() != self.signers.len() {
            return Err(format!(
                "message has {} signatures, the input {} signers",
                message.signatures.len(),
                self.signers.len()
            ));
        }
        let payload = message.payload.as_deref().unwrap_or(&self.plaintext);
        for (i, (sig, signer)) in message.signatures.iter().zip(&self.signers).enumerate() {
            let alg = sig
                .alg
                .and_then(cose_wg_alg)
                .ok_or_else(|| format!("signer {i}: message alg {:?} not registered", sig.alg))?;
            let aad = &signer.external_aad;
            let tbs = match self.kind {
                Kind::Sign => {
                    pouch_envelope::sig_structure(&message.protected, &sig.protected, aad, payload)
                }
                Kind::Sign1 => sig1_structure(&sig.protected, aad, payload),
            };
            if tbs != signer.to_be_signed {
                return Err(format!(
                    "signer {i}: Sig_structure differs from ToBeSign_hex"
                ));
            }
            let spki = spki(&signer.key).map_err(|e| format!("signer {i}: key: {e}"))?;
            let scheme = provider
                .signature(alg)
                .ok_or_else(|| format!("signer {i}: provider has no {alg}"))?;
            scheme
                .verify(&spki, &tbs, &sig.signature)
                .map_err(|e| format!("signer {i}: verify: {e}"))?;
        }
        Ok(())
    }
}

/// The algorithm an example's input names (JOSE-style names; RFC 8230 calls PS256
/// `RSA-PSS-256` in these files).
/// The Pouch algorithm of a message's `alg`. The examples predate RFC 9864 and sign Ed25519
/// under the polymorphic EdDSA (-8), which the Pouch registry does not list: the signature
/// scheme is the same as Pouch's Ed25519 (-19), so the COSE layer is checked with it.
fn cose_wg_alg(id: i64) -> Option<Algorithm> {
    match id {
        -8 => Some(Algorithm::EdDsa),
        _ => Algorithm::from_cose_id(id),
    }
}

fn intended(name: &str) -> Option<Algorithm> {
    match name {
        "RSA-PSS-256" => Some(Algorithm::Ps256),
        _ => Algorithm::from_name(name).or_else(|| name.parse().ok().and_then(cose_wg_alg)),
    }
}

/// `["Signature1", protected, external_aad, payload]` (RFC 9052 §4.4). Pouch seals are
/// COSE_Signatures and so Pouch has no Sign1 function: this is built here with Pouch's CBOR
/// encoder, the same way `pouch_envelope::sig_structure` builds the COSE_Sign form.
fn sig1_structure(protected: &[u8], external_aad: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut e = pouch_cbor::Encoder::new();
    e.array(4)
        .text("Signature1")
        .bytes(protected)
        .bytes(external_aad)
        .bytes(payload);
    e.into_bytes()
}

struct DecodedSignature {
    /// The protected header exactly as the bstr carried it.
    protected: Vec<u8>,
    alg: Option<i64>,
    signature: Vec<u8>,
}

struct Decoded {
    /// The body's protected header bytes (COSE_Sign only; empty for COSE_Sign1).
    protected: Vec<u8>,
    payload: Option<Vec<u8>>,
    signatures: Vec<DecodedSignature>,
}

/// The header's `alg` as an integer (protected first); `None` if absent or text.
fn alg_of(protected: &Header, unprotected: &Header) -> Option<i64> {
    match protected.alg.as_ref().or(unprotected.alg.as_ref())? {
        RegisteredLabelWithPrivate::Assigned(a) => Some(a.to_i64()),
        RegisteredLabelWithPrivate::PrivateUse(i) => Some(*i),
        RegisteredLabelWithPrivate::Text(_) => None,
    }
}

/// Decodes a COSE message, `tagged` with its kind's tag or not.
fn from_slice<T: CborSerializable + TaggedCborSerializable>(
    cbor: &[u8],
    tagged: bool,
) -> coset::Result<T> {
    if tagged {
        T::from_tagged_slice(cbor)
    } else {
        T::from_slice(cbor)
    }
}

/// Decodes `cbor` as the message kind, tagged with that kind's tag or untagged (RFC 9052 §2
/// leaves the tag to the application); any other tag is an error.
fn decode(kind: Kind, cbor: &[u8]) -> Result<Decoded, String> {
    let tagged = cbor.first().is_some_and(|b| b >> 5 == 6);
    let err = |e: coset::CoseError| format!("decode: {e}");
    match kind {
        Kind::Sign => {
            let m: CoseSign = from_slice(cbor, tagged).map_err(err)?;
            let signatures = m
                .signatures
                .into_iter()
                .map(|s| DecodedSignature {
                    alg: alg_of(&s.protected.header, &s.unprotected),
                    protected: s.protected.original_data.unwrap_or_default(),
                    signature: s.signature,
                })
                .collect();
            Ok(Decoded {
                protected: m.protected.original_data.unwrap_or_default(),
                payload: m.payload,
                signatures,
            })
        }
        Kind::Sign1 => {
            let m: CoseSign1 = from_slice(cbor, tagged).map_err(err)?;
            Ok(Decoded {
                protected: Vec::new(),
                payload: m.payload,
                signatures: vec![DecodedSignature {
                    alg: alg_of(&m.protected.header, &m.unprotected),
                    protected: m.protected.original_data.unwrap_or_default(),
                    signature: m.signature,
                }],
            })
        }
    }
}

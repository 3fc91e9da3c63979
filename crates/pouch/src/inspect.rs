//! What an envelope says, without judging it: the one description that `pouch inspect`,
//! pouch-api and the bindings print.

use serde_json::{Value, json};

use pouch_crypto::Algorithm;
use pouch_envelope::{Content, Envelope, cert_names, leaf_info};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One certificate of a seal's chain: subject, issuer and validity, or why it does not parse
/// (the trust stage, not this description, says whether the chain is any good).
fn chain_entry(der: &[u8]) -> Value {
    match cert_names(der) {
        Ok(n) => json!({
            "subject": n.subject,
            "issuer": n.issuer,
            "notBefore": n.not_before,
            "notAfter": n.not_after,
        }),
        Err(fault) => json!({ "fault": fault }),
    }
}

/// The envelope's content member: embedded with its length, or detached with its digest.
fn content(env: &Envelope) -> Value {
    match &env.header().content {
        Content::Embedded { content_type } => json!({
            "payload": "embedded",
            "bytes": env.payload().len(),
            "contentType": content_type.as_ref().map(ToString::to_string),
        }),
        Content::Detached {
            digest,
            content_type,
            location,
        } => json!({
            "payload": "detached",
            "digestAlgorithm": digest.name(),
            "digest": hex(env.payload()),
            "contentType": content_type.as_ref().map(ToString::to_string),
            "location": location,
        }),
    }
}

/// Describes a decoded envelope as JSON: format version, envelope id, creation time, content,
/// label (its JSON form) and marking, each seal's header with its chain's names, and for an
/// encrypted envelope its encryption header and recipients (marked as covered by no seal). A
/// seal whose header does not decode is shown with its fault's code. Nothing here is verified.
pub fn inspect(env: &Envelope) -> Value {
    let h = env.header();
    let seals: Vec<Value> = env
        .seals()
        .iter()
        .enumerate()
        .map(|(i, s)| match s.header() {
            Ok(sh) => json!({
                "index": i,
                "algorithm": Algorithm::from_cose_id(sh.alg)
                    .map_or_else(|| sh.alg.to_string(), |a| a.name().to_owned()),
                "role": sh.role.name(),
                "signingTime": sh.signing_time.to_string(),
                "signer": sh.chain.first().and_then(|c| leaf_info(c).ok()).map(|l| l.subject),
                "certificates": sh.chain.len(),
                "chain": sh.chain.iter().map(|c| chain_entry(c)).collect::<Vec<_>>(),
                "alternativeLabel": sh.alternative_label.as_ref().map(|l| l.marking()),
                "releaseTo": sh.release.as_ref().map(|r| r.recipients.clone()),
            }),
            Err(f) => json!({"index": i, "fault": f.code.id(), "detail": f.detail}),
        })
        .collect();
    // Encryption (spec/10-encryption.md): the sealed header, and the recipients, which no
    // seal covers (POUCH-SEC-005 forbids presenting them as the originator's).
    let encryption = h.encryption.as_ref().map(|e| {
        let recipients = crate::encryption::recipients_of(env).map(|list| {
            list.iter()
                .map(|r| {
                    json!({
                        "algorithm": r.alg.map_or_else(|| r.alg_id.to_string(), |a| a.name().to_owned()),
                        "kid": hex(&r.kid),
                    })
                })
                .collect::<Vec<_>>()
        });
        json!({
            "chunkSize": e.chunk_size,
            "forcedRelease": e.forced,
            "recipientsNotSealed": match recipients {
                Ok(r) => json!(r),
                Err(err) => json!({ "fault": err.to_string() }),
            },
        })
    });
    // The label's JSON form is produced by its own encoder, which always writes valid JSON.
    let label = serde_json::from_str::<Value>(&h.label.to_json()).unwrap_or(Value::Null);
    json!({
        "formatVersion": h.version,
        "envelopeId": hex(&h.id),
        "created": h.created.to_string(),
        "content": content(env),
        "label": label,
        "marking": h.label.marking(),
        "seals": seals,
        "encryption": encryption,
    })
}

//! Encrypted envelopes (spec/10-encryption.md): opened by each recipient algorithm, verified
//! by a gateway without any key, and broken one way at a time for the decrypt stage; and the
//! verifier options of the adapter protocol (spec/07-conformance.md §7.2).
//!
//! Every envelope is encrypted with a seeded random source (content key, HPKE ephemeral
//! keys) and sealed with the deterministic provider, so it regenerates byte for byte. The
//! faults the seals cannot see (the recipients are outside them) are made by rewriting the
//! recipients; the faults a malicious originator could seal (a corrupted or cut ciphertext)
//! are sealed after corrupting.

use pouch::encryption::{
    EncryptRequest, Plaintext, PrivateKey, RecipientAlg, RecipientKey, SeededRng, cert,
    derive_keypair, recipients,
};
use pouch::envelope::{CONTENT_ALG_A256GCM_STREAM, ContentType};
use pouch::{Envelope, EnvelopeHeader, Limits};
use pouch_cbor::Encoder;
use pouch_crypto::{Algorithm, DigestAlgorithm};
use pouch_label::{Label, Limits as LabelLimits};
use pouch_status::{self as s, StatusCode};
use pouch_testkit::{Profile, Validity};

use super::{COALITION_SPIF, Case, OpenCase, ids, report, trusted, valid_with_trust};
use crate::Error;
use crate::craft::{self, SealOpts};
use crate::fixture::{Fixture, NOW, SEED, Signer, provider, time};

const DAY: i64 = 86_400;
/// The chunk size of every encrypted vector: the smallest allowed, so that a record of a
/// few kilobytes has several chunks.
const CHUNK: u32 = pouch::envelope::MIN_CHUNK_SIZE;
/// Bytes of one chunk's ciphertext record: the chunk and its tag.
const RECORD_LEN: usize = CHUNK as usize + 16;

/// The shared folder of the openers' keys and certificates, relative to the manifest.
const KEYS: &str = "pki/encryption";

/// A nation that opens: its recipient algorithm, key, certificate chain and files.
struct Opener {
    nation: &'static str,
    alg: RecipientAlg,
    key: PrivateKey,
    chain: Vec<Vec<u8>>,
    recipient: RecipientKey,
    key_file: String,
    cert_file: String,
}

impl Opener {
    fn open_case(&self, plaintext: Option<Vec<u8>>) -> OpenCase {
        OpenCase {
            key: self.key_file.clone(),
            cert: self.cert_file.clone(),
            kem: self.alg.name(),
            plaintext,
        }
    }
}

fn enc_err(e: impl core::fmt::Display) -> Error {
    Error::Generate(format!("encryption: {e}"))
}

/// Denmark with X-Wing, the Netherlands with DHKEM(P-384), Norway with ML-KEM-1024: one
/// encryption certificate each from its nation's intermediate CA, keys derived from seeds.
fn openers(fx: &Fixture) -> Result<Vec<Opener>, Error> {
    let p = provider();
    let mut out = Vec::new();
    for (nation, alg) in [
        ("DNK", RecipientAlg::XWing),
        ("NLD", RecipientAlg::P384),
        ("NOR", RecipientAlg::MlKem1024),
    ] {
        let n = fx
            .pki
            .coalition
            .nation(nation)
            .ok_or(Error::Generate(format!("no nation {nation}")))?;
        let (key, public) = derive_keypair(
            alg,
            format!("{SEED}/vectors/{nation}/encryption/{}", alg.name()).as_bytes(),
        );
        let certificate = n
            .issue_encryption(
                p,
                cert::spki_der(&public).map_err(enc_err)?,
                alg.name(),
                Validity::new(NOW - 3600, NOW + 730 * DAY).map_err(enc_err)?,
                Profile::Encryption {
                    key_agreement: alg == RecipientAlg::P384,
                },
            )
            .map_err(enc_err)?;
        let chain = vec![
            certificate.der().to_vec(),
            n.intermediate.certificate.der().to_vec(),
        ];
        out.push(Opener {
            nation,
            alg,
            recipient: RecipientKey {
                nation: nation.to_owned(),
                certificate: certificate.der().to_vec(),
                public_key: public,
            },
            key,
            chain,
            key_file: format!("{KEYS}/{nation}-{}.key.pem", alg.name()),
            cert_file: format!("{KEYS}/{nation}-{}.pem", alg.name()),
        });
    }
    Ok(out)
}

/// The openers' key and certificate files (PKCS #8 PEM; the chain as PEM, leaf first).
fn opener_files(openers: &[Opener]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut files = Vec::new();
    for o in openers {
        let pkcs8 = cert::private_key_pkcs8(&o.key).map_err(enc_err)?;
        files.push((
            o.key_file.clone(),
            pouch_trust::pem::private_key_pem(&pkcs8).into_bytes(),
        ));
        let pem: String = o
            .chain
            .iter()
            .map(|c| pouch_trust::pem::encode("CERTIFICATE", c))
            .collect();
        files.push((o.cert_file.clone(), pem.into_bytes()));
    }
    Ok(files)
}

/// A POUCH-DEMO SECRET label releasable to `values` (the coalition SPIF's Releasable To).
fn label(values: &[&str]) -> Result<Label, Error> {
    let values: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    let json = format!(
        r#"{{"confidentialityInformation":{{"policyIdentifier":"POUCH-DEMO","classification":"SECRET",
        "categories":[{{"tagName":"Releasable To","type":"PERMISSIVE","values":[{}]}}]}},
        "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}}"#,
        values.join(",")
    );
    Label::from_json(json.as_bytes(), &LabelLimits::default())
        .map_err(|e| Error::Generate(format!("label: {e}")))
}

/// The record of the encrypted vectors: 10,000 bytes of numbered lines, three chunks.
fn plaintext() -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < 10_000 {
        out.extend_from_slice(
            format!(
                "Pouch encrypted vector record, line {i:04}: for the addressed nations only.\n"
            )
            .as_bytes(),
        );
        i += 1;
    }
    out.truncate(10_000);
    out
}

/// Encrypts `record` to `to` (forcing `forced`) and seals it with Norway's ES384 signer:
/// the envelope, and the detached ciphertext when `detached`.
fn encrypt(
    fx: &Fixture,
    vector_id: &str,
    label: &Label,
    record: &[u8],
    to: &[&Opener],
    forced: &[&str],
    detached: bool,
) -> Result<(Vec<u8>, Option<Vec<u8>>), Error> {
    let nor = fx.signer("NOR", Algorithm::Es384)?;
    let opts = SealOpts::originator(&nor, time(NOW)?);
    let keys: Vec<RecipientKey> = to.iter().map(|o| o.recipient.clone()).collect();
    let request = EncryptRequest {
        label,
        recipients: &keys,
        forced: forced.iter().map(|f| (*f).to_owned()).collect(),
        chunk_size: CHUNK,
        id: Some(craft::envelope_id(vector_id)?),
        created: Some(time(NOW)?),
    };
    let mut rng = SeededRng::new(format!("{SEED}/vectors/{vector_id}/encryption").as_bytes());
    let mut data: &[u8] = record;
    let content_type = Some(ContentType::Media("text/plain".into()));
    let mut ciphertext = Vec::new();
    let plain = if detached {
        Plaintext::Detached {
            data: &mut data,
            ciphertext: &mut ciphertext,
            digest: DigestAlgorithm::Sha256,
            content_type,
            location: None,
        }
    } else {
        Plaintext::Embedded {
            data: &mut data,
            content_type,
        }
    };
    let envelope =
        pouch::encryption::seal_encrypted(provider(), &request, plain, &opts.request(), &mut rng)
            .map_err(enc_err)?;
    Ok((envelope, detached.then_some(ciphertext)))
}

/// `envelope` with its ciphertext replaced by `change(ciphertext)` and sealed again by
/// Norway: what a malicious originator can make (the seal covers the changed bytes).
fn resealed(
    fx: &Fixture,
    envelope: &[u8],
    change: impl FnOnce(&mut Vec<u8>),
) -> Result<Vec<u8>, Error> {
    resealed_with(fx, envelope, |_, payload| change(payload))
}

/// `envelope` with its body header and payload field changed by `change` and sealed again
/// by Norway, its recipients kept.
fn resealed_with(
    fx: &Fixture,
    envelope: &[u8],
    change: impl FnOnce(&mut EnvelopeHeader, &mut Vec<u8>),
) -> Result<Vec<u8>, Error> {
    let env = decode(envelope)?;
    let mut header = env.header().clone();
    let mut payload = env.payload().to_vec();
    change(&mut header, &mut payload);
    let nor = fx.signer("NOR", Algorithm::Es384)?;
    let opts = SealOpts::originator(&nor, time(NOW)?);
    pouch::envelope::seal_prepared(&header, &payload, env.recipients_bytes(), &opts.request())
        .map_err(enc_err)
}

fn decode(envelope: &[u8]) -> Result<Envelope, Error> {
    Envelope::decode(envelope, &Limits::default())
        .map_err(|f| Error::Generate(format!("decode: {}: {}", f.code, f.detail)))
}

/// `envelope` with its recipients rewritten by `change` (no sealed byte changes).
fn with_recipients(
    envelope: &[u8],
    change: impl FnOnce(&mut Vec<recipients::Recipient>, &[u8; 16]) -> Result<(), Error>,
) -> Result<Vec<u8>, Error> {
    let env = decode(envelope)?;
    let mut list = env
        .recipients_bytes()
        .map(recipients::decode)
        .transpose()
        .map_err(enc_err)?
        .ok_or(Error::Generate("no recipients".into()))?;
    change(&mut list, &env.header().id)?;
    Ok(env.to_bytes_with_recipients(&recipients::encode(&list)))
}

/// The report of an envelope sealed by Norway, verified with the coalition SPIF and
/// released to a nation the label names.
fn permitted() -> super::Expected {
    let mut e = report(vec![trusted()], s::SEAL_POLICY_SATISFIED);
    e.policy = vec![crate::manifest::LabelExpect {
        label: "originator".into(),
        policy: Some("POUCH-DEMO".into()),
        codes: ids(&[s::POLICY_LABEL_VALID]),
    }];
    e.release = Some(crate::manifest::ReleaseExpect {
        label: Some("originator".into()),
        codes: ids(&[s::RELEASE_PERMITTED]),
    });
    e
}

/// A case verified with the coalition SPIF, released to `recipient`.
fn gateway_case(
    cid: &'static str,
    title: &'static str,
    description: &'static str,
    requirements: &'static [&'static str],
    recipient: &'static str,
) -> Case {
    let mut c = Case::es384(cid, title, description, requirements);
    c.policies = vec![COALITION_SPIF];
    c.recipient = Some(recipient);
    c
}

/// An `open` case of `envelope` by `opener`, whose decrypt stage is `decrypt`.
#[allow(clippy::too_many_arguments)]
fn open_case(
    cid: &'static str,
    title: &'static str,
    description: &'static str,
    requirements: &'static [&'static str],
    opener: &Opener,
    envelope: Vec<u8>,
    decrypt: &[StatusCode],
    plaintext: Option<Vec<u8>>,
) -> Case {
    let mut c = Case::es384(cid, title, description, requirements);
    c.envelope = envelope;
    c.policies = vec![COALITION_SPIF];
    c.open = Some(opener.open_case(plaintext));
    c.expect = permitted();
    c.expect.decrypt = Some(ids(decrypt));
    c
}

fn find<'a>(openers: &'a [Opener], nation: &str) -> Result<&'a Opener, Error> {
    openers
        .iter()
        .find(|o| o.nation == nation)
        .ok_or(Error::Generate(format!("no opener {nation}")))
}

/// Flips the low bit of the byte at `at` (from the end when negative).
fn flip(bytes: &mut [u8], at: isize) {
    let i = if at < 0 {
        bytes.len().checked_sub(at.unsigned_abs())
    } else {
        Some(at.unsigned_abs())
    };
    if let Some(b) = i.and_then(|i| bytes.get_mut(i)) {
        *b ^= 0x01;
    }
}

pub(crate) fn cases(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let openers = openers(fx)?;
    let record = plaintext();
    let everyone = label(&["DNK", "NLD", "NOR"])?;
    let mut out = Vec::new();

    // Per recipient algorithm: embedded and detached, opened; then the same envelopes
    // verified by a gateway that holds no key.
    type PerKem = [(&'static str, &'static str, &'static str, &'static str, bool); 6];
    let rows: PerKem = [
        (
            "enc-xwing-embedded",
            "enc-xwing-embedded-open",
            "Encrypted to Denmark (X-Wing), embedded",
            "DNK",
            false,
        ),
        (
            "enc-xwing-detached",
            "enc-xwing-detached-open",
            "Encrypted to Denmark (X-Wing), detached",
            "DNK",
            true,
        ),
        (
            "enc-p384-embedded",
            "enc-p384-embedded-open",
            "Encrypted to the Netherlands (DHKEM P-384), embedded",
            "NLD",
            false,
        ),
        (
            "enc-p384-detached",
            "enc-p384-detached-open",
            "Encrypted to the Netherlands (DHKEM P-384), detached",
            "NLD",
            true,
        ),
        (
            "enc-mlkem1024-embedded",
            "enc-mlkem1024-embedded-open",
            "Encrypted to Norway (ML-KEM-1024), embedded",
            "NOR",
            false,
        ),
        (
            "enc-mlkem1024-detached",
            "enc-mlkem1024-detached-open",
            "Encrypted to Norway (ML-KEM-1024), detached",
            "NOR",
            true,
        ),
    ];
    let mut files = opener_files(&openers)?;
    for (verify_id, open_id, title, nation, detached) in rows {
        let o = find(&openers, nation)?;
        let (envelope, ciphertext) =
            encrypt(fx, verify_id, &everyone, &record, &[o], &[], detached)?;
        let mut payload = Vec::new();
        if detached {
            payload = ids(&[s::PAYLOAD_DIGEST_MATCH]);
        }
        let reqs: &'static [&'static str] = if detached {
            &[
                "POUCH-ENC-001",
                "POUCH-ENC-002",
                "POUCH-ENC-010",
                "POUCH-ENC-011",
                "POUCH-ENC-070",
                "POUCH-ENV-040",
            ]
        } else {
            &[
                "POUCH-ENC-001",
                "POUCH-ENC-002",
                "POUCH-ENC-010",
                "POUCH-ENC-011",
                "POUCH-ENC-070",
            ]
        };
        // The gateway's view: no key, release decided on the label in clear.
        let mut g = gateway_case(
            verify_id,
            title,
            "Norway seals a POUCH-DEMO SECRET record releasable to DNK, NLD and NOR, encrypted to one nation (chunk size 4096, three chunks). Verified with the coalition SPIF and that nation as recipient, without any key: the seal covers the encryption header and the ciphertext, so the envelope is valid, the signer trusted, the label valid and release permitted; the recipients, outside the seals, change nothing.",
            reqs,
            nation,
        );
        g.envelope = envelope.clone();
        g.detached = detached;
        g.record = ciphertext.clone();
        g.expect = permitted();
        g.expect.payload = payload.clone();
        out.push(g);
        // The recipient's view: verified, released to its nation, decrypted.
        let mut c = open_case(
            open_id,
            title,
            "The envelope of the vector without `-open`, opened by the nation it is encrypted to with its encryption key and certificate: its nation is found from the certificate under the bundle, release to it is permitted, the recipient addressed to its certificate unwraps the content key, the key matches the sealed commitment and every chunk authenticates: `decrypt.plaintext-authentic`, and the plaintext is the record.",
            &[
                "POUCH-ENC-020",
                "POUCH-ENC-021",
                "POUCH-ENC-022",
                "POUCH-ENC-030",
                "POUCH-ENC-031",
                "POUCH-ENC-032",
                "POUCH-ENC-042",
                "POUCH-ENC-070",
                "POUCH-CNF-015",
                "POUCH-CNF-016",
            ],
            o,
            envelope,
            &[s::DECRYPT_PLAINTEXT_AUTHENTIC],
            Some(record.clone()),
        );
        c.detached = detached;
        c.record = ciphertext;
        c.expect.payload = payload;
        // The openers' keys and certificates travel with the first vector that uses them.
        c.extra_files = std::mem::take(&mut files);
        out.push(c);
    }

    let dnk = find(&openers, "DNK")?;
    let nld = find(&openers, "NLD")?;
    let nor = find(&openers, "NOR")?;

    // Release to the opener's nation denied: the Netherlands was forced at sealing.
    let cid = "enc-open-release-denied";
    let (envelope, _) = encrypt(
        fx,
        cid,
        &label(&["DNK", "NOR"])?,
        &record,
        &[dnk, nld],
        &["NLD"],
        false,
    )?;
    let mut c = open_case(
        cid,
        "Opened by a nation release to which is denied",
        "Norway seals a record releasable to DNK and NOR, encrypted to Denmark and, forced (listed in the encryption header's field 4), to the Netherlands. The Netherlands opens it: verification passes, release to NLD is denied (`release.not-releasable-to`), so decryption is not attempted although a recipient is addressed to its key: `decrypt` empty, exit release-denied, no plaintext.",
        &["POUCH-ENC-012", "POUCH-ENC-070", "POUCH-CNF-015"],
        nld,
        envelope,
        &[],
        None,
    );
    c.expect.release = Some(crate::manifest::ReleaseExpect {
        label: Some("originator".into()),
        codes: ids(&[s::RELEASE_NOT_RELEASABLE_TO, s::RELEASE_DENIED]),
    });
    out.push(c);

    // The faults below start from one envelope encrypted to Denmark and the Netherlands.
    let base = |cid: &str| encrypt(fx, cid, &everyone, &record, &[dnk, nld], &[], false);

    let cid = "enc-open-no-recipient";
    let c = open_case(
        cid,
        "Opened by a nation no recipient addresses",
        "Encrypted to Denmark and the Netherlands; Norway, to whom release is permitted, opens it with its ML-KEM-1024 key: no recipient's kid is the digest of Norway's certificate: `decrypt.no-recipient`.",
        &["POUCH-ENC-030", "POUCH-ENC-070"],
        nor,
        base(cid)?.0,
        &[s::DECRYPT_NO_RECIPIENT],
        None,
    );
    out.push(c);

    // Recipients rewritten, the seals untouched: (id, title, description, requirements,
    // opener, its decrypt code, the rewrite, the CDDL's verdict when not the default).
    type RecipientFault<'a> = (
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
        &'a Opener,
        StatusCode,
        fn(&mut Vec<recipients::Recipient>),
        Option<Option<&'static str>>,
    );
    let recipient_faults: [RecipientFault<'_>; 4] = [
        (
            "enc-open-ek-changed",
            "A changed encapsulated key",
            "Encrypted to Denmark and the Netherlands; one bit of the last byte of Denmark's `ek` (X-Wing) is flipped. The recipients are outside the seals, so verification passes; Denmark's HPKE Open fails: `decrypt.unwrap-failed`.",
            &["POUCH-ENC-002", "POUCH-ENC-030", "POUCH-ENC-070"],
            dnk,
            s::DECRYPT_UNWRAP_FAILED,
            |list| {
                if let Some(r) = list.first_mut() {
                    flip(&mut r.ek, -1);
                }
            },
            None,
        ),
        (
            "enc-open-wrapped-key-changed",
            "A changed wrapped content key",
            "Encrypted to Denmark and the Netherlands; one bit of the first byte of the Netherlands' recipient ciphertext (the wrapped content key) is flipped. Verification passes; the Netherlands' HPKE Open (DHKEM P-384) fails its AEAD tag: `decrypt.unwrap-failed`.",
            &["POUCH-ENC-002", "POUCH-ENC-030", "POUCH-ENC-070"],
            nld,
            s::DECRYPT_UNWRAP_FAILED,
            |list| {
                if let Some(r) = list.get_mut(1) {
                    flip(&mut r.ciphertext, 0);
                }
            },
            None,
        ),
        (
            "enc-open-recipients-malformed",
            "An encapsulated key of the wrong length",
            "Encrypted to Denmark and the Netherlands; the last byte of Denmark's X-Wing `ek` is removed (1119 bytes, not 1120). The recipients decode as CBOR, and the seals do not cover them, so verification passes; the decoder refuses the `ek` length before any KEM operation: `decrypt.recipients-malformed`.",
            &["POUCH-ENC-032", "POUCH-ENC-033"],
            dnk,
            s::DECRYPT_RECIPIENTS_MALFORMED,
            |list| {
                if let Some(r) = list.first_mut() {
                    r.ek.pop();
                }
            },
            None,
        ),
        (
            "enc-open-kem-unregistered",
            "A recipient algorithm that is not registered",
            "Encrypted to Denmark and the Netherlands; Denmark's recipient protected header is rewritten as {1: -65699, 4: Denmark's kid}, an algorithm no registry row has. Verification passes; the recipient addressed to Denmark names an algorithm Denmark cannot use: `decrypt.alg-unsupported`.",
            &["POUCH-ENC-032"],
            dnk,
            s::DECRYPT_ALG_UNSUPPORTED,
            |list| {
                if let Some(r) = list.first_mut() {
                    let mut e = Encoder::new();
                    e.map(2).u64(1).i64(-65699).u64(4).bytes(&r.kid);
                    r.protected = e.into_bytes();
                }
            },
            // The CDDL lists the registered recipient algorithms, so it refuses the structure.
            Some(Some("invalid")),
        ),
    ];
    for (cid, title, description, reqs, opener, code, change, cddl) in recipient_faults {
        let envelope = with_recipients(&base(cid)?.0, |list, _| {
            change(list);
            Ok(())
        })?;
        let mut c = open_case(
            cid,
            title,
            description,
            reqs,
            opener,
            envelope,
            &[code],
            None,
        );
        c.cddl = cddl;
        out.push(c);
    }

    let cid = "enc-open-key-commitment-mismatch";
    let (envelope, _) = base(cid)?;
    let mut rng = SeededRng::new(format!("{SEED}/vectors/{cid}/other key").as_bytes());
    let public = dnk.recipient.public_key.clone();
    let envelope = with_recipients(&envelope, |list, envelope_id| {
        if let Some(r) = list.first_mut() {
            let other = sha256(format!("{SEED}/vectors/{cid}/other content key").as_bytes())?;
            // Recipient_structure (POUCH-ENC-030), written here from the spec.
            let mut info = Encoder::new();
            info.array(4)
                .text("HPKE Recipient")
                .i64(CONTENT_ALG_A256GCM_STREAM)
                .bytes(&r.protected)
                .bytes(envelope_id);
            let (ek, wrapped) =
                pouch::encryption::wrap(&public, &info.into_bytes(), &other, &mut rng)
                    .map_err(enc_err)?;
            r.ek = ek;
            r.ciphertext = wrapped;
        }
        Ok(())
    })?;
    let c = open_case(
        cid,
        "A recipient wrapping another content key",
        "Encrypted to Denmark and the Netherlands; Denmark's recipient is replaced by an honest HPKE wrap, to Denmark's certificate, of a different 32-byte key (what a malicious holder of the content key could add). HPKE Open succeeds, and the key does not match the sealed commitment: `decrypt.key-commitment-mismatch`, nothing decrypted.",
        &["POUCH-ENC-011", "POUCH-ENC-031"],
        dnk,
        envelope,
        &[s::DECRYPT_KEY_COMMITMENT_MISMATCH],
        None,
    );
    out.push(c);

    let cid = "enc-open-not-encrypted";
    let nor_signer = fx.signer("NOR", Algorithm::Es384)?;
    let c = open_case(
        cid,
        "Opening an envelope that is not encrypted",
        "Norway seals the record in clear (no encryption header), releasable to DNK, NLD and NOR. Denmark opens it: verification and release pass, and there is nothing to decrypt: `decrypt.not-encrypted`, no plaintext written.",
        &["POUCH-ENC-070"],
        dnk,
        craft::originator_embedded(cid, &everyone, &record, &nor_signer)?,
        &[s::DECRYPT_NOT_ENCRYPTED],
        None,
    );
    out.push(c);

    // A ciphertext changed and sealed again by Norway, as a malicious originator could:
    // (id, title, description, decrypt code, the change).
    type SealedFault = (
        &'static str,
        &'static str,
        &'static str,
        StatusCode,
        fn(&mut Vec<u8>),
    );
    let sealed_faults: [SealedFault; 2] = [
        (
            "enc-open-chunk-invalid",
            "A sealed ciphertext with a corrupted chunk",
            "Encrypted to Denmark and the Netherlands (three chunks); one bit of the first byte of chunk 1 is flipped and Norway seals the changed ciphertext, as a malicious originator could. The seal is valid; chunk 0 authenticates, chunk 1 does not: `decrypt.chunk-invalid`, and no plaintext is released.",
            s::DECRYPT_CHUNK_INVALID,
            |ct| flip(ct, RECORD_LEN as isize),
        ),
        (
            "enc-open-truncated",
            "A sealed ciphertext cut before its final chunk",
            "Encrypted to Denmark and the Netherlands (three chunks); the ciphertext is cut after chunk 1 (two full records of 4112 bytes) and Norway seals the cut ciphertext. The seal is valid; chunks 0 and 1 authenticate as non-final and none as final: `decrypt.truncated`, and no plaintext is released.",
            s::DECRYPT_TRUNCATED,
            |ct| ct.truncate(2 * RECORD_LEN),
        ),
    ];
    for (cid, title, description, code, change) in sealed_faults {
        let c = open_case(
            cid,
            title,
            description,
            &["POUCH-ENC-021", "POUCH-ENC-022"],
            dnk,
            resealed(fx, &base(cid)?.0, change)?,
            &[code],
            None,
        );
        out.push(c);
    }

    let cid = "enc-open-ciphertext-flipped";
    let (envelope, _) = base(cid)?;
    let parts = craft::parts(&envelope)?;
    let mut c = open_case(
        cid,
        "A flipped bit in a sealed embedded ciphertext",
        "Encrypted to Denmark and the Netherlands; one bit of the byte in the middle of the embedded ciphertext is flipped, without sealing again. The seal's signature is invalid, the seal policy unsatisfied, no release is decided, so decryption is not attempted: `decrypt` empty, exit seal.",
        &["POUCH-ENC-001", "POUCH-ENC-070", "POUCH-CNF-015"],
        dnk,
        flip_payload(&envelope, &parts.payload)?,
        &[],
        None,
    );
    c.expect = report(
        vec![super::seal_fault(s::SEAL_SIGNATURE_INVALID)],
        s::SEAL_POLICY_UNSATISFIED,
    );
    c.expect.policy = permitted().policy;
    c.expect.release = Some(crate::manifest::ReleaseExpect {
        label: None,
        codes: ids(&[s::RELEASE_NOT_DECIDED]),
    });
    c.expect.decrypt = Some(Vec::new());
    out.push(c);

    // What a decoder refuses before anything is decrypted.
    let cid = "enc-chunk-size-too-small";
    let (envelope, _) = base(cid)?;
    let mut c = Case::es384(
        cid,
        "A chunk size below the minimum",
        "The envelope of an encryption to Denmark and the Netherlands, its encryption header's chunk size rewritten to 4095 (one below the minimum of 4096) and sealed again by Norway. A decoder refuses the header before allocating by it: `envelope.malformed`, verification ends there.",
        &["POUCH-ENC-010"],
    );
    c.envelope = resealed_with(fx, &envelope, |header, _| {
        if let Some(e) = header.encryption.as_mut() {
            e.chunk_size = CHUNK - 1;
        }
    })?;
    c.expect = super::refused(s::ENVELOPE_MALFORMED);
    out.push(c);

    let cid = "enc-recipients-without-encryption";
    let (encrypted, _) = base(cid)?;
    let nor_signer = fx.signer("NOR", Algorithm::Es384)?;
    let mut c = Case::es384(
        cid,
        "Recipients on an envelope that is not encrypted",
        "Norway seals the record in clear; the `\"pouch-recipients\"` parameter of an encrypted envelope is then added to its body unprotected header (the seal does not cover it, so the seal stays valid). Recipients are allowed only beside an encryption header: `envelope.unprotected-header-not-empty`.",
        &["POUCH-ENC-002", "POUCH-ENV-003"],
    );
    let clear = craft::originator_embedded(cid, &everyone, &record, &nor_signer)?;
    let list = decode(&encrypted)?
        .recipients_bytes()
        .map(<[u8]>::to_vec)
        .ok_or(Error::Generate("no recipients".into()))?;
    c.envelope = decode(&clear)?.to_bytes_with_recipients(&list);
    c.expect = super::refused(s::ENVELOPE_UNPROTECTED_HEADER_NOT_EMPTY);
    // The CDDL allows the recipients header beside any body header: it cannot tell.
    c.cddl = Some(None);
    out.push(c);

    out.extend(option_cases(fx)?);
    Ok(out)
}

fn sha256(data: &[u8]) -> Result<Vec<u8>, Error> {
    let scheme = provider()
        .digest(DigestAlgorithm::Sha256)
        .ok_or(Error::Generate("no SHA-256".into()))?;
    let mut d = scheme.start();
    d.update(data);
    Ok(d.finish())
}

/// `envelope` with one bit flipped in the middle of its payload field, found by its bytes.
fn flip_payload(envelope: &[u8], payload: &[u8]) -> Result<Vec<u8>, Error> {
    let at = envelope
        .windows(payload.len())
        .position(|w| w == payload)
        .ok_or(Error::Generate("payload not found in the envelope".into()))?;
    let mut out = envelope.to_vec();
    flip(&mut out, (at + payload.len() / 2) as isize);
    Ok(out)
}

/// The verifier options of §7.2: an algorithm list, the strict validity mode, and a raised
/// decoder chain limit.
fn option_cases(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let secret = crate::fixture::label("NATO", "SECRET")?;
    let record = super::good::RECORD;
    let nor = fx.signer("NOR", Algorithm::Es384)?;

    let mut c = Case::es384(
        "env-option-allowed-algs",
        "A seal whose algorithm the verifier does not allow",
        "Norway's ES384 signer seals; the verifier allows ML-DSA-65 and EdDSA only (`--allowed-algs`). The algorithm is registered and implemented but not allowed: `seal.alg-not-allowed`, the signature is not checked, no trust stage runs for the seal, and `all` is unsatisfied.",
        &["POUCH-ENV-104", "POUCH-CNF-017"],
    );
    c.allowed_algs = vec![Algorithm::MlDsa65, Algorithm::EdDsa];
    c.envelope = craft::originator_embedded(c.id, &secret, record, &nor)?;
    c.expect = report(
        vec![super::seal_fault(s::SEAL_ALG_NOT_ALLOWED)],
        s::SEAL_POLICY_UNSATISFIED,
    );
    out.push(c);

    let mut c = Case::es384(
        "env-option-current-validity-required",
        "Expired since signing, in the strict mode",
        "The envelope of env-signer-expired-since-signing made again (Norway's ES384 signer seals on the vectors' day and is verified 800 days later, after the signer certificate expired), verified with `--require-current-validity`: the path valid at signing is no longer valid at verification, which the strict mode makes the error `trust.current-validity-required`; `all` is unsatisfied.",
        &["POUCH-TRUST-022", "POUCH-CNF-017"],
    );
    c.require_current_validity = true;
    c.envelope = craft::originator_embedded(c.id, &secret, record, &nor)?;
    c.at = NOW + 800 * DAY;
    c.expect = report(
        vec![valid_with_trust(&[s::TRUST_CURRENT_VALIDITY_REQUIRED])],
        s::SEAL_POLICY_UNSATISFIED,
    );
    out.push(c);

    // Nine certificates: Norway's ES384 chain, then its root repeated seven times.
    let root = fx
        .pki
        .coalition
        .nation("NOR")
        .ok_or(Error::Generate("no NOR".into()))?
        .root
        .certificate
        .der()
        .to_vec();
    let mut chain = nor.chain.clone();
    while chain.len() < 9 {
        chain.push(root.clone());
    }
    let long = Signer {
        key: fx.signer("NOR", Algorithm::Es384)?.key,
        chain,
    };
    let mut c = Case::es384(
        "env-option-chain-too-long",
        "Nine certificates, the decoder's limit raised",
        "Norway's ES384 signer seals with an x5chain of nine certificates (its own two, then Norway's root seven times). Verified with `--max-chain 9`, the decoder accepts the header and the signature is valid; the trust stage's bound of eight does not move with the decoder's: `trust.chain-too-long`, and `all` is unsatisfied. (With the default limit the same envelope is env-oversize-chain's `seal.header-limit-exceeded`.)",
        &["POUCH-TRUST-002", "POUCH-CNF-017"],
    );
    c.max_chain = Some(9);
    // The CDDL bounds x5chain at the default limit of eight.
    c.cddl = Some(Some("invalid"));
    c.envelope = craft::originator_embedded(c.id, &secret, record, &long)?;
    c.expect = report(
        vec![valid_with_trust(&[s::TRUST_CHAIN_TOO_LONG])],
        s::SEAL_POLICY_UNSATISFIED,
    );
    out.push(c);
    Ok(out)
}

#![doc = include_str!("../README.md")]
// A fuzz target reports a broken invariant by panicking: that is its whole purpose.
#![allow(clippy::panic)]

use pouch_label::{Label, Limits as LabelLimits};

/// A target body: takes any bytes, panics only on a broken invariant.
pub type Target = fn(&[u8]);

/// Every target by name, as `fuzz/fuzz_targets/<name>.rs` and the corpus folders name them.
pub const TARGETS: &[(&str, Target)] = &[
    ("cbor_check", cbor_check),
    ("cbor_sequence", cbor_sequence),
    ("label_cbor", label_cbor),
    ("label_json", label_json),
    ("label_xml", label_xml),
    ("envelope_decode", envelope_decode),
    ("envelope_providers_agree", envelope_providers_agree),
    ("trust_bundle", trust_bundle),
    ("ess_label", ess_label),
    ("spif", spif),
    ("envelope_verify", envelope_verify),
    ("recipients_decode", recipients_decode),
    ("encrypted_open", encrypted_open),
];

/// Runs the target called `name` on `data`; an unknown name is a harness bug.
pub fn run(name: &str, data: &[u8]) {
    match TARGETS.iter().find(|(n, _)| *n == name) {
        Some((_, f)) => f(data),
        None => panic!("no fuzz target named {name}"),
    }
}

/// The strict checker: `check` accepts exactly what `check_prefix` frames to the whole
/// input, and an accepted input is also framed whole by the well-formedness framer.
pub fn cbor_check(data: &[u8]) {
    let limits = pouch_cbor::Limits::default();
    let whole = pouch_cbor::check(data, &limits);
    let prefix = pouch_cbor::check_prefix(data, &limits);
    if whole.is_ok() {
        assert_eq!(
            prefix.ok(),
            Some(data.len()),
            "check and check_prefix disagree"
        );
        assert_eq!(
            pouch_cbor::frame(data, limits.max_depth).ok(),
            Some(pouch_cbor::Frame::Complete(data.len())),
            "a deterministic item is not framed whole"
        );
    }
}

/// The sequence reader: whatever it yields are items that sit back to back in the input,
/// each framed whole, and it ends.
pub fn cbor_sequence(data: &[u8]) {
    let mut at = 0usize;
    for item in pouch_cbor::SequenceReader::new(data, 4096, 16) {
        let Ok(item) = item else { break };
        assert_eq!(item.offset, at as u64, "items are not contiguous");
        let end = at + item.bytes.len();
        assert_eq!(
            data.get(at..end),
            Some(item.bytes.as_slice()),
            "item bytes differ"
        );
        assert_eq!(
            pouch_cbor::frame(&item.bytes, 16).ok(),
            Some(pouch_cbor::Frame::Complete(item.bytes.len()))
        );
        at = end;
    }
}

/// Checks that a decoded label survives every form: CBOR, JSON and XML.
fn round_trips(label: &Label) {
    let limits = LabelLimits::default();
    let cbor = label.to_cbor();
    assert_eq!(
        Label::from_cbor(&cbor, &limits).ok().as_ref(),
        Some(label),
        "CBOR round trip"
    );
    let json = label.to_json();
    assert_eq!(
        Label::from_json(json.as_bytes(), &limits).ok().as_ref(),
        Some(label),
        "JSON round trip: {json}"
    );
    let xml = label.to_xml(pouch_label::LabelElement::Originator);
    assert_eq!(
        Label::from_xml(xml.as_bytes(), &limits)
            .ok()
            .map(|(_, l)| l)
            .as_ref(),
        Some(label),
        "XML round trip: {xml}"
    );
}

/// The label's CBOR decoder, and the three codecs' round trips from anything it accepts;
/// strict CBOR means the encoding of what decoded is the input itself.
pub fn label_cbor(data: &[u8]) {
    if let Ok(label) = Label::from_cbor(data, &LabelLimits::default()) {
        assert_eq!(
            label.to_cbor(),
            data,
            "decoded CBOR does not re-encode to itself"
        );
        round_trips(&label);
    }
}

/// The label's JSON decoder and the round trips.
pub fn label_json(data: &[u8]) {
    if let Ok(label) = Label::from_json(data, &LabelLimits::default()) {
        round_trips(&label);
    }
}

/// The label's ADatP-4774 XML decoder and the round trips.
pub fn label_xml(data: &[u8]) {
    if let Ok((_, label)) = Label::from_xml(data, &LabelLimits::default()) {
        round_trips(&label);
    }
    let _ = pouch_label::xml::labels_in_document(data, &LabelLimits::default());
}

/// Envelope decoding: an envelope that decodes re-encodes to its own bytes.
pub fn envelope_decode(data: &[u8]) {
    if let Ok(env) = pouch::Envelope::decode(data, &pouch::Limits::default()) {
        assert_eq!(
            env.to_bytes(),
            data,
            "decoded envelope does not re-encode to itself"
        );
        for i in 0..env.seals().len() {
            assert!(env.to_be_signed(i).is_some());
        }
    }
}

/// The two crypto providers reach the same verdict, code for code, on any input.
pub fn envelope_providers_agree(data: &[u8]) {
    let verdict = |p| {
        let Some(at) = pouch_label::DateTime::from_unix(1_795_860_000, 0) else {
            panic!("a fixed time out of range");
        };
        let Ok(v) = pouch::Verifier::builder(p).without_trust().at(at).build() else {
            panic!("a verifier without trust always builds");
        };
        let r = v.verify(data, None);
        r.entries().map(|e| e.code.id()).collect::<Vec<_>>()
    };
    assert_eq!(
        verdict(pouch_crypto_awslc::provider()),
        verdict(pouch_crypto_rustcrypto::provider()),
        "aws-lc-rs and RustCrypto disagree"
    );
}

/// The trust bundle's TOML loader (file references resolve under a folder that does not
/// exist, so only the bundle text itself is exercised).
pub fn trust_bundle(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let base = std::path::Path::new("/nonexistent/pouch-fuzz");
        let _ = pouch_trust::parse_bundle(text, &base.join("bundle.toml"), base);
    }
}

/// The ESS label codec: DER input re-encodes to itself; BER input re-encodes to DER that
/// decodes, as DER, to the same label.
pub fn ess_label(data: &[u8]) {
    let limits = pouch_ess::Limits::default();
    let Ok(decoded) = pouch_ess::EssLabel::decode(data, &limits) else {
        return;
    };
    // The codec may refuse to export what it imported (e.g. an out-of-range value kept
    // for inspection); what it does export must read back unchanged.
    let Ok(der) = decoded.label.to_der() else {
        return;
    };
    if decoded.encoding == pouch_ess::Encoding::Der {
        assert_eq!(der, data, "a DER label does not re-encode to itself");
    }
    let again = pouch_ess::EssLabel::from_der(&der, &limits);
    assert_eq!(
        again.ok().as_ref(),
        Some(&decoded.label),
        "DER output does not read back"
    );
}

/// An envelope sealing `record` (embedded) under a fixed NATO SECRET label by Norway's ES384
/// signer of the seeded demo PKI, with the deterministic provider: the same bytes on every
/// run, for seeds and for the bounds measurements.
///
/// # Panics
/// Only if the demo PKI or sealing fails, which is a bug in those crates.
#[allow(clippy::expect_used)]
pub fn sample_envelope(record: &[u8]) -> Vec<u8> {
    use std::sync::OnceLock;
    static PKI: OnceLock<pouch_testkit::DemoPki> = OnceLock::new();
    const NOW: i64 = 1_795_860_000;
    let provider = pouch_crypto_rustcrypto::provider();
    let pki =
        PKI.get_or_init(|| pouch_testkit::demo_pki(provider, Some(1), NOW).expect("demo PKI"));
    let nation = pki.coalition.nation("NOR").expect("Norway");
    let issued = nation
        .signer(pouch_crypto::Algorithm::Es384)
        .expect("ES384 signer");
    let key = provider
        .signature(issued.algorithm)
        .and_then(|s| s.signing_key(&issued.pkcs8).ok())
        .expect("signing key");
    let time = pouch_label::DateTime::from_unix(NOW, 0).expect("time");
    let label = Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"SECRET"},
          "creationDateTime":"2026-11-28T10:00:00Z"}"#,
        &LabelLimits::default(),
    )
    .expect("label");
    let request = pouch::SealRequest::originator(key.as_ref(), nation.signer_chain(issued), time);
    pouch::seal(
        provider,
        &label,
        pouch::Payload::Embedded {
            data: record,
            content_type: None,
        },
        &request,
        Some([7; 16]),
        Some(time),
    )
    .expect("seal")
}

/// The SPIF loader: a policy that loads validates, marks and releases any label without
/// panicking, and refuses what it refuses with an error naming a line.
pub fn spif(data: &[u8]) {
    match pouch_policy::Policy::load(data, &pouch_policy::Limits::default()) {
        Ok(policy) => {
            if let Some(class) = policy.classifications.first() {
                let json = format!(
                    r#"{{"confidentialityInformation":{{"policyIdentifier":"{}","classification":"{}"}},"creationDateTime":"2026-11-28T10:00:00Z"}}"#,
                    policy.name.replace(['"', '\\'], ""),
                    class.name.replace(['"', '\\'], "")
                );
                if let Ok(label) = Label::from_json(json.as_bytes(), &LabelLimits::default()) {
                    let _ = policy.validate(&label);
                    let _ = policy.marking(&label, None);
                    let _ = policy.release(&label, &pouch_policy::Recipient::new("NOR"));
                }
            }
        }
        Err(e) => assert!(
            e.line().is_some_and(|l| l >= 1),
            "an error without a line: {e}"
        ),
    }
}

/// Full verification with the trust stage, the demo policies and a recipient, against the
/// committed vector trust bundle at the vectors' fixed time: any bytes get a report, and
/// the two providers agree on it.
pub fn envelope_verify(data: &[u8]) {
    use std::sync::OnceLock;
    struct Fixture {
        bundle: pouch_trust::TrustBundle,
        coalition: pouch_policy::Policy,
        national: pouch_policy::Policy,
    }
    static F: OnceLock<Option<Fixture>> = OnceLock::new();
    let Some(f) = F.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let bundle =
            pouch_trust::load_bundle(&root.join("test-vectors/envelopes/pki/bundle.toml")).ok()?;
        let l = pouch_policy::Limits::default();
        Some(Fixture {
            bundle,
            coalition: pouch_policy::Policy::load(pouch_policy::demo::COALITION_SPIF, &l).ok()?,
            national: pouch_policy::Policy::load(pouch_policy::demo::NATIONAL_SPIF, &l).ok()?,
        })
    }) else {
        panic!("the vector trust bundle or the demo policies do not load");
    };
    let verdict = |p: &'static pouch_crypto::CryptoProvider| {
        let Some(at) = pouch_label::DateTime::from_unix(1_795_860_000, 0) else {
            panic!("a fixed time out of range");
        };
        let Ok(v) = pouch::Verifier::builder(p)
            .at(at)
            .trust(f.bundle.clone())
            .policies([f.coalition.clone(), f.national.clone()])
            .recipient(pouch_policy::Recipient::new("DNK"))
            .build()
        else {
            panic!("the vector trust bundle has no validator");
        };
        let r = v.verify(data, None);
        (
            r.all_entries().map(|e| e.code.id()).collect::<Vec<_>>(),
            r.exit_class(),
        )
    };
    assert_eq!(
        verdict(pouch_crypto_awslc::provider()),
        verdict(pouch_crypto_rustcrypto::provider()),
        "aws-lc-rs and RustCrypto disagree with trust and policies"
    );
}

/// The recipients decoder of an encrypted envelope (spec/10-encryption.md §10.4): what
/// decodes re-encodes to its own bytes, within the recipient limit.
pub fn recipients_decode(data: &[u8]) {
    use pouch::encryption::recipients;
    if let Ok(list) = recipients::decode(data) {
        assert!(list.len() <= recipients::MAX_RECIPIENTS);
        assert_eq!(
            recipients::encode(&list),
            data,
            "recipients do not re-encode"
        );
    }
}

/// The fixed X-Wing key and stand-in certificate the `encrypted_open` seeds are made for.
pub fn fuzz_recipient() -> (
    pouch::encryption::PrivateKey,
    pouch::encryption::PublicKey,
    &'static [u8],
) {
    let (sk, pk) = pouch::encryption::derive_keypair(
        pouch::encryption::RecipientAlg::XWing,
        b"pouch-fuzz recipient",
    );
    (sk, pk, b"pouch-fuzz certificate")
}

/// Opening an encrypted envelope with a fixed key: any input gives plaintext or a typed
/// decrypt error, never a panic; a status error never comes with plaintext released.
pub fn encrypted_open(data: &[u8]) {
    let (sk, _, cert) = fuzz_recipient();
    let mut out = Vec::new();
    let r = pouch::encryption::open(
        pouch_crypto_rustcrypto::provider(),
        data,
        &pouch::Limits::default(),
        &sk,
        cert,
        None,
        &mut out,
    );
    if let Err(e) = r {
        assert!(
            e.code().is_some(),
            "an in-memory open failed without a code: {e}"
        );
    }
}

//! Valid signatures by signers the bundle does not trust, or does not authorise.

use pouch_crypto::Algorithm;
use pouch_status as s;

use super::{Case, report, trusted, valid_with_trust};
use crate::Error;
use crate::craft::{self, SealOpts};
use crate::fixture::{Fixture, NOW, VERIFY_AT, label, time};

const DAY: i64 = 86_400;

pub(crate) fn cases(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let secret = label("NATO", "SECRET")?;
    let record = super::good::RECORD;
    let rows: [NamedSigner; 5] = [
        (
            "env-signer-expired",
            "Signer certificate expired before signing",
            "Norway's `expired` signer (valid from 400 to 30 days before the vectors' day) seals on the vectors' day: the signature is valid, the path is not valid at the signing time. The bundle's other parties give no path at all, and a certificate out of its validity is the more telling failure (POUCH-TRUST-041), so the code is not `trust.no-path`.",
            &["POUCH-TRUST-020", "POUCH-TRUST-041"],
            "expired",
            &[s::TRUST_NOT_VALID_AT_SIGNING],
        ),
        (
            "env-signer-not-yet-valid",
            "Signer certificate not yet valid at signing",
            "A Norwegian ES256 signer valid only from ten days after the vectors' day seals on that day: not valid at the signing time.",
            &["POUCH-TRUST-020"],
            "not-yet-valid",
            &[s::TRUST_NOT_VALID_AT_SIGNING],
        ),
        (
            "env-signer-revoked",
            "Revoked signer",
            "Norway's `revoked` signer, whose serial is on Norway's intermediate CRL in the bundle: valid signature, revoked signer.",
            &["POUCH-TRUST-030"],
            "revoked",
            &[s::TRUST_REVOKED],
        ),
        (
            "env-signer-no-digital-signature",
            "Signer without keyUsage digitalSignature",
            "Norway's `no-digital-signature` signer (keyUsage contentCommitment only): the leaf does not fit the signer profile.",
            &["POUCH-TRUST-010"],
            "no-digital-signature",
            &[s::TRUST_KEY_USAGE],
        ),
        (
            "env-signer-untrusted",
            "Signer of a nation outside the bundle",
            "A Swedish signer whose chain ends at a Swedish root the bundle does not hold: the signature is valid, no path leads to a trusted anchor.",
            &["POUCH-TRUST-001"],
            "untrusted",
            &[s::TRUST_NO_PATH],
        ),
    ];
    out.extend(named_signer_cases(fx, &rows)?);

    // ES384 signers whose signature is valid and who are trusted, with one more trust
    // code: (id, title, description, requirements, nation, verification time, that code,
    // seal-policy code).
    type Trusted = (
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static str,
        i64,
        pouch_status::StatusCode,
        pouch_status::StatusCode,
    );
    let trusted_rows: [Trusted; 2] = [
        // Valid at signing, expired since: a warning, still trusted.
        (
            "env-signer-expired-since-signing",
            "Signer certificate expired after the seal was made",
            "Norway's ES384 signer (valid for two years from an hour before the vectors' day) seals on the vectors' day; the verification time is 800 days later, after the signer certificate expired and while its CAs are still valid. The seal stays trusted, with the warning that the path is not valid at verification time.",
            &["POUCH-TRUST-021", "POUCH-TRUST-020"],
            "NOR",
            NOW + 800 * DAY,
            s::TRUST_NOT_VALID_AT_VERIFICATION,
            s::SEAL_POLICY_SATISFIED,
        ),
        // The Netherlands may seal up to CONFIDENTIAL only.
        (
            "env-nation-unauthorised-classification",
            "Nation not authorised for the label's classification",
            "A trusted Dutch signer seals a NATO SECRET label; the bundle authorises the Netherlands for NATO up to CONFIDENTIAL. The signer is trusted, the seal is not authorised.",
            &["POUCH-TRUST-050", "POUCH-TRUST-051"],
            "NLD",
            VERIFY_AT,
            s::TRUST_UNAUTHORISED_CLASSIFICATION,
            s::SEAL_POLICY_UNSATISFIED,
        ),
    ];
    for (id, title, description, reqs, nation, at, code, policy) in trusted_rows {
        let sg = fx.signer(nation, Algorithm::Es384)?;
        let mut c = Case::es384(id, title, description, reqs);
        c.envelope = craft::originator_embedded(id, &secret, record, &sg)?;
        c.at = at;
        c.expect = report(
            vec![valid_with_trust(&[s::TRUST_SIGNER_TRUSTED, code])],
            policy,
        );
        out.push(c);
    }

    // An alternative label under a policy the endorser is not authorised for.
    let nor = fx.signer("NOR", Algorithm::Es384)?;
    let dnk = fx.signer("DNK", Algorithm::EdDsa)?;
    let id = "env-endorse-alternative-label-unauthorised";
    let env = craft::originator_embedded(id, &secret, record, &nor)?;
    let mut c = Case::new(
        id,
        "Alternative label under a policy the endorser may not seal",
        "Norway seals NATO SECRET; Denmark endorses with an alternative label under the Danish national policy `DNK`, for which the bundle does not authorise Denmark. The Danish seal is valid and its signer trusted, but not authorised for its own assertion.",
        &["POUCH-TRUST-050", "POUCH-TRUST-051", "POUCH-ENV-040"],
    );
    c.algorithms = vec![Algorithm::Es384, Algorithm::EdDsa];
    c.envelope = craft::endorse_with_alternative(&env, &dnk, label("DNK", "HEMMELIGT")?)?;
    c.expect = report(
        vec![
            trusted(),
            valid_with_trust(&[s::TRUST_SIGNER_TRUSTED, s::TRUST_UNAUTHORISED_POLICY]),
        ],
        s::SEAL_POLICY_UNSATISFIED,
    );
    out.push(c);
    out.extend(chain_faults(fx)?);
    out.extend(signing_time_skew(fx)?);
    out.extend(anchor_name_constraints(fx)?);
    Ok(out)
}

/// One ES256 signer of Norway's made wrong in exactly one way (`Fixture::named`), each with
/// the one trust code that fault must give. crates/pouch-vectors/tests/trust_openssl.rs
/// checks each construction with `openssl` independently: the X.509 faults fail
/// `openssl verify` for the reason named, and the Pouch-profile faults pass it.
fn chain_faults(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let rows: [NamedSigner; 8] = [
        (
            "env-trust-country-mismatch",
            "Danish subject under Norway's CA",
            "Norway's intermediate CA issues an otherwise honest signer certificate whose subject says C=DK. The path to Norway's anchor is sound X.509, but the bundle says Norway's signers are C=NO.",
            &["POUCH-TRUST-040"],
            "country-dk",
            &[s::TRUST_COUNTRY_MISMATCH],
        ),
        (
            "env-trust-leaf-is-ca",
            "CA certificate as the signer",
            "The signer certificate says basicConstraints cA TRUE (keyUsage digitalSignature alone, extendedKeyUsage id-kp-documentSigning, so nothing else is wrong): a CA certificate may not seal.",
            &["POUCH-TRUST-010"],
            "leaf-is-ca",
            &[s::TRUST_LEAF_IS_CA],
        ),
        (
            "env-trust-extended-key-usage",
            "Signer certified for e-mail protection only",
            "The signer certificate's extendedKeyUsage is id-kp-emailProtection alone, without id-kp-documentSigning.",
            &["POUCH-TRUST-011"],
            "eku-email",
            &[s::TRUST_EXTENDED_KEY_USAGE],
        ),
        (
            "env-trust-unknown-critical-extension",
            "Signer certificate with an unknown critical extension",
            "The signer certificate carries a critical extension 1.3.6.1.4.1.32473.4774.1 (RFC 5612's example enterprise arc) with a NULL value, which no verifier processes.",
            &["POUCH-TRUST-010"],
            "unknown-critical",
            &[s::TRUST_UNKNOWN_CRITICAL_EXTENSION],
        ),
        (
            "env-trust-certificate-malformed",
            "Signer certificate whose keyUsage does not decode",
            "The signer certificate's keyUsage extnValue holds an INTEGER instead of a BIT STRING; the certificate's outer structure and public key decode, so the seal's signature is checked and valid, but the certificate is not well-formed X.509.",
            &["POUCH-TRUST-002"],
            "malformed-key-usage",
            &[s::TRUST_CERTIFICATE_MALFORMED],
        ),
        (
            "env-trust-bad-certificate-signature",
            "Signer certificate with a damaged signature",
            "An honest signer certificate of Norway's intermediate CA with the last octet of its ECDSA signature flipped: the seal's signature (by the signer's key) is valid, the certificate's is not.",
            &["POUCH-TRUST-001"],
            "bad-signature",
            &[s::TRUST_BAD_CERTIFICATE_SIGNATURE],
        ),
        (
            "env-trust-path-constraints",
            "Sub-CA under a CA with pathLenConstraint 0",
            "Norway's intermediate CA (pathLenConstraint 0) issues a sub-CA, which issues the signer; x5chain is signer, sub-CA, intermediate. Every signature verifies, but the path is one CA longer than the intermediate allows.",
            &["POUCH-TRUST-001"],
            "under-sub-ca",
            &[s::TRUST_PATH_CONSTRAINTS],
        ),
        (
            "env-trust-anchor-path-length",
            "Two CAs below a root whose pathLenConstraint is 1",
            "Norway's root (the anchor; pathLenConstraint 1) issues a second intermediate without a pathLenConstraint, which issues a sub-CA, which issues the signer; x5chain is signer, sub-CA, intermediate. Every certificate below the anchor is sound and no intermediate's constraint is broken; only the anchor's is, which applies to every path ending at it.",
            &["POUCH-TRUST-004"],
            "under-anchor-pathlen",
            &[s::TRUST_PATH_CONSTRAINTS],
        ),
    ];
    named_signer_cases(fx, &rows)
}

/// A vector sealed at the vectors' time by one of Norway's named ES256 signers
/// (`Fixture::named`) whose signature is valid and whose trust stage gives the codes:
/// (id, title, description, requirements, signer name, trust codes).
type NamedSigner = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [pouch_status::StatusCode],
);

/// The vectors of `rows`, each over a NATO SECRET label; none is trusted, so `all` is
/// unsatisfied.
fn named_signer_cases(fx: &Fixture, rows: &[NamedSigner]) -> Result<Vec<Case>, Error> {
    let secret = label("NATO", "SECRET")?;
    let mut out = Vec::new();
    for &(id, title, description, reqs, signer, codes) in rows {
        let sg = fx.named(signer)?;
        let mut c = Case::new(id, title, description, reqs);
        c.algorithms = vec![Algorithm::Es256];
        c.envelope = craft::originator_embedded(id, &secret, super::good::RECORD, &sg)?;
        c.expect = report(vec![valid_with_trust(codes)], s::SEAL_POLICY_UNSATISFIED);
        out.push(c);
    }
    Ok(out)
}

/// The clock skew of POUCH-TRUST-020 at its edge: a signing time five minutes after the
/// verification time is accepted, one second more is not.
fn signing_time_skew(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let secret = label("NATO", "SECRET")?;
    let sg = fx.named("es256")?;
    // The spec's five minutes, not the validator's constant, so the vector checks it.
    let skew: i64 = 5 * 60;
    let mut out = Vec::new();
    for (id, title, description, ahead, codes, policy) in [
        (
            "env-trust-signing-time-skew-at",
            "Signing time five minutes ahead of the verifier",
            "A Norwegian ES256 seal whose signing time is exactly 300 seconds after the verification time: within the clock skew POUCH-TRUST-020 allows, so the signer is trusted.",
            skew,
            &[s::TRUST_SIGNER_TRUSTED][..],
            s::SEAL_POLICY_SATISFIED,
        ),
        (
            "env-trust-signing-time-in-future",
            "Signing time more than five minutes ahead of the verifier",
            "A Norwegian ES256 seal whose signing time is 301 seconds after the verification time (every certificate is valid then): one second beyond the clock skew.",
            skew + 1,
            &[s::TRUST_SIGNING_TIME_IN_FUTURE][..],
            s::SEAL_POLICY_UNSATISFIED,
        ),
    ] {
        let mut c = Case::new(id, title, description, &["POUCH-TRUST-020"]);
        c.algorithms = vec![Algorithm::Es256];
        c.envelope = craft::embedded(
            id,
            &secret,
            super::good::RECORD,
            &SealOpts::originator(&sg, time(VERIFY_AT + ahead)?),
        )?;
        c.expect = report(vec![valid_with_trust(codes)], policy);
        out.push(c);
    }
    Ok(out)
}

/// An anchor whose certificate carries name constraints (POUCH-TRUST-005), with a signer
/// inside its permitted subtree and one outside.
fn anchor_name_constraints(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let secret = label("NATO", "SECRET")?;
    let mut out = Vec::new();
    for (id, title, description, signer, codes, policy) in [
        (
            "env-trust-anchor-name-constraints-satisfied",
            "Signer inside the anchor's name constraints",
            "The bundle's only anchor for Norway is a root whose own certificate permits the dNSName subtree pouch.example.no; the signer, directly under it, names signer.pouch.example.no in its subjectAltName. The path satisfies the anchor's constraints.",
            "constrained-inside",
            &[s::TRUST_SIGNER_TRUSTED][..],
            s::SEAL_POLICY_SATISFIED,
        ),
        (
            "env-trust-anchor-name-constraints-violated",
            "Signer outside the anchor's name constraints",
            "As env-trust-anchor-name-constraints-satisfied, but the signer names signer.pouch.example.dk, outside the subtree the anchor's certificate permits: the anchor's name constraints apply to the path, so no trusted path ends at it.",
            "constrained-outside",
            &[s::TRUST_PATH_CONSTRAINTS][..],
            s::SEAL_POLICY_UNSATISFIED,
        ),
    ] {
        let sg = fx.named(signer)?;
        let mut c = Case::new(id, title, description, &["POUCH-TRUST-005"]);
        c.algorithms = vec![Algorithm::Es256];
        c.bundle = super::BUNDLE_ANCHOR_CONSTRAINED;
        c.envelope = craft::originator_embedded(id, &secret, super::good::RECORD, &sg)?;
        c.expect = report(vec![valid_with_trust(codes)], policy);
        out.push(c);
    }
    Ok(out)
}

//! Valid signatures by signers the bundle does not trust, or does not authorise.

use pouch_crypto::Algorithm;
use pouch_status as s;

use super::{Case, report, trusted, valid_with_trust};
use crate::Error;
use crate::craft::{self, SealOpts};
use crate::fixture::{Fixture, NOW, label, time};

const DAY: i64 = 86_400;

pub(crate) fn cases(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let secret = label("NATO", "SECRET")?;
    let record = super::good::RECORD;
    // (id, title, description, requirements, signer name, signing time, trust codes)
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static str,
        i64,
        &'static [pouch_status::StatusCode],
    );
    let rows: [Row; 5] = [
        (
            "env-signer-expired",
            "Signer certificate expired before signing",
            "Norway's `expired` signer (valid from 400 to 30 days before the vectors' day) seals on the vectors' day: the signature is valid, the path is not valid at the signing time.",
            &["POUCH-TRUST-020"],
            "expired",
            NOW,
            &[s::TRUST_NOT_VALID_AT_SIGNING],
        ),
        (
            "env-signer-not-yet-valid",
            "Signer certificate not yet valid at signing",
            "A Norwegian ES256 signer valid only from ten days after the vectors' day seals on that day: not valid at the signing time.",
            &["POUCH-TRUST-020"],
            "not-yet-valid",
            NOW,
            &[s::TRUST_NOT_VALID_AT_SIGNING],
        ),
        (
            "env-signer-revoked",
            "Revoked signer",
            "Norway's `revoked` signer, whose serial is on Norway's intermediate CRL in the bundle: valid signature, revoked signer.",
            &["POUCH-TRUST-030"],
            "revoked",
            NOW,
            &[s::TRUST_REVOKED],
        ),
        (
            "env-signer-no-digital-signature",
            "Signer without keyUsage digitalSignature",
            "Norway's `no-digital-signature` signer (keyUsage contentCommitment only): the leaf does not fit the signer profile.",
            &["POUCH-TRUST-010"],
            "no-digital-signature",
            NOW,
            &[s::TRUST_KEY_USAGE],
        ),
        (
            "env-signer-untrusted",
            "Signer of a nation outside the bundle",
            "A Swedish signer whose chain ends at a Swedish root the bundle does not hold: the signature is valid, no path leads to a trusted anchor.",
            &["POUCH-TRUST-001"],
            "untrusted",
            NOW,
            &[s::TRUST_NO_PATH],
        ),
    ];
    for (id, title, description, reqs, signer, at, codes) in rows {
        let sg = fx.named(signer)?;
        let mut c = Case::new(id, title, description, reqs);
        c.algorithms = vec![Algorithm::Es256];
        c.envelope = craft::embedded(id, &secret, record, &SealOpts::originator(&sg, time(at)?))?;
        c.expect = report(vec![valid_with_trust(codes)], s::SEAL_POLICY_UNSATISFIED);
        out.push(c);
    }

    // Valid at signing, expired since: a warning, still trusted.
    let sg = fx.signer("NOR", Algorithm::Es384)?;
    let mut c = Case::new(
        "env-signer-expired-since-signing",
        "Signer certificate expired after the seal was made",
        "Norway's ES384 signer (valid for two years from an hour before the vectors' day) seals on the vectors' day; the verification time is 800 days later, after the signer certificate expired and while its CAs are still valid. The seal stays trusted, with the warning that the path is not valid at verification time.",
        &["POUCH-TRUST-021", "POUCH-TRUST-020"],
    );
    c.algorithms = vec![Algorithm::Es384];
    c.envelope = craft::embedded(
        c.id,
        &secret,
        record,
        &SealOpts::originator(&sg, time(NOW)?),
    )?;
    c.at = NOW + 800 * DAY;
    c.expect = report(
        vec![valid_with_trust(&[
            s::TRUST_SIGNER_TRUSTED,
            s::TRUST_NOT_VALID_AT_VERIFICATION,
        ])],
        s::SEAL_POLICY_SATISFIED,
    );
    out.push(c);

    // The Netherlands may seal up to CONFIDENTIAL only.
    let sg = fx.signer("NLD", Algorithm::Es384)?;
    let mut c = Case::new(
        "env-nation-unauthorised-classification",
        "Nation not authorised for the label's classification",
        "A trusted Dutch signer seals a NATO SECRET label; the bundle authorises the Netherlands for NATO up to CONFIDENTIAL. The signer is trusted, the seal is not authorised.",
        &["POUCH-TRUST-050"],
    );
    c.algorithms = vec![Algorithm::Es384];
    c.envelope = craft::embedded(
        c.id,
        &secret,
        record,
        &SealOpts::originator(&sg, time(NOW)?),
    )?;
    c.expect = report(
        vec![valid_with_trust(&[
            s::TRUST_SIGNER_TRUSTED,
            s::TRUST_UNAUTHORISED_CLASSIFICATION,
        ])],
        s::SEAL_POLICY_UNSATISFIED,
    );
    out.push(c);

    // An alternative label under a policy the endorser is not authorised for.
    let t = time(NOW)?;
    let nor = fx.signer("NOR", Algorithm::Es384)?;
    let dnk = fx.signer("DNK", Algorithm::EdDsa)?;
    let id = "env-endorse-alternative-label-unauthorised";
    let env = craft::embedded(id, &secret, record, &SealOpts::originator(&nor, t))?;
    let mut opts = SealOpts::endorser(&dnk, t);
    opts.alternative = Some(label("DNK", "HEMMELIGT")?);
    let mut c = Case::new(
        id,
        "Alternative label under a policy the endorser may not seal",
        "Norway seals NATO SECRET; Denmark endorses with an alternative label under the Danish national policy `DNK`, for which the bundle does not authorise Denmark. The Danish seal is valid and its signer trusted, but not authorised for its own assertion.",
        &["POUCH-TRUST-050", "POUCH-ENV-040"],
    );
    c.algorithms = vec![Algorithm::Es384, Algorithm::EdDsa];
    c.envelope = craft::endorse(&env, &opts)?;
    c.expect = report(
        vec![
            trusted(),
            valid_with_trust(&[s::TRUST_SIGNER_TRUSTED, s::TRUST_UNAUTHORISED_POLICY]),
        ],
        s::SEAL_POLICY_UNSATISFIED,
    );
    out.push(c);
    Ok(out)
}

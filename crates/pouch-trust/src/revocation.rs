//! Revocation against the bundle's CRLs (spec/04-trust.md §4.5), done here rather than by
//! webpki so that no CRL can mask another: every CRL of the bundle whose issuer is a
//! certificate's issuer is considered, each counts only if its signature verifies under
//! that issuer's key and it is current at the verification time, and a listing in any
//! counted CRL revokes.

use pouch_status::{self as status};

use super::CLOCK_SKEW_SECONDS;
use super::path::Entry;
use super::sigalg::{self, ProviderVerifier};
use super::x509::{self, Malformed};
use crate::crl::certificate_serial;
use crate::der::{Reader, tag};

/// id-ce-cRLNumber, id-ce-deltaCRLIndicator, id-ce-issuingDistributionPoint,
/// id-ce-certificateIssuer (2.5.29.20, 27, 28, 29), content octets.
const CRL_NUMBER: &[u8] = &[0x55, 0x1d, 0x14];
const DELTA_CRL_INDICATOR: &[u8] = &[0x55, 0x1d, 0x1b];
const ISSUING_DISTRIBUTION_POINT: &[u8] = &[0x55, 0x1d, 0x1c];
const CERTIFICATE_ISSUER: &[u8] = &[0x55, 0x1d, 0x1d];
/// id-ce-reasonCode and id-ce-invalidityDate (2.5.29.21, 24): read by nobody, on purpose.
const ENTRY_EXTENSIONS_OK: [&[u8]; 2] = [&[0x55, 0x1d, 0x15], &[0x55, 0x1d, 0x18]];

const CONTEXT_0: u8 = 0xa0;

/// One CRL of the bundle, parsed once.
#[derive(Clone, Debug)]
pub(crate) struct Crl {
    /// The issuer Name's contents (as [`x509::CertFields::issuer`]).
    issuer: Vec<u8>,
    this_update: i64,
    next_update: i64,
    /// Serial-number magnitudes of the revoked certificates.
    revoked: Vec<Vec<u8>>,
    /// The whole DER tbsCertList, the signed message.
    tbs: Vec<u8>,
    /// The signature AlgorithmIdentifier's contents.
    signature_alg: Vec<u8>,
    /// The signature BIT STRING's bits.
    signature: Vec<u8>,
}

fn next<'a>(reader: &mut Reader<'a>, expected: u8) -> Result<crate::der::Tlv<'a>, Malformed> {
    reader.expect(expected).map_err(|_| "unexpected structure")
}

/// Reads a CRL, refusing by name what Pouch does not support (POUCH-TRUST-032): delta
/// CRLs, CRLs with an issuingDistributionPoint (partitioned or indirect), entries naming a
/// certificateIssuer (indirect), an unknown critical extension, no nextUpdate, and no or a
/// critical cRLNumber.
pub(crate) fn parse_crl(der: &[u8]) -> Result<Crl, Malformed> {
    let mut outer = Reader::new(der);
    let list = next(&mut outer, tag::SEQUENCE)?;
    if !outer.is_empty() {
        return Err("trailing data after the CRL");
    }
    let mut parts = Reader::new(list.content);
    let tbs = next(&mut parts, tag::SEQUENCE)?;
    let outer_alg = next(&mut parts, tag::SEQUENCE)?;
    let bits = next(&mut parts, tag::BIT_STRING)?;
    if !parts.is_empty() {
        return Err("trailing data in the CRL");
    }
    let signature = match bits.content.split_first() {
        Some((0, bits)) => bits.to_vec(),
        _ => return Err("malformed CRL signature"),
    };
    let mut fields = Reader::new(tbs.content);
    let mut field = fields.any().map_err(|_| "truncated tbsCertList")?;
    if field.tag == tag::INTEGER {
        if field.content != [1] {
            return Err("CRL version is not v2");
        }
        field = next(&mut fields, tag::SEQUENCE)?;
    }
    if field.tag != tag::SEQUENCE {
        return Err("missing CRL signature algorithm");
    }
    if field.content != outer_alg.content {
        return Err("the CRL's two signature algorithms differ");
    }
    let issuer = next(&mut fields, tag::SEQUENCE)?.content.to_vec();
    let this_update = x509::read_time(&mut fields)?;
    let mut rest = fields;
    let next_update = match rest.any() {
        Ok(t) if t.tag == tag::UTC_TIME || t.tag == tag::GENERALIZED_TIME => {
            x509::read_time(&mut fields)?
        }
        _ => return Err("the CRL has no nextUpdate"),
    };
    let mut revoked = Vec::new();
    let mut extensions = Vec::new();
    while !fields.is_empty() {
        let f = fields.any().map_err(|_| "malformed tbsCertList")?;
        match f.tag {
            tag::SEQUENCE if revoked.is_empty() && extensions.is_empty() => {
                let mut entries = Reader::new(f.content);
                while !entries.is_empty() {
                    revoked.push(read_entry(next(&mut entries, tag::SEQUENCE)?.content)?);
                }
            }
            CONTEXT_0 if extensions.is_empty() => {
                x509::read_extensions(f.content, &mut extensions)?;
            }
            _ => return Err("unexpected field in tbsCertList"),
        }
    }
    if next_update < this_update {
        return Err("the CRL's nextUpdate is before its thisUpdate");
    }
    let mut has_number = false;
    for &(oid, critical, _) in &extensions {
        match oid {
            CRL_NUMBER if critical => {
                return Err("the CRL's cRLNumber extension is marked critical");
            }
            CRL_NUMBER => has_number = true,
            DELTA_CRL_INDICATOR => return Err("delta CRLs are not supported"),
            ISSUING_DISTRIBUTION_POINT => {
                return Err(
                    "CRLs with an issuingDistributionPoint (partitioned or indirect) are not supported",
                );
            }
            _ if critical => return Err("the CRL has an unknown critical extension"),
            _ => {}
        }
    }
    if !has_number {
        return Err("the CRL has no cRLNumber extension");
    }
    Ok(Crl {
        issuer,
        this_update,
        next_update,
        revoked,
        tbs: tbs.whole.to_vec(),
        signature_alg: outer_alg.content.to_vec(),
        signature,
    })
}

/// One revokedCertificates entry: its serial's magnitude.
fn read_entry(content: &[u8]) -> Result<Vec<u8>, Malformed> {
    let mut fields = Reader::new(content);
    let serial = next(&mut fields, tag::INTEGER)?;
    x509::read_time(&mut fields)?;
    if !fields.is_empty() {
        // read_extensions takes the bytes holding the Extensions SEQUENCE, which an entry
        // carries bare (not under an explicit tag).
        let list = next(&mut fields, tag::SEQUENCE)?;
        let mut exts = Vec::new();
        x509::read_extensions(list.whole, &mut exts)?;
        for &(oid, critical, _) in &exts {
            if oid == CERTIFICATE_ISSUER {
                return Err("indirect CRL entries (certificateIssuer) are not supported");
            }
            if critical && !ENTRY_EXTENSIONS_OK.contains(&oid) {
                return Err("a CRL entry has an unknown critical extension");
            }
        }
    }
    if !fields.is_empty() {
        return Err("trailing data in a CRL entry");
    }
    crate::der::unsigned_integer_magnitude(serial.content)
        .map(<[u8]>::to_vec)
        .map_err(|_| "malformed serial number in a CRL entry")
}

/// What the bundle's CRLs say about one certificate of a path, whatever the time.
#[derive(Clone, Debug)]
pub(crate) struct CertRevocation {
    /// `the leaf`, `intermediate 1`, ...
    who: String,
    /// Each CRL of its issuer whose signature verifies: (thisUpdate, nextUpdate, lists it).
    authentic: Vec<(i64, i64, bool)>,
    /// CRLs naming its issuer whose signature does not verify under the issuer's key.
    forged: usize,
}

/// Checks `path` (leaf first, then the intermediates) whose last certificate is issued by
/// the anchor `anchor_der`, against `crls`.
pub(crate) fn assess(
    verifiers: &[ProviderVerifier],
    crls: &[Crl],
    path: &[Vec<u8>],
    anchor_der: &[u8],
) -> Result<Vec<CertRevocation>, Malformed> {
    let mut out = Vec::with_capacity(path.len());
    for (i, der) in path.iter().enumerate() {
        let cert = x509::parse(der)?;
        let issuer_der = path.get(i + 1).map_or(anchor_der, Vec::as_slice);
        let issuer = x509::parse(issuer_der)?;
        let serial = certificate_serial(der).map_err(|_| "malformed serial number")?;
        let mut authentic = Vec::new();
        let mut forged = 0;
        for crl in crls.iter().filter(|c| c.issuer == cert.issuer) {
            if sigalg::verify(
                verifiers,
                issuer.spki,
                &crl.signature_alg,
                &crl.tbs,
                &crl.signature,
            ) {
                let listed = crl.revoked.iter().any(|s| *s == serial);
                authentic.push((crl.this_update, crl.next_update, listed));
            } else {
                forged += 1;
            }
        }
        out.push(CertRevocation {
            who: if i == 0 {
                "the leaf".to_owned()
            } else {
                format!("intermediate {i}")
            },
            authentic,
            forged,
        });
    }
    Ok(out)
}

/// The revocation entries at `time`: `trust.revoked` if a current authentic CRL lists a
/// certificate; otherwise, for certificates without a current authentic CRL,
/// `trust.revocation-unknown` when revocation is `required`, else the warning
/// `trust.revocation-not-checked`.
pub(crate) fn verdict(certs: &[CertRevocation], time: i64, required: bool) -> Vec<Entry> {
    let current = |&&(this, next, _): &&(i64, i64, bool)| {
        this <= time.saturating_add(CLOCK_SKEW_SECONDS) && time < next
    };
    let mut revoked = Vec::new();
    let mut unknown = Vec::new();
    for c in certs {
        let counted: Vec<&(i64, i64, bool)> = c.authentic.iter().filter(current).collect();
        if counted.iter().any(|(_, _, listed)| *listed) {
            revoked.push(c.who.clone());
        } else if counted.is_empty() {
            let why = match (c.authentic.len(), c.forged) {
                (0, 0) => "no CRL of its issuer".to_owned(),
                (0, f) => format!("{f} CRL(s) of its issuer's name, none signed by its key"),
                (n, _) => format!("{n} CRL(s) of its issuer, none current at {time}"),
            };
            unknown.push(format!("{}: {why}", c.who));
        }
    }
    if !revoked.is_empty() {
        return vec![(
            status::TRUST_REVOKED,
            Some(format!(
                "on a current CRL of the bundle: {}",
                revoked.join(", ")
            )),
        )];
    }
    if unknown.is_empty() {
        return Vec::new();
    }
    let code = if required {
        status::TRUST_REVOCATION_UNKNOWN
    } else {
        status::TRUST_REVOCATION_NOT_CHECKED
    };
    vec![(code, Some(unknown.join("; ")))]
}

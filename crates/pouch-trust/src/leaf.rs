//! The leaf checks webpki leaves to its caller: the signer profile (basicConstraints,
//! keyUsage, extendedKeyUsage, nameConstraints) and the nation's country.

use pouch_status as status;

use super::path::Entry;
use super::{ChainValidator, LeafProfile, x509};

impl ChainValidator<'_> {
    /// The leaf checks of [`LeafProfile`].
    pub(super) fn leaf_findings(&self, leaf: &x509::CertFields<'_>) -> Vec<Entry> {
        let mut out = Vec::new();
        let malformed = |r: &str| {
            (
                status::TRUST_CERTIFICATE_MALFORMED,
                Some(format!("leaf: {r}")),
            )
        };
        let strict = self.profile == LeafProfile::Pouch;
        match leaf.is_ca() {
            Ok(true) => out.push((
                status::TRUST_LEAF_IS_CA,
                Some("basicConstraints cA is TRUE".to_owned()),
            )),
            Ok(false) => {}
            Err(r) => out.push(malformed(r)),
        }
        let encryption = self.profile == LeafProfile::Encryption;
        match leaf.key_usage() {
            // keyEncipherment (2) for a KEM key, keyAgreement (4) for a DHKEM key.
            Ok(Some(bits)) if encryption && !bits.has(2) && !bits.has(4) => out.push((
                status::TRUST_KEY_USAGE,
                Some("keyUsage has neither keyEncipherment nor keyAgreement".to_owned()),
            )),
            Ok(None) if encryption => out.push((
                status::TRUST_KEY_USAGE,
                Some("keyUsage is absent".to_owned()),
            )),
            Ok(Some(bits)) if !encryption && !bits.has(0) => out.push((
                status::TRUST_KEY_USAGE,
                Some("keyUsage lacks digitalSignature".to_owned()),
            )),
            // RFC 5280 4.2.1.3: keyCertSign only with cA, so never in a signer's certificate.
            Ok(Some(bits)) if bits.has(5) => out.push((
                status::TRUST_KEY_USAGE,
                Some("keyUsage asserts keyCertSign".to_owned()),
            )),
            Ok(None) if strict => {
                out.push((
                    status::TRUST_KEY_USAGE,
                    Some("keyUsage is absent".to_owned()),
                ));
            }
            Ok(_) => {}
            Err(r) => out.push(malformed(r)),
        }
        match leaf.extended_key_usage() {
            Ok(Some(present)) => {
                for oid in &self.purposes.required {
                    if !present.contains(&oid.as_slice()) {
                        let detail =
                            format!("extendedKeyUsage lacks {}", describe(&self.profile, oid));
                        out.push((status::TRUST_EXTENDED_KEY_USAGE, Some(detail)));
                    }
                }
            }
            Ok(None) if strict && !encryption => out.push((
                status::TRUST_EXTENDED_KEY_USAGE,
                Some("extendedKeyUsage is absent; id-kp-documentSigning is required".to_owned()),
            )),
            Ok(None) => {}
            Err(r) => out.push(malformed(r)),
        }
        // RFC 5280 4.2.1.10: name constraints belong in CA certificates only.
        if leaf
            .extensions
            .iter()
            .any(|(oid, _, _)| *oid == NAME_CONSTRAINTS)
        {
            out.push((
                status::TRUST_PATH_CONSTRAINTS,
                Some("the leaf carries nameConstraints".to_owned()),
            ));
        }
        out
    }

    pub(super) fn country_finding(
        &self,
        leaf: &x509::CertFields<'_>,
        nation: usize,
    ) -> Option<Entry> {
        let nation = self.bundle.nations.get(nation)?;
        let expected = nation.country.as_deref()?;
        let countries = leaf.subject_countries().unwrap_or_default();
        if !countries.is_empty() && countries.iter().all(|c| *c == expected.as_bytes()) {
            return None;
        }
        let found: Vec<String> = countries
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        Some((
            status::TRUST_COUNTRY_MISMATCH,
            Some(format!(
                "leaf subject C = [{}]; nation {} requires {expected}",
                found.join(", "),
                nation.code
            )),
        ))
    }
}

/// id-ce-nameConstraints, content octets.
const NAME_CONSTRAINTS: &[u8] = crate::oid::EXT_NAME_CONSTRAINTS.as_bytes();

fn describe(profile: &LeafProfile, content: &[u8]) -> String {
    match profile {
        LeafProfile::Pouch => "id-kp-documentSigning (1.3.6.1.5.5.7.3.36)".to_owned(),
        LeafProfile::Eku(oids) => oids
            .iter()
            .find(|o| o.as_bytes() == content)
            .map(|o| o.to_string())
            .unwrap_or_default(),
        LeafProfile::Encryption => String::new(),
    }
}

//! `pouch demo`: the embedded default. Until envelopes exist it shows one label in its three
//! forms, proves they convert losslessly, checks it, and shows a faulty label refused.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, bail};
use pouch_label::{Label, Limits};

use crate::EXIT_OK;

/// An originator label as a NATO system would write it: with a time-zone offset, which Pouch
/// turns into UTC.
const DEMO_LABEL_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<slab:originatorConfidentialityLabel xmlns:slab="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"
    ReviewDateTime="2036-11-28T00:00:00Z">
  <slab:ConfidentialityInformation>
    <slab:PolicyIdentifier URI="urn:oid:1.3.26.1.3.1">NATO</slab:PolicyIdentifier>
    <slab:Classification>SECRET</slab:Classification>
    <slab:PrivacyMark>EXERCISE FROSTY PINE</slab:PrivacyMark>
    <slab:Category TagName="Releasable To" Type="PERMISSIVE">
      <slab:GenericValue>FIN</slab:GenericValue>
      <slab:GenericValue>SWE</slab:GenericValue>
    </slab:Category>
  </slab:ConfidentialityInformation>
  <slab:OriginatorID IDType="rfc822Name">registry@mod.example.no</slab:OriginatorID>
  <slab:CreationDateTime>2026-11-28T10:15:00+01:00</slab:CreationDateTime>
</slab:originatorConfidentialityLabel>
"#;

/// ADatP-4774 Table 17 example 2 as published: it lacks the required CreationDateTime.
const FAULTY_LABEL_XML: &str = r#"<originatorConfidentialityLabel xmlns="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0">
<ConfidentialityInformation>
<PolicyIdentifier>NATO</PolicyIdentifier>
<Classification>UNCLASSIFIED</Classification>
</ConfidentialityInformation>
</originatorConfidentialityLabel>"#;

pub(crate) fn run(out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let limits = Limits::default();
    writeln!(
        out,
        "Pouch demo: one confidentiality label, three equal forms\n"
    )?;
    writeln!(out, "1. ADatP-4774 XML as received:\n{DEMO_LABEL_XML}")?;
    let (role, label) =
        Label::from_xml(DEMO_LABEL_XML.as_bytes(), &limits).context("decoding the demo label")?;

    let cbor = label.to_cbor();
    writeln!(
        out,
        "2. Normative deterministic CBOR ({} bytes):",
        cbor.len()
    )?;
    for chunk in cbor.chunks(32) {
        let hex: String = chunk.iter().map(|b| format!("{b:02x}")).collect();
        writeln!(out, "   {hex}")?;
    }
    let from_cbor = Label::from_cbor(&cbor, &limits).context("decoding the CBOR form")?;

    let json = from_cbor.to_json();
    writeln!(out, "\n3. JSON (decoded from the CBOR):\n{json}")?;
    let from_json = Label::from_json(json.as_bytes(), &limits).context("decoding the JSON form")?;

    let xml = from_json.to_xml(role);
    writeln!(out, "\n4. ADatP-4774 XML again (from the JSON):\n{xml}")?;
    let (role_again, again) =
        Label::from_xml(xml.as_bytes(), &limits).context("decoding the re-written XML")?;
    if again != label || role_again != role || again.to_cbor() != cbor {
        bail!("the label did not survive XML -> CBOR -> JSON -> XML unchanged");
    }
    writeln!(
        out,
        "Round trip XML -> CBOR -> JSON -> XML: same label, same CBOR bytes."
    )?;

    writeln!(out, "\n5. Plain marking: {}", label.marking())?;
    let findings = pouch_label::check(&label);
    writeln!(out, "   Check: {}", pouch_status::LABEL_WELL_FORMED)?;
    for f in &findings {
        writeln!(out, "   {} at {}: {}", f.code, f.path, f.detail)?;
    }
    if findings.is_empty() {
        writeln!(out, "   No advisory rule broken.")?;
    }

    writeln!(out, "\n6. ADatP-4774 Table 17 example 2, as published:")?;
    match Label::from_xml(FAULTY_LABEL_XML.as_bytes(), &limits) {
        Ok(_) => bail!("the faulty demo label was accepted"),
        Err(e) => writeln!(out, "   refused: {}: {e}", pouch_status::LABEL_MALFORMED)?,
    }
    Ok(ExitCode::from(EXIT_OK))
}

//! Reading a certificate's serial number, to match it against revocation lists.

use crate::Error;
use crate::der::{self, Reader, tag};

/// The serial number of a DER certificate, as a big-endian unsigned magnitude (without the
/// sign octet DER may put in front).
pub fn certificate_serial(cert_der: &[u8]) -> Result<Vec<u8>, Error> {
    let mut outer = Reader::new(cert_der);
    let cert = outer.expect(tag::SEQUENCE)?;
    let mut parts = Reader::new(cert.content);
    let tbs = parts.expect(tag::SEQUENCE)?;
    let mut fields = Reader::new(tbs.content);
    let mut first = fields.any()?;
    if first.tag == 0xa0 {
        first = fields.expect(tag::INTEGER)?;
    }
    if first.tag != tag::INTEGER {
        return Err(Error::Malformed {
            position: 0,
            reason: "missing serialNumber",
        });
    }
    Ok(der::unsigned_integer_magnitude(first.content)?.to_vec())
}

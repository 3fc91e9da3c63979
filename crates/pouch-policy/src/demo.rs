//! The demonstration policies (`policies/` in this crate): a coalition policy and one
//! nation's policy with equivalences both ways, written for `pouch demo` and the test
//! vectors. Neither is any nation's real policy; their OIDs are under the example arc 2.999.

/// `POUCH-DEMO` (2.999.4774.1): the coalition policy. Classifications UNCLASSIFIED to SECRET;
/// a permissive "Releasable To" tag set with the five demo nations and the group COALITION
/// (Norway, Denmark, the Netherlands, by `nspif:memberships`); a restrictive "Special
/// Handling" tag set of at most two values (CRYPTO, PERSONNEL; NUCLEAR, which needs CRYPTO
/// and excludes Releasable To SWE; LEGACY, obsolete; EXERCISE, in force until 2020 only), so
/// that the test vectors can break each rule of a label under a policy. Markings in English
/// and Norwegian (`nb`).
pub const COALITION_SPIF: &[u8] = include_bytes!("../policies/pouch-demo.spif.xml");

/// `NOR-DEMO` (2.999.4774.2): Norway's national policy, equivalent value for value to the
/// coalition policy (UGRADERT to HEMMELIG; "Kan frigis til"; "Spesialbehandling").
pub const NATIONAL_SPIF: &[u8] = include_bytes!("../policies/nor-demo.spif.xml");

//! The one parser of each option type this crate owns (seal policy, sealing role), as the
//! command line and every binding use it (spec/03-envelope.md §3.6, POUCH-ENV-051).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use pouch::{ParseError, Role, SealPolicy};

fn nations(threshold: usize, list: &[&str]) -> SealPolicy {
    SealPolicy::Nations {
        threshold,
        nations: list.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[test]
fn seal_policies_parse_and_print_back() {
    for (text, want) in [
        ("all", SealPolicy::AllValid),
        ("hybrid", SealPolicy::Hybrid),
        ("nations:2:NOR,DNK,NLD", nations(2, &["NOR", "DNK", "NLD"])),
        ("nations:1: NO , SE", nations(1, &["NO", "SE"])),
    ] {
        let p: SealPolicy = text.parse().unwrap();
        assert_eq!(p, want, "{text}");
        assert_eq!(p.to_string().parse::<SealPolicy>().unwrap(), p);
    }
}

#[test]
fn a_policy_nothing_can_fail_or_pass_is_refused() {
    for (text, fault) in [
        ("bogus", "expected all, hybrid"),
        ("All", "expected all, hybrid"),
        ("nations:1:", "empty nation code"),
        ("nations:1", "expected all, hybrid"),
        ("nations:0:A", "threshold"),
        ("nations:-1:A", "threshold"),
        ("nations:x:A", "threshold"),
        ("nations:3:NOR,DNK", "threshold"),
        ("nations:1:NOR,,DNK", "empty nation code"),
        ("nations:1:NOR,NOR", "twice"),
        ("nations:1:N O", "letters, digits"),
    ] {
        match text.parse::<SealPolicy>() {
            Err(e @ ParseError { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains(fault), "{text}: {msg}");
                assert!(msg.contains("seal policy"), "{text}: {msg}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn roles_parse_by_their_report_spelling() {
    for r in Role::ALL {
        assert_eq!(r.name().parse::<Role>().unwrap(), r);
    }
    let e = "king".parse::<Role>().unwrap_err().to_string();
    assert!(
        e.contains("king") && e.contains("releasing-authority"),
        "{e}"
    );
}

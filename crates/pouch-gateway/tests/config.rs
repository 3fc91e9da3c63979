//! The configuration file: the complete example loads, and each mistake is refused with a
//! message naming the key.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pouch_gateway::{Config, Error};

fn example() -> String {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/gateway/gateway.toml"
    );
    std::fs::read_to_string(p).unwrap()
}

fn refused(text: &str) -> String {
    match Config::parse(text) {
        Err(Error::Config { detail, .. }) => detail,
        other => panic!("accepted or wrong error: {other:?}"),
    }
}

#[test]
fn the_documented_example_parses() {
    let c = Config::parse(&example()).unwrap();
    assert_eq!(c.partners.len(), 2);
    assert_eq!(c.inbound.ack_wait_secs, 30);
    assert_eq!(c.limits.max_envelope_bytes, 1 << 20);
    assert_eq!(c.http.listen.unwrap().port(), 9464);
}

#[test]
fn mistakes_are_named() {
    let ex = example();
    // (what the example says, the mistake in its place, what the message names)
    for (from, to, named) in [
        ("batch = 64", "batch = 64\nbatchh = 3", "batchh"),
        (
            "listen = \"127.0.0.1:9464\"",
            "listen = \"0.0.0.0:9464\"",
            "loopback",
        ),
        ("nation = \"NLD\"", "nation = \"DNK\"", "twice"),
        ("nation = \"NLD\"", "nation = \"N.LD\"", "subject token"),
        (
            "duplicate_window_secs = 3600",
            "duplicate_window_secs = 30",
            "duplicate_window_secs",
        ),
        (
            "seal_policy = \"all\"",
            "seal_policy = \"some\"",
            "seal_policy",
        ),
    ] {
        let d = refused(&ex.replace(from, to));
        assert!(d.contains(named), "{to:?}: {d}");
    }
    let no_partner: String = ex
        .split("[[partner]]")
        .enumerate()
        .map(|(i, s)| {
            if i == 0 {
                s.to_owned()
            } else {
                s.split_once("\n\n")
                    .map_or(String::new(), |x| x.1.to_owned())
            }
        })
        .collect();
    let d = refused(&no_partner);
    assert!(d.contains("partner"), "{d}");
}

#[test]
fn a_missing_file_names_the_path() {
    match Config::load(std::path::Path::new("/nonexistent/gateway.toml")) {
        Err(Error::Io { path, .. }) => assert!(path.contains("/nonexistent/gateway.toml")),
        other => panic!("{other:?}"),
    }
}

//! Time and memory bounds of every decoder on its worst inputs (issue 7).
//!
//! For each decoder, a valid input of about `SIZE` bytes is the baseline; each hostile class
//! is an input of the same size built to cost the most (depth bombs, length bombs, item
//! floods, bit flips, XML bombs...). Each class runs in its own child process, so the peak
//! RSS it reports (`VmHWM`) is that class's alone. Printed: time per input and peak RSS, each
//! as a ratio to the decoder's valid baseline of the same size.
//!
//! `cargo run --release -p pouch-fuzz --example bounds -- [SIZE_KIB]` (default 1024);
//! `scripts/bounds.sh` runs it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use pouch_label::{Label, Limits as LabelLimits};

/// One input class: the decoder it feeds, its name, and how to build it at a size.
struct Class {
    decoder: &'static str,
    name: &'static str,
    build: fn(usize) -> Vec<u8>,
}

/// The start tag of a SPIF, for the SPIF bombs.
const SPIF_OPEN: &[u8] = b"<spif:SPIF xmlns:spif=\"http://www.xmlspif.org/spif\">";

/// `head`, then `fill` up to `n` bytes (cut to `n` if longer).
fn padded(head: &[u8], n: usize, fill: u8) -> Vec<u8> {
    let mut v = head.to_vec();
    v.resize(n, fill);
    v
}

fn envelope_valid(size: usize) -> Vec<u8> {
    // A real envelope with an embedded record filling the size, from the fuzz seeds' PKI.
    let record = vec![0x5au8; size.saturating_sub(3000)];
    pouch_fuzz::sample_envelope(&record)
}

fn classes() -> Vec<Class> {
    vec![
        Class {
            decoder: "envelope",
            name: "valid",
            build: envelope_valid,
        },
        Class {
            decoder: "envelope",
            name: "depth bomb (nested arrays)",
            build: |n| vec![0x81; n],
        },
        Class {
            decoder: "envelope",
            name: "length bomb (claims 2^63 bytes)",
            build: |n| {
                padded(
                    &[
                        0xd8, 0x62, 0x84, 0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                    ],
                    n,
                    0,
                )
            },
        },
        Class {
            decoder: "envelope",
            name: "item flood (one array of n zeros)",
            build: |n| {
                let mut v = vec![0x9b];
                v.extend_from_slice(&(n as u64).to_be_bytes());
                v.resize(n, 0);
                v
            },
        },
        Class {
            decoder: "envelope",
            name: "map of n/2 sorted keys",
            build: |n| {
                let pairs = n / 6;
                let mut e = pouch_cbor::Encoder::with_capacity(n);
                e.map(pairs as u64);
                for k in 0..pairs as u64 {
                    e.u64(k).u64(0);
                }
                e.into_bytes()
            },
        },
        Class {
            decoder: "envelope",
            name: "valid, last byte flipped",
            build: |n| {
                let mut v = envelope_valid(n);
                if let Some(b) = v.last_mut() {
                    *b ^= 1;
                }
                v
            },
        },
        Class {
            decoder: "envelope",
            name: "valid, cut in half",
            build: |n| {
                let mut v = envelope_valid(n);
                v.truncate(v.len() / 2);
                v
            },
        },
        Class {
            decoder: "sequence",
            name: "valid (envelopes back to back)",
            build: |n| {
                let one = envelope_valid(4096);
                one.repeat((n / one.len()).max(1))
            },
        },
        Class {
            decoder: "sequence",
            name: "item claiming 2^63 bytes",
            build: |n| {
                padded(
                    &[0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                    n,
                    0,
                )
            },
        },
        Class {
            decoder: "sequence",
            name: "depth bomb",
            build: |n| vec![0x81; n],
        },
        Class {
            decoder: "label-json",
            name: "valid (64 categories of short values)",
            build: |n| label_json_with_mark(n),
        },
        Class {
            decoder: "label-json",
            name: "nesting bomb",
            build: |n| padded(b"{\"confidentialityInformation\":", n, b'['),
        },
        Class {
            decoder: "label-json",
            name: "one huge string",
            build: |n| {
                padded(
                    b"{\"confidentialityInformation\":{\"policyIdentifier\":\"",
                    n,
                    b'A',
                )
            },
        },
        Class {
            decoder: "label-xml",
            name: "valid (64 categories of short values)",
            build: |n| {
                // The XML form is larger than the JSON one: shrink until it fits.
                let mut json_size = n;
                loop {
                    let l =
                        Label::from_json(&label_json_with_mark(json_size), &LabelLimits::default())
                            .unwrap();
                    let xml = l.to_xml(pouch_label::LabelElement::Originator).into_bytes();
                    if xml.len() <= n {
                        return xml;
                    }
                    json_size = json_size * 9 / 10;
                }
            },
        },
        Class {
            decoder: "label-xml",
            name: "entity bomb (DOCTYPE)",
            build: |n| xml_entity_bomb(n),
        },
        Class {
            decoder: "label-xml",
            name: "nesting bomb",
            build: |n| b"<a>".repeat(n / 3),
        },
        Class {
            decoder: "label-xml",
            name: "one huge attribute",
            build: |n| {
                let mut v = b"<originatorConfidentialityLabel xmlns=\"urn:nato:stanag:4774:confidentialitymetadatalabel:1:0\" x=\"".to_vec();
                v.resize(n, b'A');
                v.extend_from_slice(b"\"/>");
                v
            },
        },
        Class {
            decoder: "spif",
            name: "valid (demo policy, padded with comments)",
            build: |n| {
                let mut v = pouch_policy::demo::COALITION_SPIF.to_vec();
                let pad = n.saturating_sub(v.len());
                let mut c = b"<!--".to_vec();
                c.resize(pad.saturating_sub(3).max(4), b'x');
                c.extend_from_slice(b"-->");
                v.extend_from_slice(&c);
                v
            },
        },
        Class {
            decoder: "spif",
            name: "entity bomb (DOCTYPE)",
            build: |n| xml_entity_bomb(n),
        },
        Class {
            decoder: "spif",
            name: "nesting bomb",
            build: |n| [SPIF_OPEN, &b"<a>".repeat(n / 3)].concat(),
        },
        Class {
            decoder: "spif",
            name: "element flood",
            build: |n| [SPIF_OPEN, &b"<a/>".repeat(n / 4), b"</spif:SPIF>"].concat(),
        },
        Class {
            decoder: "ess",
            name: "valid (one enumerated category, many lacvs)",
            build: |n| ess_valid(n),
        },
        Class {
            decoder: "ess",
            name: "depth bomb (nested SETs)",
            build: |n| {
                // SET { SET { ... } } with long-form lengths, n bytes in all.
                let mut v = Vec::with_capacity(n);
                let levels = n / 6;
                for i in 0..levels {
                    let inner = (levels - i - 1) * 6;
                    v.push(0x31);
                    v.push(0x84);
                    v.extend_from_slice(&(inner as u32).to_be_bytes());
                }
                v
            },
        },
        Class {
            decoder: "ess",
            name: "length bomb (claims 2^32 bytes)",
            build: |n| padded(&[0x31, 0x84, 0xff, 0xff, 0xff, 0xff], n, 0),
        },
    ]
}

/// A valid label of about `n` bytes within the default limits: up to 64 permissive
/// categories of short values (a long privacy mark would break the 1 KiB string limit).
fn label_json_with_mark(n: usize) -> Vec<u8> {
    let mut cats = Vec::new();
    let mut len = 120;
    let mut id = 0u32;
    'outer: for c in 0..64 {
        let mut values = Vec::new();
        for _ in 0..500 {
            if len + 10 > n {
                if !values.is_empty() {
                    cats.push(format!(
                        r#"{{"tagName":"T{c}","type":"PERMISSIVE","values":[{}]}}"#,
                        values.join(",")
                    ));
                }
                break 'outer;
            }
            values.push(format!("\"V{id:06}\""));
            id += 1;
            len += 10;
        }
        len += 40;
        cats.push(format!(
            r#"{{"tagName":"T{c}","type":"PERMISSIVE","values":[{}]}}"#,
            values.join(",")
        ));
    }
    format!(
        r#"{{"confidentialityInformation":{{"policyIdentifier":"NATO","classification":"SECRET","categories":[{}]}},"creationDateTime":"2026-11-28T09:00:00Z"}}"#,
        cats.join(",")
    )
    .into_bytes()
}

fn xml_entity_bomb(n: usize) -> Vec<u8> {
    let mut v = b"<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><l>".to_vec();
    while v.len() + 4 < n {
        v.extend_from_slice(b"&d;");
    }
    v.extend_from_slice(b"</l>");
    v
}

fn ess_valid(n: usize) -> Vec<u8> {
    // Within the 8,192-element limit.
    let count = (n / 6).clamp(1, 8000) as u64;
    let lacvs: Vec<u64> = (1..=count).collect();
    let label = pouch_ess::EssLabel {
        policy: Some("2.999.4774.1".parse().unwrap()),
        classification: Some(4),
        privacy_mark: None,
        categories: vec![
            pouch_ess::SecurityCategory::from_lacvs(
                pouch_ess::TagType::Enumerated(pouch_ess::EnumType::Permissive),
                "2.999.4774.1.1".parse().unwrap(),
                &lacvs,
            )
            .unwrap(),
        ],
    };
    label.to_der().unwrap()
}

/// The size for a decoder: labels and ESS labels have a 64 KiB input limit, so their inputs
/// are kept just under it, where the decoder really works; larger ones are refused at once.
fn sized(decoder: &str, size: usize) -> usize {
    match decoder {
        "label-json" | "label-xml" | "ess" => size.min(60 * 1024),
        _ => size,
    }
}

/// Runs the decoder once on `input`; the verdict is ignored, only its cost matters.
fn decode(decoder: &str, input: &[u8]) {
    match decoder {
        "envelope" => {
            let _ = black_box(pouch::Envelope::decode(input, &pouch::Limits::default()));
        }
        "sequence" => {
            for item in pouch_cbor::SequenceReader::new(input, 64 << 20, 24) {
                let _ = black_box(item);
            }
        }
        "label-json" => {
            let _ = black_box(Label::from_json(input, &LabelLimits::default()));
        }
        "label-xml" => {
            let _ = black_box(Label::from_xml(input, &LabelLimits::default()));
        }
        "spif" => {
            let _ = black_box(pouch_policy::Policy::load(
                input,
                &pouch_policy::Limits::default(),
            ));
        }
        "ess" => {
            let _ = black_box(pouch_ess::EssLabel::decode(
                input,
                &pouch_ess::Limits::default(),
            ));
        }
        other => panic!("no decoder {other}"),
    }
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Child mode: build one class's input, decode it repeatedly for about half a second, print
/// `nanoseconds-per-decode peak-rss-kib input-bytes`.
fn child(index: usize, size: usize) {
    let class = &classes()[index];
    let input = (class.build)(sized(class.decoder, size));
    let base_rss = vm_hwm_kib();
    let start = Instant::now();
    let mut runs = 0u32;
    while runs < 3 || (start.elapsed().as_millis() < 500 && runs < 10_000) {
        decode(class.decoder, &input);
        runs += 1;
    }
    let per = start.elapsed().as_nanos() as f64 / f64::from(runs);
    println!("{per} {} {} {}", vm_hwm_kib(), base_rss, input.len());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        child(args[2].parse().unwrap(), args[3].parse().unwrap());
        return;
    }
    let size = args.get(1).map_or(1024, |s| s.parse().unwrap()) * 1024;
    let exe = std::env::current_exe().unwrap();
    println!(
        "decoder bounds: worst inputs of about {} KiB (labels and ESS: 60 KiB, under their 64 KiB limit) against a valid input of the same size",
        size / 1024
    );
    println!(
        "(time per decode and peak RSS of a child process running only that class; ratios to the valid row)"
    );
    println!(
        "{:<11} {:<42} {:>9} {:>10} {:>9} {:>10} {:>9}",
        "decoder", "input", "bytes", "us/decode", "time x", "RSS KiB", "RSS x"
    );
    let mut base: Option<(&str, f64, f64)> = None;
    for (i, class) in classes().iter().enumerate() {
        let out = Command::new(&exe)
            .args(["--child", &i.to_string(), &size.to_string()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} / {} crashed: {}",
            class.decoder,
            class.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let f: Vec<f64> = text
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        let (ns, rss, len) = (f[0], f[1], f[3]);
        if class.name.starts_with("valid") && base.is_none_or(|b| b.0 != class.decoder) {
            base = Some((class.decoder, ns, rss));
        }
        let (_, bns, brss) = base.unwrap();
        println!(
            "{:<11} {:<42} {:>9} {:>10.1} {:>9.3} {:>10} {:>9.3}",
            class.decoder,
            class.name,
            len,
            ns / 1000.0,
            ns / bns,
            rss,
            rss / brss
        );
    }
}

//! `nobi phone`: one chat message per line on stdin, one JSON object per line on stdout:
//!
//! ```text
//! {"input": str, "phones": [{"number": str, "raw": str, "start": int, "end": int,
//!   "kind": "mobile"|"landline", "carrier": str|null, "converted_from": str|null,
//!   "unverified_prefix": bool}],
//!  "emails": [str]}
//! ```
//!
//! `start`/`end` are char offsets in `input`. `unverified_prefix` is true for a number taken after
//! a phone word although the numbering-plan tables do not list its prefix: check it. The input line is used as read (without its line
//! break), not normalised, so that the offsets point into exactly what was given.

use std::io::{BufRead, Write};
use std::time::Instant;

use nobi_core::phone::{extract_emails, extract_phones, FoundPhone};
use serde::Serialize;

use crate::bench::Row;

const LABELLED: &str = include_str!("../../tests/data/phone_labelled.jsonl");
/// Written independently of the extractor, before its rules were read (see
/// `core/tests/phone_accuracy.rs`).
const HELDOUT: &str = include_str!("../../tests/data/phone_heldout.jsonl");

#[derive(Serialize)]
struct Output<'a> {
    input: &'a str,
    phones: Vec<FoundPhone>,
    emails: Vec<String>,
}

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!(
            "`nobi phone` takes no arguments (got {arg:?}); it reads messages on stdin"
        ));
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| format!("reading stdin: {e}"))?;
        let input = line.strip_suffix('\r').unwrap_or(&line);
        let record = Output {
            input,
            phones: extract_phones(input),
            emails: extract_emails(input)
                .into_iter()
                .map(|e| e.address)
                .collect(),
        };
        serde_json::to_writer(&mut out, &record).map_err(|e| e.to_string())?;
        out.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

/// (text, expected (number, raw) pairs) for every message of a labelled set.
fn labelled(set: &str) -> Vec<(String, Vec<(String, String)>)> {
    set.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|row| {
            let text = row["text"].as_str().unwrap_or_default().to_owned();
            let phones = row["phones"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|p| {
                            (
                                p[0].as_str().unwrap_or_default().to_owned(),
                                p[1].as_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            (text, phones)
        })
        .collect()
}

/// (precision, recall, false positives) of `extract_phones` on a labelled set.
fn accuracy(set: &[(String, Vec<(String, String)>)]) -> (f64, f64, usize) {
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (text, expected) in set {
        let mut expected = expected.clone();
        for found in extract_phones(text) {
            match expected
                .iter()
                .position(|(n, r)| *n == found.number && *r == found.raw)
            {
                Some(i) => {
                    expected.swap_remove(i);
                    tp += 1;
                }
                None => fp += 1,
            }
        }
        fn_ += expected.len();
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    (precision, recall, fp)
}

/// The precision, recall and false-positive rows for one labelled set.
fn accuracy_rows(what: &str, set: &[(String, Vec<(String, String)>)]) -> Vec<Row> {
    let (precision, recall, fp) = accuracy(set);
    vec![
        Row {
            name: format!("phone precision, {what} ({} messages)", set.len()),
            value: format!("{precision:.4}"),
            target: "1.0".into(),
            ok: Some(precision >= 1.0),
        },
        Row {
            name: format!("phone recall, {what}"),
            value: format!("{recall:.4}"),
            target: ">= 0.99".into(),
            ok: Some(recall >= 0.99),
        },
        Row {
            name: format!("phone false positives, {what}"),
            value: fp.to_string(),
            target: "0".into(),
            ok: Some(fp == 0),
        },
    ]
}

pub fn bench_rows() -> Vec<Row> {
    let set = labelled(LABELLED);
    let heldout = labelled(HELDOUT);
    let mut rows = accuracy_rows("labelled set", &set);
    rows.extend(accuracy_rows("held-out set", &heldout));

    // Median time per message over both sets, best of several rounds so that a busy
    // machine does not make one round look slow.
    let mut per_message = Vec::with_capacity(set.len() + heldout.len());
    let mut with_digits = Vec::new();
    for (text, _) in set.iter().chain(&heldout) {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            let mut n = 0;
            for _ in 0..200 {
                n += std::hint::black_box(extract_phones(std::hint::black_box(text))).len();
            }
            std::hint::black_box(n);
            best = best.min(t.elapsed().as_secs_f64() * 1e6 / 200.0);
        }
        per_message.push(best);
        if text.chars().any(|c| c.is_ascii_digit()) {
            with_digits.push(best);
        }
    }
    per_message.sort_by(|a, b| a.total_cmp(b));
    with_digits.sort_by(|a, b| a.total_cmp(b));
    let median_digits = with_digits
        .get(with_digits.len() / 2)
        .copied()
        .unwrap_or(0.0);
    let median = per_message
        .get(per_message.len() / 2)
        .copied()
        .unwrap_or(0.0);
    let p90 = per_message
        .get(per_message.len() * 9 / 10)
        .copied()
        .unwrap_or(0.0);
    let debug_note = if cfg!(debug_assertions) {
        " (debug build: use --profile native-release)"
    } else {
        ""
    };

    rows.extend([
        Row {
            name: format!(
                "phone median µs/message ({} messages){debug_note}",
                per_message.len()
            ),
            value: format!("{median:.2}"),
            target: "<= 2".into(),
            ok: Some(median <= 2.0),
        },
        Row {
            name: format!(
                "phone median µs/message with digits ({} messages)",
                with_digits.len()
            ),
            value: format!("{median_digits:.2}"),
            target: "-".into(),
            ok: None,
        },
        Row {
            name: "phone p90 µs/message".into(),
            value: format!("{p90:.2}"),
            target: "-".into(),
            ok: None,
        },
    ]);
    rows
}

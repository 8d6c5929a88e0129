//! Precision and recall of `extract_phones` on the labelled chat messages in
//! `tests/data/phone_labelled.jsonl`, checked against the committed baseline in
//! `tests/data/phone_baseline.txt` (raise the baseline when the extractor improves; never lower it
//! to make a change pass).
//!
//! A found phone counts as correct only if both its number and its span (`raw`) are the labelled
//! ones.

use nobi_core::phone::extract_phones;
use serde_json::Value;

const LABELLED: &str = include_str!("data/phone_labelled.jsonl");
const BASELINE: &str = include_str!("data/phone_baseline.txt");

struct Score {
    messages: usize,
    without_phone: usize,
    true_positives: usize,
    false_positives: usize,
    false_negatives: usize,
    mistakes: Vec<String>,
}

fn score() -> Score {
    let mut s = Score {
        messages: 0,
        without_phone: 0,
        true_positives: 0,
        false_positives: 0,
        false_negatives: 0,
        mistakes: Vec::new(),
    };
    for line in LABELLED.lines().filter(|l| !l.trim().is_empty()) {
        let row: Value = serde_json::from_str(line).expect("a JSON line");
        let text = row["text"].as_str().expect("text");
        let mut expected: Vec<(String, String)> = row["phones"]
            .as_array()
            .expect("phones")
            .iter()
            .map(|p| {
                (
                    p[0].as_str().unwrap().to_owned(),
                    p[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        s.messages += 1;
        if expected.is_empty() {
            s.without_phone += 1;
        }
        for found in extract_phones(text) {
            let chars: Vec<char> = text.chars().collect();
            assert_eq!(
                chars[found.start..found.end].iter().collect::<String>(),
                found.raw
            );
            match expected
                .iter()
                .position(|(n, r)| *n == found.number && *r == found.raw)
            {
                Some(i) => {
                    expected.swap_remove(i);
                    s.true_positives += 1;
                }
                None => {
                    s.false_positives += 1;
                    s.mistakes
                        .push(format!("FP {} {:?} in {text:?}", found.number, found.raw));
                }
            }
        }
        for (n, r) in expected {
            s.false_negatives += 1;
            s.mistakes.push(format!("FN {n} {r:?} in {text:?}"));
        }
    }
    s
}

fn baseline(key: &str) -> f64 {
    BASELINE
        .lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{key} in phone_baseline.txt"))
}

#[test]
fn labelled_set_is_big_and_balanced() {
    let s = score();
    assert!(s.messages >= 300, "{} messages", s.messages);
    assert!(
        s.without_phone * 2 >= s.messages * 45 / 50,
        "{} without a phone",
        s.without_phone
    );
}

#[test]
fn accuracy_meets_the_baseline() {
    let s = score();
    let precision = s.true_positives as f64 / (s.true_positives + s.false_positives).max(1) as f64;
    let recall = s.true_positives as f64 / (s.true_positives + s.false_negatives).max(1) as f64;
    eprintln!(
        "phones: precision {precision:.4} recall {recall:.4} ({} TP, {} FP, {} FN, {} messages)",
        s.true_positives, s.false_positives, s.false_negatives, s.messages
    );
    for m in &s.mistakes {
        eprintln!("  {m}");
    }
    assert!(precision >= baseline("precision"), "precision {precision}");
    assert!(recall >= baseline("recall"), "recall {recall}");
    assert!(
        s.false_positives as f64 <= baseline("max_false_positives"),
        "{} false positives",
        s.false_positives
    );
}

//! Precision and recall of `extract_phones` on two sets of labelled chat messages, each checked
//! against its committed baseline (raise a baseline when the extractor improves; never lower it to
//! make a change pass):
//! - `tests/data/phone_labelled.jsonl` (baseline `phone_baseline.txt`), written together with
//!   the extractor;
//! - `tests/data/phone_heldout.jsonl` (baseline `phone_heldout_baseline.txt`), written by someone
//!   else before reading the extractor, then used to find general mistakes. Keep adding to it
//!   only messages written without looking at the rules.
//!
//! A found phone counts as correct only if both its number and its span (`raw`) are the labelled
//! ones.

use nobi_phone::extract_phones;
use serde_json::Value;

const LABELLED: &str = include_str!("../../tests/data/phone_labelled.jsonl");
const BASELINE: &str = include_str!("../../tests/data/phone_baseline.txt");
const HELDOUT: &str = include_str!("../../tests/data/phone_heldout.jsonl");
const HELDOUT_BASELINE: &str = include_str!("../../tests/data/phone_heldout_baseline.txt");

struct Score {
    messages: usize,
    without_phone: usize,
    true_positives: usize,
    false_positives: usize,
    false_negatives: usize,
    mistakes: Vec<String>,
}

fn score(set: &str) -> Score {
    let mut s = Score {
        messages: 0,
        without_phone: 0,
        true_positives: 0,
        false_positives: 0,
        false_negatives: 0,
        mistakes: Vec::new(),
    };
    for line in set.lines().filter(|l| !l.trim().is_empty()) {
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

fn baseline(file: &str, key: &str) -> f64 {
    file.lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{key} in the baseline file"))
}

fn balanced(set: &str, min_messages: usize) {
    let s = score(set);
    assert!(s.messages >= min_messages, "{} messages", s.messages);
    assert!(
        s.without_phone * 2 >= s.messages * 45 / 50,
        "{} without a phone",
        s.without_phone
    );
}

fn meets_baseline(name: &str, set: &str, base: &str) {
    let s = score(set);
    let precision = s.true_positives as f64 / (s.true_positives + s.false_positives).max(1) as f64;
    let recall = s.true_positives as f64 / (s.true_positives + s.false_negatives).max(1) as f64;
    eprintln!(
        "{name}: precision {precision:.4} recall {recall:.4} ({} TP, {} FP, {} FN, {} messages)",
        s.true_positives, s.false_positives, s.false_negatives, s.messages
    );
    for m in &s.mistakes {
        eprintln!("  {m}");
    }
    assert!(
        precision >= baseline(base, "precision"),
        "{name}: precision {precision}"
    );
    assert!(
        recall >= baseline(base, "recall"),
        "{name}: recall {recall}"
    );
    assert!(
        s.false_positives as f64 <= baseline(base, "max_false_positives"),
        "{name}: {} false positives",
        s.false_positives
    );
}

#[test]
fn labelled_set_is_big_and_balanced() {
    balanced(LABELLED, 300);
}

#[test]
fn heldout_set_is_big_and_balanced() {
    balanced(HELDOUT, 200);
}

#[test]
fn accuracy_meets_the_baseline() {
    meets_baseline("labelled", LABELLED, BASELINE);
}

#[test]
fn heldout_accuracy_meets_the_baseline() {
    meets_baseline("held-out", HELDOUT, HELDOUT_BASELINE);
}

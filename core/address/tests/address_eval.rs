//! Accuracy regression on the committed development set: fails when any field drops below the
//! committed baseline (`core/tests/data/address_baseline.tsv`). When accuracy improves, raise the
//! baseline in the same commit so that it cannot silently fall back.

use nobi_address::eval::{evaluate, read_set};

const DEV_SET: &str = include_str!("../../tests/data/address_dev.tsv");
const BASELINE: &str = include_str!("../../tests/data/address_baseline.tsv");

#[test]
fn dev_set_is_big_and_covers_every_province() {
    let set = read_set(DEV_SET);
    assert!(set.len() >= 1_000, "dev set has {} rows", set.len());
    let legacy: std::collections::HashSet<&str> = set
        .iter()
        .filter(|r| r.scheme == nobi_address::DetectedScheme::Legacy)
        .map(|r| r.province.as_str())
        .collect();
    let current: std::collections::HashSet<&str> = set
        .iter()
        .filter(|r| r.scheme == nobi_address::DetectedScheme::Current)
        .map(|r| r.province.as_str())
        .collect();
    assert_eq!(legacy.len(), 63);
    assert_eq!(current.len(), 34);
}

#[test]
fn accuracy_does_not_regress() {
    let report = evaluate(&read_set(DEV_SET));
    for (name, rate) in report.rates() {
        println!("{name:<9} {rate:.4}");
    }
    let regressions = report.regressions(BASELINE);
    assert!(
        regressions.is_empty(),
        "dev set:\n{}\nmisses:\n{}",
        regressions.join("\n"),
        report.misses.join("\n")
    );
}

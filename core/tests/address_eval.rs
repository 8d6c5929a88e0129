//! Accuracy regression on the committed development set: fails when any field drops below the
//! committed baseline (`core/tests/data/address_baseline.tsv`). When accuracy improves, raise the
//! baseline in the same commit so that it cannot silently fall back.

use nobi_core::address::eval::{evaluate, read_set, Report};

const DEV_SET: &str = include_str!("data/address_dev.tsv");
const BASELINE: &str = include_str!("data/address_baseline.tsv");

#[test]
fn dev_set_is_big_and_covers_every_province() {
    let set = read_set(DEV_SET);
    assert!(set.len() >= 1_000, "dev set has {} rows", set.len());
    let legacy: std::collections::HashSet<&str> = set
        .iter()
        .filter(|r| r.scheme == nobi_core::address::DetectedScheme::Legacy)
        .map(|r| r.province.as_str())
        .collect();
    let current: std::collections::HashSet<&str> = set
        .iter()
        .filter(|r| r.scheme == nobi_core::address::DetectedScheme::Current)
        .map(|r| r.province.as_str())
        .collect();
    assert_eq!(legacy.len(), 63);
    assert_eq!(current.len(), 34);
}

#[test]
fn accuracy_does_not_regress() {
    let report = evaluate(&read_set(DEV_SET));
    let rates = [
        ("province", Report::rate(report.province)),
        ("district", Report::rate(report.district)),
        ("ward", Report::rate(report.ward)),
        ("scheme", Report::rate(report.scheme)),
        ("all", Report::rate(report.all)),
    ];
    for (name, rate) in rates {
        println!("{name:<9} {rate:.4}");
    }
    for line in BASELINE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (name, value) = line
            .split_once('\t')
            .expect("baseline lines are NAME<TAB>RATE");
        let floor: f64 = value.trim().parse().expect("baseline rate is a number");
        let rate = rates
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, r)| *r)
            .unwrap_or_else(|| panic!("unknown field {name} in baseline"));
        assert!(
            rate + 1e-9 >= floor,
            "{name} accuracy fell to {rate:.4}, below the baseline {floor:.4}; misses:\n{}",
            report.misses.join("\n")
        );
    }
}

//! The hand-written held-out set (`data/address_heldout.tsv`): buyer-style addresses labelled by
//! name. Every label must exist in the data, and accuracy must not fall below its own committed
//! baseline (`data/address_heldout_baseline.tsv`). The parser is not tuned on these rows
//! specifically: a miss here is fixed by a general rule or left as a miss.

use nobi_address::eval::{evaluate, read_set_checked};
use nobi_address::DetectedScheme;

const HELDOUT: &str = include_str!("../../tests/data/address_heldout.tsv");
const BASELINE: &str = include_str!("../../tests/data/address_heldout_baseline.tsv");

#[test]
fn every_label_is_in_the_data() {
    match read_set_checked(HELDOUT) {
        Ok(set) => {
            assert!(set.len() >= 150, "held-out set has {} rows", set.len());
            let current = set
                .iter()
                .filter(|r| r.scheme == DetectedScheme::Current)
                .count();
            assert!(current >= 40, "only {current} current-scheme rows");
        }
        Err((_, errors)) => panic!("labels not in the data:\n{}", errors.join("\n")),
    }
}

#[test]
fn heldout_accuracy_does_not_regress() {
    let set = read_set_checked(HELDOUT).unwrap_or_else(|(set, _)| set);
    let report = evaluate(&set);
    for (name, rate) in report.rates() {
        println!("{name:<9} {rate:.4}");
    }
    let regressions = report.regressions(BASELINE);
    assert!(
        regressions.is_empty(),
        "held-out set:\n{}\nmisses:\n{}",
        regressions.join("\n"),
        report.misses.join("\n")
    );
}

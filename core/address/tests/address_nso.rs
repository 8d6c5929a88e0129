//! The old -> new ward mapping checked against the national statistics office's table
//! (`data/address_nso_legacy_to_current_ward_codes.json`: old ward code -> new ward codes).

use std::collections::{BTreeMap, BTreeSet};

use nobi_address::convert_legacy_ward;

const NSO: &str = include_str!("../../tests/data/address_nso_legacy_to_current_ward_codes.json");

#[test]
fn mapping_agrees_with_the_nso_table() {
    let nso: BTreeMap<String, Vec<String>> = serde_json::from_str(NSO).expect("valid NSO json");
    let mut exact = 0;
    let mut overlapping = 0;
    let mut nso_splits = 0;
    let mut splits_flagged = 0;
    for (old, new) in &nso {
        let ours: BTreeSet<String> = convert_legacy_ward(old)
            .into_iter()
            .map(|c| c.ward.code)
            .collect();
        let theirs: BTreeSet<String> = new.iter().cloned().collect();
        if ours == theirs {
            exact += 1;
        }
        if !ours.is_disjoint(&theirs) {
            overlapping += 1;
        }
        if theirs.len() > 1 {
            nso_splits += 1;
            if ours.len() > 1 {
                splits_flagged += 1;
            }
        }
    }
    let total = nso.len();
    println!(
        "NSO: {total} old wards; same set of new wards {exact} ({:.2}%), overlapping {overlapping}; \
         NSO splits {nso_splits}, of which we flag {splits_flagged}",
        exact as f64 * 100.0 / total as f64
    );
    assert_eq!(total, 10_033);
    assert_eq!(nso_splits, 441);
    // Every old ward's new wards overlap the NSO's; the sets are identical for >= 99.6%.
    assert_eq!(overlapping, total);
    assert!(
        exact as f64 / total as f64 >= 0.996,
        "exact agreement {exact}/{total}"
    );
    assert!(
        splits_flagged >= 439,
        "flagged {splits_flagged} of {nso_splits} NSO splits"
    );
}

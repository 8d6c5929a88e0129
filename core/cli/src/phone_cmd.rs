//! `nobi phone`. Being built in issue #4.

use crate::bench::Row;

pub fn run(_args: &[String]) -> Result<(), String> {
    Err("`nobi phone` is not built yet (issue #4)".into())
}

pub fn bench_rows() -> Vec<Row> {
    Vec::new()
}

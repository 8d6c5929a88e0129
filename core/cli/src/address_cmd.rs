//! `nobi address`. Being built in issue #3.

use crate::bench::Row;

pub fn run(_args: &[String]) -> Result<(), String> {
    Err("`nobi address` is not built yet (issue #3)".into())
}

pub fn bench_rows() -> Vec<Row> {
    Vec::new()
}

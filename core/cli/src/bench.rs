//! `nobi bench`: the rows that `./build.sh bench` prints for the domain code.

/// One line of the benchmark table.
pub struct Row {
    pub name: String,
    pub value: String,
    pub target: String,
    /// Whether the value meets the target (`None` when there is no target).
    pub ok: Option<bool>,
}

pub fn run(_args: &[String]) -> Result<(), String> {
    let mut rows = Vec::new();
    rows.extend(crate::address_cmd::bench_rows());
    rows.extend(crate::phone_cmd::bench_rows());
    rows.extend(crate::search_bench::bench_rows());
    rows.extend(crate::outbox_bench::bench_rows());
    rows.extend(crate::campaign_bench::bench_rows());
    print_table(&rows);
    Ok(())
}

fn print_table(rows: &[Row]) {
    let name_width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let value_width = rows
        .iter()
        .map(|r| r.value.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    println!(
        "| {:<name_width$} | {:>value_width$} | target | ok |",
        "what", "value"
    );
    for row in rows {
        let ok = match row.ok {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        println!(
            "| {:<name_width$} | {:>value_width$} | {} | {} |",
            row.name, row.value, row.target, ok
        );
    }
}

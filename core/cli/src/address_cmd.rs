//! `nobi address`: the address parser of nobi-core on the command line.
//!
//! - without options: one address per line on stdin, one JSON object per line on stdout, in
//!   exactly the shape documented in issue #3 (see [`Output`]);
//! - `--csv IN --column NAME`: copies the CSV `IN` to stdout with normalised address columns
//!   appended, showing progress on stderr for big files;
//! - `--eval [FILE]`: per-field accuracy on a labelled TSV (default: the committed dev set).

use std::fs::File;
use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::time::Instant;

use nobi_core::address::{
    self, eval, CurrentAddress, CurrentCandidate, DetectedScheme, EarlierName, LegacyAddress,
    ParsedAddress,
};
use serde::Serialize;

use crate::bench::Row;

/// The committed development set, embedded so that `nobi bench` needs no path.
const DEV_SET: &str = include_str!("../../tests/data/address_dev.tsv");
/// The hand-written held-out set (labels are names, resolved in the data).
const HELDOUT_SET: &str = include_str!("../../tests/data/address_heldout.tsv");
/// Issue 16's held-out set: old names, abbreviations, typos, OCR (written before its fixes).
const HELDOUT_2026: &str = include_str!("../../tests/data/address_heldout2026.tsv");
/// The second one, written after the first fixes by someone who saw neither the parser nor the first.
const HELDOUT_2026B: &str = include_str!("../../tests/data/address_heldout2026b.tsv");

/// One output line. Field order and names are the contract with scripts: do not change them.
#[derive(Serialize)]
struct Output<'a> {
    input: &'a str,
    scheme: DetectedScheme,
    legacy: &'a Option<LegacyAddress>,
    current: &'a Option<CurrentAddress>,
    current_candidates: &'a [CurrentCandidate],
    street: &'a str,
    confidence: f64,
    warnings: &'a [String],
    /// Added in issue 16, after the fields above: units written by a name they had before.
    earlier_names: &'a [EarlierName],
}

impl<'a> From<&'a ParsedAddress> for Output<'a> {
    fn from(p: &'a ParsedAddress) -> Self {
        Output {
            input: &p.input,
            scheme: p.scheme,
            legacy: &p.legacy,
            current: &p.current,
            current_candidates: &p.current_candidates,
            street: &p.street,
            confidence: p.confidence,
            warnings: &p.warnings,
            earlier_names: &p.earlier_names,
        }
    }
}

const USAGE: &str = "usage:
  nobi address                          one address per line on stdin -> one JSON object per line
  nobi address --csv IN --column NAME   copy the CSV IN to stdout with normalised address columns added
  nobi address --eval [FILE]            per-field accuracy on a labelled TSV (default: the dev set)";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut csv_path: Option<&str> = None;
    let mut column: Option<&str> = None;
    let mut eval_path: Option<Option<&str>> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--csv" => {
                csv_path = Some(
                    args.get(i + 1)
                        .ok_or(format!("--csv needs a file name.\n{USAGE}"))?,
                );
                i += 2;
            }
            "--column" => {
                column = Some(
                    args.get(i + 1)
                        .ok_or(format!("--column needs a column name.\n{USAGE}"))?,
                );
                i += 2;
            }
            "--eval" => {
                let next = args.get(i + 1).filter(|a| !a.starts_with("--"));
                eval_path = Some(next.map(String::as_str));
                i += if next.is_some() { 2 } else { 1 };
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown option {other:?}.\n{USAGE}")),
        }
    }
    if let Some(path) = eval_path {
        return run_eval(path);
    }
    match (csv_path, column) {
        (None, None) => run_lines(),
        (Some(path), Some(col)) => run_csv(path, col),
        (Some(_), None) => Err(format!(
            "--csv needs --column NAME: the name of the column that holds the addresses.\n{USAGE}"
        )),
        (None, Some(_)) => Err(format!("--column is only used with --csv IN.\n{USAGE}")),
    }
}

fn run_lines() -> Result<(), String> {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| format!("cannot read stdin: {e}"))?;
        let line = line.strip_suffix('\r').unwrap_or(&line);
        let parsed = address::parse(line);
        let json = serde_json::to_string(&Output::from(&parsed)).map_err(|e| e.to_string())?;
        if writeln!(out, "{json}").is_err() {
            return Ok(()); // stdout closed (e.g. `| head`): stop quietly.
        }
    }
    out.flush().ok();
    Ok(())
}

/// Columns added to the CSV, after the existing ones.
const CSV_COLUMNS: &[&str] = &[
    "addr_scheme",
    "addr_province",
    "addr_district",
    "addr_ward",
    "addr_province_code",
    "addr_district_code",
    "addr_ward_code",
    "addr_current_province",
    "addr_current_ward",
    "addr_current_province_code",
    "addr_current_ward_code",
    "addr_current_candidates",
    "addr_street",
    "addr_confidence",
    "addr_warnings",
];

fn csv_fields(p: &ParsedAddress) -> Vec<String> {
    let name = |u: Option<&address::Unit>| u.map(|u| u.name.clone()).unwrap_or_default();
    let code = |u: Option<&address::Unit>| u.map(|u| u.code.clone()).unwrap_or_default();
    let l = p.legacy.as_ref();
    let c = p.current.as_ref();
    let scheme = match p.scheme {
        DetectedScheme::Legacy => "legacy",
        DetectedScheme::Current => "current",
        DetectedScheme::Unknown => "unknown",
    };
    vec![
        scheme.into(),
        name(l.map(|l| &l.province)),
        name(l.and_then(|l| l.district.as_ref())),
        name(l.and_then(|l| l.ward.as_ref())),
        code(l.map(|l| &l.province)),
        code(l.and_then(|l| l.district.as_ref())),
        code(l.and_then(|l| l.ward.as_ref())),
        name(c.map(|c| &c.province)),
        name(c.and_then(|c| c.ward.as_ref())),
        code(c.map(|c| &c.province)),
        code(c.and_then(|c| c.ward.as_ref())),
        p.current_candidates
            .iter()
            .map(|k| format!("{} ({}), {}", k.ward.name, k.ward.code, k.province.name))
            .collect::<Vec<_>>()
            .join("; "),
        p.street.clone(),
        format!("{:.2}", p.confidence),
        p.warnings.join("; "),
    ]
}

/// Progress on stderr: counts bytes read against the file size.
struct Progress {
    total: u64,
    shown: bool,
    last: Instant,
}

impl Progress {
    /// Files below this size finish before a bar would be useful.
    const MIN_BYTES: u64 = 256 * 1024;

    fn update(&mut self, done: u64, rows: usize, force: bool) {
        if self.total < Self::MIN_BYTES {
            return;
        }
        if !force && self.last.elapsed().as_millis() < 100 {
            return;
        }
        self.last = Instant::now();
        self.shown = true;
        let frac = (done as f64 / self.total as f64).min(1.0);
        let width = 30;
        let filled = (frac * width as f64) as usize;
        eprint!(
            "\r[{}{}] {:>3.0}% {rows} rows",
            "#".repeat(filled),
            " ".repeat(width - filled),
            frac * 100.0
        );
    }

    fn finish(&mut self, rows: usize) {
        if self.shown || self.total >= Self::MIN_BYTES {
            self.update(self.total, rows, true);
            eprintln!();
        }
    }
}

fn run_csv(path: &str, column: &str) -> Result<(), String> {
    let file = File::open(path).map_err(|e| {
        format!("cannot open {path:?}: {e}. Check the path, or give the CSV file to clean with --csv FILE.")
    })?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the header line of {path:?}: {e}. Is it a UTF-8 CSV file with a header row?"))?
        .clone();
    let Some(col) = headers.iter().position(|h| h.trim() == column) else {
        let names: Vec<&str> = headers.iter().collect();
        return Err(format!(
            "{path:?} has no column named {column:?}. Its columns are: {}. Pass one of them with --column.",
            names.join(", ")
        ));
    };
    let stdout = io::stdout();
    let mut writer = csv::Writer::from_writer(BufWriter::new(stdout.lock()));
    let mut header_out: Vec<&str> = headers.iter().collect();
    header_out.extend_from_slice(CSV_COLUMNS);
    writer
        .write_record(&header_out)
        .map_err(|e| e.to_string())?;
    let mut progress = Progress {
        total,
        shown: false,
        last: Instant::now(),
    };
    let mut rows = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                progress.finish(rows);
                return Err(format!(
                    "{path:?}, record {}: {e}. Fix that line (or re-save the file as UTF-8 CSV) and run again.",
                    rows + 2
                ));
            }
        }
        let text = record.get(col).unwrap_or("");
        let parsed = address::parse(text);
        let mut out: Vec<String> = record.iter().map(String::from).collect();
        out.extend(csv_fields(&parsed));
        if writer.write_record(&out).is_err() {
            return Ok(()); // stdout closed
        }
        rows += 1;
        progress.update(
            record.position().map(|p| p.byte()).unwrap_or(0),
            rows,
            false,
        );
    }
    progress.finish(rows);
    writer.flush().map_err(|e| e.to_string())?;
    Ok(())
}

fn run_eval(path: Option<&str>) -> Result<(), String> {
    let text = match path {
        Some(p) => {
            let mut s = String::new();
            File::open(p)
                .and_then(|mut f| f.read_to_string(&mut s))
                .map_err(|e| format!("cannot read {p:?}: {e}"))?;
            s
        }
        None => DEV_SET.to_string(),
    };
    let set = match eval::read_set_checked(&text) {
        Ok(set) => set,
        Err((set, errors)) => {
            for e in &errors {
                eprintln!("label error: {e}");
            }
            eprintln!(
                "{} rows have labels that are not in the data; they are left out.",
                errors.len()
            );
            set
        }
    };
    if set.is_empty() {
        return Err("no labelled rows found: expected a TSV with columns input, scheme, province, district, ward, tags".into());
    }
    let report = eval::evaluate(&set);
    println!("rows: {}", report.rows);
    for (name, pair) in [
        ("province", report.province),
        ("district", report.district),
        ("ward", report.ward),
        ("scheme", report.scheme),
        ("all fields", report.all),
    ] {
        println!(
            "{name:<10} {:.4}  ({}/{})",
            eval::Report::rate(pair),
            pair.0,
            pair.1
        );
    }
    if std::io::stdout().is_terminal() || std::env::var_os("NOBI_SHOW_MISSES").is_some() {
        for m in report.misses.iter().take(200) {
            println!("miss: {m}");
        }
    }
    Ok(())
}

/// Median time of `parse` over the dev set, in microseconds.
fn median_micros(inputs: &[&str]) -> f64 {
    let mut times: Vec<f64> = Vec::with_capacity(inputs.len() * 3);
    for _ in 0..3 {
        for s in inputs {
            let t = Instant::now();
            let p = address::parse(s);
            let el = t.elapsed().as_secs_f64() * 1e6;
            std::hint::black_box(p);
            times.push(el);
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    times[times.len() / 2]
}

pub fn bench_rows() -> Vec<Row> {
    let mut rows = vec![Row {
        name: "address data version".into(),
        value: address::DATA_VERSION.into(),
        target: "-".into(),
        ok: None,
    }];
    let t = Instant::now();
    let n = address::provinces(address::Scheme::Current).len();
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    std::hint::black_box(n);
    let set = eval::read_set(DEV_SET);
    let heldout = eval::read_set(HELDOUT_SET);
    let heldout2026 = eval::read_set(HELDOUT_2026);
    let heldout2026b = eval::read_set(HELDOUT_2026B);
    for (set_name, rows_of) in [
        ("dev set", &set),
        ("held-out set", &heldout),
        ("held-out 2026", &heldout2026),
        ("held-out 2026b", &heldout2026b),
    ] {
        let report = eval::evaluate(rows_of);
        let acc = |name: &str, pair: (usize, usize), target: Option<f64>| Row {
            name: format!("address {name} accuracy ({set_name}, {} rows)", pair.1),
            value: format!("{:.4}", eval::Report::rate(pair)),
            target: target
                .map(|t| format!(">= {t}"))
                .unwrap_or_else(|| "-".into()),
            ok: target.map(|t| eval::Report::rate(pair) >= t),
        };
        rows.push(acc("province", report.province, Some(0.99)));
        rows.push(acc("district", report.district, Some(0.97)));
        rows.push(acc("ward", report.ward, Some(0.94)));
        rows.push(acc("scheme", report.scheme, None));
        rows.push(acc("all-fields", report.all, None));
    }
    let inputs: Vec<&str> = set.iter().map(|r| r.input.as_str()).collect();
    let median = median_micros(&inputs);
    rows.push(Row {
        name: "address parse, median µs/address (native)".into(),
        value: format!("{median:.1}"),
        target: "<= 20".into(),
        ok: Some(median <= 20.0),
    });
    let held_inputs: Vec<&str> = heldout.iter().map(|r| r.input.as_str()).collect();
    let held_median = median_micros(&held_inputs);
    rows.push(Row {
        name: "address parse, median µs/address (native, held-out set)".into(),
        value: format!("{held_median:.1}"),
        target: "<= 20".into(),
        ok: Some(held_median <= 20.0),
    });
    let inputs_2026: Vec<&str> = heldout2026
        .iter()
        .chain(&heldout2026b)
        .map(|r| r.input.as_str())
        .collect();
    let median_2026 = median_micros(&inputs_2026);
    rows.push(Row {
        name: "address parse, median µs/address (native, held-out 2026 + 2026b)".into(),
        value: format!("{median_2026:.1}"),
        target: "<= 20".into(),
        ok: Some(median_2026 <= 20.0),
    });
    rows.push(Row {
        name: "address data load, ms (native, first use)".into(),
        value: format!("{load_ms:.1}"),
        target: "<= 20 (wasm)".into(),
        ok: None,
    });
    rows.push(Row {
        name: "address data, embedded text bytes (units.txt)".into(),
        value: format!("{}", address::data::DATA.len()),
        target: "-".into(),
        ok: None,
    });
    rows
}

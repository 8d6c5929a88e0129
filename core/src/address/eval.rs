//! Accuracy of [`parse`](super::parse) on a labelled set, shared by the regression test and
//! `nobi bench` so that both report the same numbers.
//!
//! The set is a TSV file with a header line and the columns `input`, `scheme` (`legacy` or
//! `current`), `province`, `district`, `ward` (codes in that scheme; district empty for current,
//! ward empty when the text has none) and `tags` (comma-separated, for slicing the report).

use serde::{Deserialize, Serialize};

use super::{parse, DetectedScheme, ParsedAddress};

/// One labelled address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labelled {
    pub input: String,
    pub scheme: DetectedScheme,
    pub province: String,
    pub district: String,
    pub ward: String,
    pub tags: Vec<String>,
}

/// Hits and totals per field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub rows: usize,
    pub province: (usize, usize),
    pub district: (usize, usize),
    pub ward: (usize, usize),
    pub scheme: (usize, usize),
    /// Rows whose every labelled field is right.
    pub all: (usize, usize),
    /// Inputs of the rows with a wrong field, for the curious.
    pub misses: Vec<String>,
}

impl Report {
    /// Returns hits / total for a (hits, total) pair, 1.0 when the total is zero.
    pub fn rate(pair: (usize, usize)) -> f64 {
        if pair.1 == 0 {
            1.0
        } else {
            pair.0 as f64 / pair.1 as f64
        }
    }
}

/// Reads the TSV set; lines that do not have the columns are skipped.
pub fn read_set(tsv: &str) -> Vec<Labelled> {
    tsv.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 6 {
                return None;
            }
            let scheme = match f[1] {
                "legacy" => DetectedScheme::Legacy,
                "current" => DetectedScheme::Current,
                _ => DetectedScheme::Unknown,
            };
            Some(Labelled {
                input: f[0].to_string(),
                scheme,
                province: f[2].to_string(),
                district: f[3].to_string(),
                ward: f[4].to_string(),
                tags: f[5]
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .collect(),
            })
        })
        .collect()
}

/// Returns the codes (province, district, ward) `parsed` gives in `scheme`.
pub fn codes_in(parsed: &ParsedAddress, scheme: DetectedScheme) -> (String, String, String) {
    let code = |u: Option<&super::Unit>| u.map(|u| u.code.clone()).unwrap_or_default();
    match scheme {
        DetectedScheme::Legacy => match &parsed.legacy {
            Some(l) => (
                l.province.code.clone(),
                code(l.district.as_ref()),
                code(l.ward.as_ref()),
            ),
            None => Default::default(),
        },
        _ => match &parsed.current {
            Some(c) => (
                c.province.code.clone(),
                String::new(),
                code(c.ward.as_ref()),
            ),
            None => Default::default(),
        },
    }
}

/// Parses every row and counts the hits per field.
pub fn evaluate(set: &[Labelled]) -> Report {
    let mut r = Report {
        rows: set.len(),
        ..Report::default()
    };
    let count = |pair: &mut (usize, usize), ok: bool| {
        pair.1 += 1;
        if ok {
            pair.0 += 1;
        }
    };
    for row in set {
        let parsed = parse(&row.input);
        let (p, d, w) = codes_in(&parsed, row.scheme);
        let mut all = true;
        let ok = p == row.province;
        all &= ok;
        count(&mut r.province, ok);
        if row.scheme == DetectedScheme::Legacy {
            let ok = d == row.district;
            all &= ok;
            count(&mut r.district, ok);
        }
        let ok = w == row.ward;
        all &= ok;
        count(&mut r.ward, ok);
        let ok = parsed.scheme == row.scheme;
        all &= ok;
        count(&mut r.scheme, ok);
        count(&mut r.all, all);
        if !all {
            r.misses.push(row.input.clone());
        }
    }
    r
}

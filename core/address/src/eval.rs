//! Accuracy of `parse` on a labelled set, shared by the regression test and
//! `nobi bench` so that both report the same numbers.
//!
//! The set is a TSV file with a header line and the columns `input`, `scheme` (`legacy` or
//! `current`), `province`, `district`, `ward` (codes in that scheme; district empty for current,
//! ward empty when the text has none) and `tags` (comma-separated, for slicing the report).
//!
//! Labels may also be unit names instead of codes (`Hồ Chí Minh`, `Quận 3`, `Bến Nghé`, with or
//! without diacritics; a hand-written set is easier to write and review that way): they are
//! resolved to codes in the data, each under its labelled parent, and a label that does not
//! resolve is an error of the set ([`read_set_checked`]), never a silent miss.

use serde::{Deserialize, Serialize};

use super::normalize::key_of;
use super::{
    districts, legacy_wards_of_district, parse, provinces, wards_of_province, DetectedScheme,
    ParsedAddress, Scheme,
};

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

    /// The accuracy of each field, by the names a baseline file uses.
    pub fn rates(&self) -> [(&'static str, f64); 5] {
        [
            ("province", Report::rate(self.province)),
            ("district", Report::rate(self.district)),
            ("ward", Report::rate(self.ward)),
            ("scheme", Report::rate(self.scheme)),
            ("all", Report::rate(self.all)),
        ]
    }

    /// Checks the rates against a committed baseline (`NAME<TAB>RATE` lines, `#` comments).
    /// Returns one message per field that fell below its floor, saying what to do.
    pub fn regressions(&self, baseline: &str) -> Vec<String> {
        let rates = self.rates();
        baseline
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|line| {
                let Some((name, value)) = line.split_once('\t') else {
                    return Some(format!("baseline line {line:?} is not NAME<TAB>RATE"));
                };
                let Ok(floor) = value.trim().parse::<f64>() else {
                    return Some(format!("baseline rate {value:?} of {name} is not a number"));
                };
                let Some(&(_, rate)) = rates.iter().find(|(n, _)| *n == name) else {
                    return Some(format!("unknown field {name:?} in the baseline"));
                };
                (rate + 1e-9 < floor).then(|| {
                    format!(
                        "{name} accuracy fell to {rate:.4}, below the baseline {floor:.4}: fix the \
                         parser, or lower the baseline in the same commit and say why"
                    )
                })
            })
            .collect()
    }
}

/// Reads the TSV set; lines that do not have the columns, or whose name labels do not resolve,
/// are skipped.
pub fn read_set(tsv: &str) -> Vec<Labelled> {
    match read_set_checked(tsv) {
        Ok(set) => set,
        Err((set, _)) => set,
    }
}

/// Reads the TSV set and resolves name labels to codes. On failure, returns the rows that did
/// resolve and one message per row that did not.
#[allow(clippy::type_complexity)]
pub fn read_set_checked(tsv: &str) -> Result<Vec<Labelled>, (Vec<Labelled>, Vec<String>)> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for mut row in read_raw(tsv) {
        match resolve_names(&mut row) {
            Ok(()) => out.push(row),
            Err(e) => errors.push(format!("{}: {e}", row.input)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err((out, errors))
    }
}

fn is_code(label: &str) -> bool {
    label.bytes().all(|b| b.is_ascii_digit())
}

/// Finds the unit among `units` whose short or full name has the key of `label`.
fn by_name<'a>(units: &'a [super::Unit], label: &str) -> Result<&'a super::Unit, String> {
    let key = key_of(label);
    let hits: Vec<&super::Unit> = units
        .iter()
        .filter(|u| key_of(&u.short) == key || key_of(&u.name) == key)
        .collect();
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("no unit named {label:?} here")),
        _ => Err(format!("{label:?} names several units here")),
    }
}

/// Replaces name labels by codes, checking that each unit is under the labelled parent.
fn resolve_names(row: &mut Labelled) -> Result<(), String> {
    let scheme = match row.scheme {
        DetectedScheme::Legacy => Scheme::Legacy,
        DetectedScheme::Current => Scheme::Current,
        DetectedScheme::Unknown => return Err("scheme must be legacy or current".into()),
    };
    if is_code(&row.province) && is_code(&row.district) && is_code(&row.ward) {
        return Ok(());
    }
    let province = if is_code(&row.province) {
        row.province.clone()
    } else {
        by_name(&provinces(scheme), &row.province)?.code.clone()
    };
    let district = match scheme {
        Scheme::Legacy if !row.district.is_empty() && !is_code(&row.district) => {
            by_name(&districts(&province), &row.district)?.code.clone()
        }
        Scheme::Current if !row.district.is_empty() => {
            return Err("current-scheme rows have no district".into())
        }
        _ => row.district.clone(),
    };
    let ward = if row.ward.is_empty() || is_code(&row.ward) {
        row.ward.clone()
    } else {
        let pool = match scheme {
            Scheme::Legacy if !district.is_empty() => legacy_wards_of_district(&district),
            _ => wards_of_province(scheme, &province),
        };
        by_name(&pool, &row.ward)?.code.clone()
    };
    row.province = province;
    row.district = district;
    row.ward = ward;
    Ok(())
}

fn read_raw(tsv: &str) -> Vec<Labelled> {
    tsv.lines()
        .skip(1)
        .filter_map(|line| {
            if line.starts_with('#') {
                return None;
            }
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

#[cfg(test)]
mod baseline_tests {
    use super::Report;

    #[test]
    fn a_field_below_its_floor_is_a_regression() {
        let report = Report {
            rows: 10,
            province: (10, 10),
            district: (8, 10),
            ward: (9, 10),
            scheme: (10, 10),
            all: (8, 10),
            misses: Vec::new(),
        };
        let found = report.regressions("# floors\nprovince\t1.0\ndistrict\t0.9\nward\t0.9\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("district accuracy fell to 0.8000"));
        assert_eq!(
            report.regressions("ward 0.9").len(),
            1,
            "a malformed line is reported"
        );
        assert_eq!(
            report.regressions("color\t0.1").len(),
            1,
            "an unknown field is reported"
        );
    }
}

//! Choosing administrative units in the address form: what a typed query shows, and what
//! several readings of one address agree on. Names are compared folded ([`super::fold`]: no
//! case, no diacritics, no punctuation), so "dong da" finds "Quận Đống Đa".

use super::fold;
use nobi_address::{LegacyAddress, Unit};

/// The units whose name has a word starting with each word of the query, those whose short
/// name starts with the whole query first; the first `max` of them for an empty query. At most
/// `max` units are returned.
pub fn filter_units(units: &[Unit], query: &str, max: usize) -> Vec<Unit> {
    let q = fold(query);
    if q.is_empty() {
        return units.iter().take(max).cloned().collect();
    }
    let tokens: Vec<&str> = q.split(' ').collect();
    let mut first = Vec::new();
    let mut rest = Vec::new();
    for unit in units {
        let name = fold(&unit.name);
        let matches = tokens
            .iter()
            .all(|t| name.split(' ').any(|word| word.starts_with(t)));
        if !matches {
            continue;
        }
        if fold(&unit.short).starts_with(&q) {
            first.push(unit.clone());
        } else {
            rest.push(unit.clone());
        }
    }
    first.extend(rest);
    first.truncate(max);
    first
}

/// What all the legacy readings agree on: the province, then the district, then the ward.
pub fn common_legacy(readings: &[LegacyAddress]) -> (Option<Unit>, Option<Unit>, Option<Unit>) {
    let Some(first) = readings.first() else {
        return (None, None, None);
    };
    let all = |f: &dyn Fn(&LegacyAddress) -> Option<&str>| {
        let code = f(first);
        code.is_some() && readings.iter().all(|r| f(r) == code)
    };
    let province = all(&|r| Some(r.province.code.as_str())).then(|| first.province.clone());
    let district = (province.is_some() && all(&|r| r.district.as_ref().map(|d| d.code.as_str())))
        .then(|| first.district.clone())
        .flatten();
    let ward = (district.is_some() && all(&|r| r.ward.as_ref().map(|w| w.code.as_str())))
        .then(|| first.ward.clone())
        .flatten();
    (province, district, ward)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, name: &str, short: &str) -> Unit {
        Unit {
            code: code.into(),
            name: name.into(),
            short: short.into(),
        }
    }

    #[test]
    fn folding_ignores_diacritics_case_and_punctuation() {
        assert_eq!(fold("Quận Đống Đa"), "quan dong da");
        assert_eq!(
            fold("Phường Văn Miếu - Quốc Tử Giám"),
            "phuong van mieu quoc tu giam"
        );
        assert_eq!(fold("ĐẮK LẮK"), "dak lak");
        // decomposed: o + circumflex + acute
        assert_eq!(fold("Đo\u{0302}\u{0301}ng"), "dong");
    }

    #[test]
    fn filtering_matches_word_prefixes_and_ranks_short_names_first() {
        let units = vec![
            unit("1", "Quận Ba Đình", "Ba Đình"),
            unit("6", "Quận Đống Đa", "Đống Đa"),
            unit("7", "Quận Hai Bà Trưng", "Hai Bà Trưng"),
            unit("9", "Huyện Đông Anh", "Đông Anh"),
        ];
        let codes = |q: &str| -> Vec<String> {
            filter_units(&units, q, 200)
                .into_iter()
                .map(|u| u.code)
                .collect()
        };
        assert_eq!(codes("dong da"), ["6"]);
        assert_eq!(codes("dong"), ["6", "9"]);
        assert_eq!(codes("quan"), ["1", "6", "7"]);
        assert_eq!(codes("ba"), ["1", "7"]);
        assert_eq!(codes(""), ["1", "6", "7", "9"]);
        assert!(codes("xyz").is_empty());
    }

    #[test]
    fn common_legacy_keeps_only_what_all_readings_agree_on() {
        let reading = |d: &str, w: &str| LegacyAddress {
            province: unit("01", "Thành phố Hà Nội", "Hà Nội"),
            district: Some(unit(d, d, d)),
            ward: Some(unit(w, w, w)),
        };
        let (p, d, w) = common_legacy(&[reading("006", "00190"), reading("006", "00199")]);
        assert_eq!(p.map(|u| u.code).as_deref(), Some("01"));
        assert_eq!(d.map(|u| u.code).as_deref(), Some("006"));
        assert!(w.is_none());
        let (p, d, w) = common_legacy(&[reading("001", "00019"), reading("006", "00199")]);
        assert!(p.is_some() && d.is_none() && w.is_none());
        let (p, d, w) = common_legacy(&[reading("006", "00190")]);
        assert!(p.is_some() && d.is_some() && w.is_some());
        assert_eq!(common_legacy(&[]), (None, None, None));
    }
}

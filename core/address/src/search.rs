//! Lookups for the address form's dropdowns: lists by parent, search by name, conversion.

use serde::{Deserialize, Serialize};

use super::data::db;
use super::normalize::key_of;
use super::{CurrentCandidate, Level, Scheme, Unit};

/// A unit found by [`search`], with its parents so that it can be shown as "Bến Nghé, Quận 1, Hồ
/// Chí Minh" and selected with one click.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub scheme: Scheme,
    pub level: Level,
    pub unit: Unit,
    pub district: Option<Unit>,
    pub province: Option<Unit>,
}

/// Returns the provinces of a scheme, in code order.
pub fn provinces(scheme: Scheme) -> Vec<Unit> {
    let db = db();
    let n = match scheme {
        Scheme::Legacy => db.leg_provinces.len(),
        Scheme::Current => db.cur_provinces.len(),
    };
    (0..n as u32)
        .map(|i| db.unit(scheme, Level::Province, i))
        .collect()
}

/// Returns the districts of a legacy province, or nothing for an unknown code.
pub fn districts(legacy_province_code: &str) -> Vec<Unit> {
    let db = db();
    db.find(Scheme::Legacy, Level::Province, legacy_province_code)
        .map(|p| {
            db.leg_districts_of_province[p as usize]
                .clone()
                .map(|d| db.unit(Scheme::Legacy, Level::District, d))
                .collect()
        })
        .unwrap_or_default()
}

/// Returns the wards of a legacy district, or nothing for an unknown code.
pub fn legacy_wards_of_district(legacy_district_code: &str) -> Vec<Unit> {
    let db = db();
    db.find(Scheme::Legacy, Level::District, legacy_district_code)
        .map(|d| {
            db.leg_wards_of_district[d as usize]
                .clone()
                .map(|w| db.unit(Scheme::Legacy, Level::Ward, w))
                .collect()
        })
        .unwrap_or_default()
}

/// Returns all wards of a province in either scheme, or nothing for an unknown code.
pub fn wards_of_province(scheme: Scheme, province_code: &str) -> Vec<Unit> {
    let db = db();
    let Some(p) = db.find(scheme, Level::Province, province_code) else {
        return Vec::new();
    };
    match scheme {
        Scheme::Current => db.cur_wards_of_province[p as usize]
            .clone()
            .map(|w| db.unit(scheme, Level::Ward, w))
            .collect(),
        Scheme::Legacy => db.leg_districts_of_province[p as usize]
            .clone()
            .flat_map(|d| db.leg_wards_of_district[d as usize].clone())
            .map(|w| db.unit(scheme, Level::Ward, w))
            .collect(),
    }
}

/// Returns the unit with this code at this level of this scheme.
pub fn unit(scheme: Scheme, level: Level, code: &str) -> Option<Unit> {
    let db = db();
    db.find(scheme, level, code)
        .map(|i| db.unit(scheme, level, i))
}

/// Returns the current (province, ward) pairs a legacy ward went to, the most likely first; more
/// than one means the ward was split. Empty for an unknown code.
pub fn convert_legacy_ward(legacy_ward_code: &str) -> Vec<CurrentCandidate> {
    let db = db();
    db.find(Scheme::Legacy, Level::Ward, legacy_ward_code)
        .map(|w| {
            db.leg_wards[w as usize]
                .to_current
                .iter()
                .map(|&c| CurrentCandidate {
                    province: db.unit(
                        Scheme::Current,
                        Level::Province,
                        db.cur_wards[c as usize].parent,
                    ),
                    ward: db.unit(Scheme::Current, Level::Ward, c),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Searches unit names of a scheme, with or without diacritics ("ben nghe", "Bến Nghé" and
/// "benghe" typos excepted). Names starting with the query come first, then names containing
/// it; provinces before districts before wards; at most `limit` hits.
pub fn search(scheme: Scheme, query: &str, limit: usize) -> Vec<SearchHit> {
    search_level(scheme, None, query, limit)
}

/// Like [`search`], restricted to one level when `level` is given.
pub fn search_level(
    scheme: Scheme,
    level: Option<Level>,
    query: &str,
    limit: usize,
) -> Vec<SearchHit> {
    let q = key_of(query);
    if q.is_empty() || limit == 0 {
        return Vec::new();
    }
    let db = db();
    let lists: &[(Level, &[super::data::Rec])] = match scheme {
        Scheme::Legacy => &[
            (Level::Province, &db.leg_provinces),
            (Level::District, &db.leg_districts),
            (Level::Ward, &db.leg_wards),
        ],
        Scheme::Current => &[
            (Level::Province, &db.cur_provinces),
            (Level::Ward, &db.cur_wards),
        ],
    };
    let mut found: Vec<(u8, usize, Level, u32)> = Vec::new();
    for (rank_level, (lvl, recs)) in lists.iter().enumerate() {
        if level.is_some_and(|l| l != *lvl) {
            continue;
        }
        for (i, r) in recs.iter().enumerate() {
            let rank = if r.key.starts_with(q.as_str()) {
                0
            } else if r.key.contains(q.as_str()) {
                1
            } else {
                continue;
            };
            found.push((rank, rank_level, *lvl, i as u32));
        }
    }
    found.sort_by_key(|&(rank, lvl, _, i)| (rank, lvl, i));
    found.truncate(limit);
    found
        .into_iter()
        .map(|(_, _, level, i)| {
            let (district, province) = match (scheme, level) {
                (_, Level::Province) => (None, None),
                (Scheme::Legacy, Level::District) => (
                    None,
                    Some(db.unit(scheme, Level::Province, db.leg_districts[i as usize].parent)),
                ),
                (Scheme::Legacy, Level::Ward) => {
                    let d = db.leg_wards[i as usize].parent;
                    (
                        Some(db.unit(scheme, Level::District, d)),
                        Some(db.unit(scheme, Level::Province, db.leg_districts[d as usize].parent)),
                    )
                }
                (Scheme::Current, _) => (
                    None,
                    Some(db.unit(scheme, Level::Province, db.cur_wards[i as usize].parent)),
                ),
            };
            SearchHit {
                scheme,
                level,
                unit: db.unit(scheme, level, i),
                district,
                province,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_by_parent() {
        assert_eq!(provinces(Scheme::Legacy).len(), 63);
        assert_eq!(provinces(Scheme::Current).len(), 34);
        let hn = districts("01");
        assert!(hn.iter().any(|d| d.name == "Quận Ba Đình"));
        assert!(legacy_wards_of_district("001")
            .iter()
            .any(|w| w.short == "Trúc Bạch"));
        assert!(wards_of_province(Scheme::Current, "01")
            .iter()
            .any(|w| w.name == "Phường Ba Đình"));
        assert!(districts("99").is_empty());
    }

    #[test]
    fn search_without_diacritics() {
        let hits = search(Scheme::Legacy, "ben nghe", 5);
        assert_eq!(hits[0].unit.short, "Bến Nghé");
        assert_eq!(hits[0].district.as_ref().unwrap().name, "Quận 1");
        assert!(search(Scheme::Current, "", 5).is_empty());
    }

    #[test]
    fn split_ward_converts_to_several() {
        // 00019 (Phường Quán Thánh, Ba Đình) went to several new wards per the NSO table.
        assert!(convert_legacy_ward("00019").len() > 1);
        assert!(convert_legacy_ward("nope").is_empty());
    }
}

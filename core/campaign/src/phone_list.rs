//! An uploaded list of phones (a CSV or XLSX exported from a CRM), matched to customers.
//!
//! # Contract
//!
//! [`match_phone_list`] reads every non-blank row, finds the phones in **any** cell with
//! [`nobi_phone::extract_phones`] (several per cell allowed), and looks each one up by its
//! national form in the caller's phone → customer map. A row is matched if and only if at least
//! one of its phones belongs to a customer; every such customer is kept, once, in file order. Every
//! other row is listed in [`PhoneListMatch::unmatched`] with its row number and why
//! ([`Unmatched`]), except a header row and blank rows.
//!
//! # Decisions
//!
//! - **Header.** The first non-blank row is a header, and is not listed, if and only if none of
//!   its cells holds a phone and some later row does. No column names are looked for: exports
//!   name their columns in every language and style.
//! - **Phones as spreadsheets mangle them.** A cell that is nine digits starting with 3, 5, 7, 8
//!   or 9 is read with its leading 0 restored (Excel drops it in a column formatted as numbers),
//!   and Excel's `="0912345678"` and `'0912345678` text tricks are unwrapped, as the customer
//!   import of `nobi-crm` does. Everything else is the extractor's: "0912.345.678",
//!   "+84 912 345 678", "0912 345 678", an old 11-digit number.
//! - Flagged phones ([`nobi_phone::FoundPhone::unverified_prefix`]) still match: the number
//!   exists in the shop's own records, which is the check the flag asks for.
//! - Reasons are data ([`Unmatched`]); the panel words them.

use crate::audience::Facts;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The longest row text kept in [`UnmatchedRow::text`], in chars.
pub const ROW_TEXT_CHARS: usize = 120;

/// What an uploaded list matched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneListMatch {
    /// The customers found, each once, in the order of the file.
    pub customer_ids: Vec<String>,
    /// Rows with at least one phone of a customer.
    pub matched_rows: usize,
    /// The other rows (not the header, not blank ones), in file order.
    pub unmatched: Vec<UnmatchedRow>,
}

/// A row that matched nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedRow {
    /// The row number as the spreadsheet shows it (1-based).
    pub row: usize,
    /// The row's non-blank cells joined with " | ", at most [`ROW_TEXT_CHARS`] chars ("…" ends a
    /// cut one).
    pub text: String,
    pub why: Unmatched,
}

/// Why a row matched nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Unmatched {
    /// No cell holds a phone number.
    NoPhone,
    /// The row's phones belong to no customer; `phone` is its first, in national form.
    NoCustomer { phone: String },
}

/// Matches rows as the XLSX reader gives them: `rows[i]` is spreadsheet row `i + 1`.
pub fn match_phone_list(
    rows: &[Vec<String>],
    customer_by_phone: &HashMap<String, String>,
) -> PhoneListMatch {
    match_numbered_rows(
        rows.iter()
            .enumerate()
            .map(|(i, cells)| (i + 1, cells.as_slice())),
        customer_by_phone,
    )
}

/// Matches rows that carry their own spreadsheet row number, as the CSV reader gives them
/// (`CsvRecord::row`, `CsvRecord::cells`: blank lines are not records but their rows count).
pub fn match_numbered_rows<'r>(
    rows: impl IntoIterator<Item = (usize, &'r [String])>,
    customer_by_phone: &HashMap<String, String>,
) -> PhoneListMatch {
    // Phones are found once per row; the header rule needs to know whether a later row has any.
    let rows: Vec<(usize, &[String], Vec<String>)> = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(row, cells)| (row, cells, phones_of_row(cells)))
        .collect();
    let header_first = rows.first().is_some_and(|(_, _, phones)| phones.is_empty())
        && rows.iter().skip(1).any(|(_, _, phones)| !phones.is_empty());

    let mut out = PhoneListMatch::default();
    let mut seen: HashSet<&str> = HashSet::new();
    for (row, cells, phones) in rows.iter().skip(usize::from(header_first)) {
        let mut matched = false;
        for phone in phones {
            if let Some(id) = customer_by_phone.get(phone) {
                matched = true;
                if seen.insert(id.as_str()) {
                    out.customer_ids.push(id.clone());
                }
            }
        }
        if matched {
            out.matched_rows += 1;
            continue;
        }
        let why = match phones.first() {
            Some(phone) => Unmatched::NoCustomer {
                phone: phone.clone(),
            },
            None => Unmatched::NoPhone,
        };
        out.unmatched.push(UnmatchedRow {
            row: *row,
            text: row_text(cells),
            why,
        });
    }
    out
}

/// The phone → customer map of these customers, for [`match_phone_list`]. A phone two customers
/// share goes to the first listed (the CRM refuses such duplicates on import; one typed by hand
/// may remain).
pub fn customers_by_phone(facts: &[Facts]) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for customer in facts {
        for phone in &customer.phones {
            map.entry(phone.trim().to_owned())
                .or_insert_with(|| customer.customer_id.clone());
        }
    }
    map
}

/// The phones of a row, national form, in cell order, each once.
fn phones_of_row(cells: &[String]) -> Vec<String> {
    let mut phones: Vec<String> = Vec::new();
    for cell in cells {
        let cell = unwrap_spreadsheet_text(cell);
        if cell.is_empty() {
            continue;
        }
        let restored;
        let text = if is_mobile_without_zero(cell) {
            restored = format!("0{cell}");
            restored.as_str()
        } else {
            cell
        };
        for found in nobi_phone::extract_phones(text) {
            if !phones.contains(&found.number) {
                phones.push(found.number);
            }
        }
    }
    phones
}

/// The cell without Excel's ways of keeping a number as text: `="0912345678"` (CSV) and a
/// leading apostrophe.
fn unwrap_spreadsheet_text(cell: &str) -> &str {
    let mut text = cell.trim();
    if let Some(inner) = text.strip_prefix("=\"").and_then(|t| t.strip_suffix('"')) {
        text = inner.trim();
    }
    text.strip_prefix('\'').unwrap_or(text).trim()
}

/// Nine digits starting like a mobile without its 0: a phone that a number-formatted column
/// stripped. Mobile blocks are 03x, 05x, 07x, 08x and 09x.
fn is_mobile_without_zero(cell: &str) -> bool {
    cell.len() == 9
        && cell.bytes().all(|b| b.is_ascii_digit())
        && matches!(cell.as_bytes()[0], b'3' | b'5' | b'7' | b'8' | b'9')
}

/// The row as the agent can recognise it in the list of unmatched rows.
fn row_text(cells: &[String]) -> String {
    let joined = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" | ");
    if joined.chars().count() <= ROW_TEXT_CHARS {
        return joined;
    }
    let mut cut: String = joined.chars().take(ROW_TEXT_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    fn shop() -> HashMap<String, String> {
        [
            ("0912345678", "lan"),
            ("0987654321", "hoa"),
            ("0351234567", "minh"),
        ]
        .into_iter()
        .map(|(p, c)| (p.to_owned(), c.to_owned()))
        .collect()
    }

    #[test]
    fn a_header_row_is_skipped_and_not_listed() {
        let file = rows(&[
            &["Họ tên", "Số điện thoại", "Ghi chú"],
            &["Lan", "0912345678", ""],
            &["Hoa", "0987654321", "khách quen"],
        ]);
        let m = match_phone_list(&file, &shop());
        assert_eq!(m.customer_ids, ["lan", "hoa"]);
        assert_eq!(m.matched_rows, 2);
        assert!(m.unmatched.is_empty(), "{:?}", m.unmatched);
    }

    #[test]
    fn a_first_row_with_a_phone_is_data() {
        let file = rows(&[&["Lan", "0912345678"], &["Khách lẻ", "không có"]]);
        let m = match_phone_list(&file, &shop());
        assert_eq!(m.customer_ids, ["lan"]);
        assert_eq!(m.unmatched.len(), 1);
        assert_eq!(m.unmatched[0].row, 2);
        assert_eq!(m.unmatched[0].why, Unmatched::NoPhone);
    }

    #[test]
    fn a_file_without_any_phone_lists_every_row_header_included() {
        let file = rows(&[&["Tên"], &["Lan"]]);
        let m = match_phone_list(&file, &shop());
        assert_eq!(
            m.unmatched.iter().map(|u| u.row).collect::<Vec<_>>(),
            [1, 2]
        );
    }

    #[test]
    fn phones_in_two_columns_are_both_read() {
        let file = rows(&[
            &["Tên", "SĐT", "SĐT 2"],
            &["Lan", "", "0912345678"],
            &["Hoa", "0987654321", ""],
        ]);
        let m = match_phone_list(&file, &shop());
        assert_eq!(m.customer_ids, ["lan", "hoa"]);
        assert_eq!(m.matched_rows, 2);
    }

    #[test]
    fn dotted_and_international_forms_match_the_national_one() {
        let file = rows(&[&["Lan", "0912.345.678"], &["Hoa", "+84 987 654 321"]]);
        let m = match_phone_list(&file, &shop());
        assert_eq!(m.customer_ids, ["lan", "hoa"]);
        assert!(m.unmatched.is_empty());
    }

    #[test]
    fn spreadsheet_forms_of_a_phone_match() {
        let file = rows(&[
            &["Lan", "912345678"],
            &["Hoa", "=\"0987654321\""],
            &["Minh", "'0351234567"],
        ]);
        let m = match_phone_list(&file, &shop());
        assert_eq!(m.customer_ids, ["lan", "hoa", "minh"]);
    }

    #[test]
    fn a_row_with_a_price_and_no_phone_is_no_phone() {
        let file = rows(&[
            &["Tên", "SĐT", "Tổng tiền"],
            &["Lan", "0912345678", "1.250.000"],
            &["Khách vãng lai", "", "1.250.000"],
        ]);
        let m = match_phone_list(&file, &shop());
        assert_eq!(m.matched_rows, 1);
        assert_eq!(
            m.unmatched,
            [UnmatchedRow {
                row: 3,
                text: "Khách vãng lai | 1.250.000".into(),
                why: Unmatched::NoPhone,
            }]
        );
    }

    #[test]
    fn an_unknown_phone_is_no_customer_with_the_phone() {
        let file = rows(&[&["SĐT"], &["0912345678"], &["0977 111 222"]]);
        let m = match_phone_list(&file, &shop());
        assert_eq!(m.unmatched.len(), 1);
        assert_eq!(m.unmatched[0].row, 3);
        assert_eq!(
            m.unmatched[0].why,
            Unmatched::NoCustomer {
                phone: "0977111222".into()
            }
        );
    }

    #[test]
    fn a_row_with_two_phones_of_two_customers_matches_both_once() {
        let file = rows(&[
            &["Lan / Hoa", "0912345678, 0987654321"],
            &["Lan lại", "0912 345 678"],
        ]);
        let m = match_phone_list(&file, &shop());
        assert_eq!(m.customer_ids, ["lan", "hoa"], "deduplicated, file order");
        assert_eq!(m.matched_rows, 2);
    }

    #[test]
    fn blank_rows_are_neither_matched_nor_listed_and_numbers_are_kept() {
        let records: Vec<(usize, Vec<String>)> = vec![
            (1, vec!["SĐT".into()]),
            (3, vec!["0912345678".into()]),
            (5, vec!["  ".into()]),
            (6, vec!["chưa có".into()]),
        ];
        let m = match_numbered_rows(
            records.iter().map(|(row, cells)| (*row, cells.as_slice())),
            &shop(),
        );
        assert_eq!(m.customer_ids, ["lan"]);
        assert_eq!(m.unmatched.len(), 1);
        assert_eq!(m.unmatched[0].row, 6);
    }

    #[test]
    fn a_long_row_is_cut_to_120_chars() {
        let long = "x".repeat(300);
        let m = match_phone_list(&rows(&[&[long.as_str()]]), &shop());
        let text = &m.unmatched[0].text;
        assert_eq!(text.chars().count(), ROW_TEXT_CHARS);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn the_map_from_facts_keeps_the_first_owner_of_a_shared_phone() {
        let facts = [
            Facts {
                customer_id: "a".into(),
                phones: vec!["0912345678".into()],
                ..Facts::default()
            },
            Facts {
                customer_id: "b".into(),
                phones: vec!["0912345678".into(), "0987654321".into()],
                ..Facts::default()
            },
        ];
        let map = customers_by_phone(&facts);
        assert_eq!(map["0912345678"], "a");
        assert_eq!(map["0987654321"], "b");
    }
}

//! The shop's CRM as plain data: customers, conversations, tags, notes, staff, history and
//! settings, as the side panel stores them in IndexedDB.
//!
//! The panel owns the storage (IndexedDB has no place in `core`); this crate owns every decision
//! about the data: which records exist and how they are keyed ([`model`], [`schema`]), how an open
//! thread finds its customer ([`link`]), how customers are searched and filtered ([`search`]), how
//! files come in ([`import`], [`xlsx`]; the backup file is `nobi-backup`). So all of it is tested
//! natively, and a team sync added later reads the same types.
//!
//! # Crate contract
//!
//! Every record type implements [`Record`] (its store and key); the store names are in
//! [`schema`]. [`looks_like_address`] returns true if and only if the text has a unit or street
//! word and at least four words. The customer import returns a plan that the panel writes whole or
//! not at all ([`import::ImportPlan::is_ok`]).
//!
//! It deliberately does not hold orders, the catalog or the backup file: `nobi-order` implements
//! [`Record`] for its own types and `nobi-backup` gathers every store (`nobi_core::crm::backup`
//! re-exports it). [`xlsx`] is `nobi_tabular::xlsx`, re-exported at its old place.
//!
//! # Dependencies
//!
//! `nobi-text`, `nobi-i18n`, `nobi-protocol` (platforms and conversations), `nobi-address` (unit
//! references), `nobi-phone` (phones and e-mails in cells and chat), `nobi-tabular` (reading CSV
//! and workbooks), `nobi-template` (templates are records of the store), `serde`, `memchr` and
//! `postcard` (the stored search index).

pub mod import;
pub mod link;
pub mod model;
pub mod schema;
pub mod search;
pub mod units;

pub use model::*;
/// The workbook reader, where the customer import has always found it (`crm::xlsx`).
pub use nobi_tabular::xlsx;

/// Folds text for matching without diacritics or case: "Nguyễn Văn A" → "nguyen van a". The
/// same folding as the phone extractor's keywords and template search.
pub fn fold(text: &str) -> String {
    nobi_text::fold::fold_str(text)
}

/// Returns true if and only if a buyer's message looks like it holds a delivery address (a
/// unit or street word, and a few words): the card offers such messages to the address form,
/// whose parser decides.
pub fn looks_like_address(text: &str) -> bool {
    const WORDS: [&str; 16] = [
        "phuong",
        "quan",
        "huyen",
        "xa",
        "tinh",
        "tp",
        "thanh pho",
        "thi xa",
        "thi tran",
        "duong",
        "ngo",
        "hem",
        "kiet",
        "thon",
        "ap",
        "dia chi",
    ];
    let folded = fold(text);
    let words = folded.split(' ').count();
    words >= 4
        && WORDS.iter().any(|w| {
            folded == *w
                || folded.starts_with(&format!("{w} "))
                || folded.contains(&format!(" {w} "))
                || folded.ends_with(&format!(" {w}"))
        })
}

/// The tags to suggest in the card's tag field: those the customer does not have yet whose name
/// contains `query` without diacritics or case (all of them for an empty query), at most `limit`,
/// in the order given.
pub fn tag_suggestions<'a>(
    tags: &'a [Tag],
    have: &[Id],
    query: &str,
    limit: usize,
) -> Vec<&'a Tag> {
    let q = fold(query);
    tags.iter()
        .filter(|t| !have.contains(&t.id) && (q.is_empty() || fold(&t.name).contains(&q)))
        .take(limit)
        .collect()
}

/// The tag named `name`, compared without diacritics or case ("Khách VIP" is "khach vip"), if
/// there is one.
pub fn tag_named<'a>(tags: &'a [Tag], name: &str) -> Option<&'a Tag> {
    let wanted = fold(name);
    tags.iter().find(|t| fold(&t.name) == wanted)
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_in_messages() {
        assert!(super::looks_like_address(
            "12 ngõ 34 Tây Sơn, Đống Đa, Hà Nội"
        ));
        assert!(super::looks_like_address(
            "Địa chỉ: 5 Lê Lợi, P. Bến Nghé, Q1, TP HCM"
        ));
        assert!(super::looks_like_address(
            "thôn 3 xã Hòa Phú huyện Hòa Vang"
        ));
        assert!(!super::looks_like_address("chị lấy 2 cái size M nhé"));
        assert!(!super::looks_like_address("ok ạ"));
    }

    fn tag(id: &str, name: &str) -> super::Tag {
        super::Tag {
            id: super::Id(id.into()),
            created_at: 0,
            updated_at: 0,
            name: name.into(),
            color: "#888888".into(),
        }
    }

    #[test]
    fn tag_suggestions_skip_the_customer_s_tags_and_match_without_diacritics() {
        let tags = [
            tag("1", "Khách VIP"),
            tag("2", "Khách sỉ"),
            tag("3", "Đã chốt"),
        ];
        let names =
            |found: Vec<&super::Tag>| found.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(super::tag_suggestions(&tags, &[], "khach", 8)),
            ["Khách VIP", "Khách sỉ"]
        );
        assert_eq!(
            names(super::tag_suggestions(
                &tags,
                &[super::Id("1".into())],
                "",
                8
            )),
            ["Khách sỉ", "Đã chốt"]
        );
        assert_eq!(
            names(super::tag_suggestions(&tags, &[], "da chot", 8)),
            ["Đã chốt"]
        );
        assert_eq!(super::tag_suggestions(&tags, &[], "", 1).len(), 1);
        assert!(super::tag_suggestions(&tags, &[], "xyz", 8).is_empty());
    }

    #[test]
    fn a_tag_is_found_by_its_name_whatever_the_diacritics() {
        let tags = [tag("1", "Khách VIP")];
        assert_eq!(
            super::tag_named(&tags, "khach vip").map(|t| t.id.0.as_str()),
            Some("1")
        );
        assert_eq!(
            super::tag_named(&tags, " KHÁCH  VIP ").map(|t| t.id.0.as_str()),
            Some("1")
        );
        assert!(super::tag_named(&tags, "VIP").is_none());
    }
}

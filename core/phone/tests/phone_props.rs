//! Property tests for the phone extractor: it never panics, its spans are honest, it finds valid
//! numbers however they are written, and it does not find numbers where there are none.

use nobi_phone::{extract_emails, extract_phones};
use proptest::prelude::*;

/// Current mobile prefixes (3 digits with the trunk 0) of every carrier.
const PREFIXES: &[&str] = &[
    "032", "033", "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079",
    "081", "082", "083", "084", "085", "086", "087", "088", "090", "091", "092", "093", "094",
    "096", "097", "098", "056", "058", "059",
];

/// Sub-prefixes that the tables do not list, in blocks of which they list others (issue 16).
const UNLISTED: &[&str] = &[
    "0520", "0521", "0524", "0525", "0526", "0527", "0529", "0550", "0551", "0552", "0553", "0554",
    "0555", "0556", "0557", "0558", "0890", "0891", "0892", "0893", "0894", "0895", "0992",
];

fn mobile() -> impl Strategy<Value = String> {
    (prop::sample::select(PREFIXES), "[0-9]{7}").prop_map(|(p, rest)| format!("{p}{rest}"))
}

fn unlisted_mobile() -> impl Strategy<Value = String> {
    (prop::sample::select(UNLISTED), "[0-9]{6}").prop_map(|(p, rest)| format!("{p}{rest}"))
}

/// A number written the way buyers do: returns (raw, expected national number).
fn written() -> impl Strategy<Value = (String, String)> {
    written_as(mobile())
}

/// `number` written the way buyers do: returns (raw, expected national number).
fn written_as(number: impl Strategy<Value = String>) -> impl Strategy<Value = (String, String)> {
    (number, 0..14usize).prop_map(|(n, style)| {
        let s = &n[1..];
        let raw = match style {
            0 => n.clone(),
            1 => format!("{} {} {}", &n[..4], &n[4..7], &n[7..]),
            2 => format!("{}.{}.{}", &n[..4], &n[4..7], &n[7..]),
            3 => format!("{}-{}-{}", &n[..4], &n[4..7], &n[7..]),
            4 => format!("+84{s}"),
            5 => format!("+84 {} {} {}", &s[..3], &s[3..6], &s[6..]),
            6 => format!("84{s}"),
            7 => format!("0084{s}"),
            8 => format!("(+84) {s}"),
            9 => n
                .chars()
                .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap())
                .collect(),
            10 => format!("{}\u{200B}{}", &n[..4], &n[4..]),
            12 => format!("{} - {} - {}", &n[..4], &n[4..7], &n[7..]),
            13 => format!("{},{},{}", &n[..4], &n[4..7], &n[7..]),
            _ => (0..10)
                .step_by(2)
                .map(|i| &n[i..i + 2])
                .collect::<Vec<_>>()
                .join(" "),
        };
        (raw, n)
    })
}

/// Words around a phone that say nothing about it.
fn filler() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        "sdt ",
        "sđt: ",
        "Em tên Lan, ",
        "gọi ",
        "zalo: ",
        "chốt đơn nha, ",
        "Địa chỉ 12 Lê Lợi, ",
        "size M, ",
        "ship về Q7. ",
        "số em ",
        "Người nhận: Hoa\n",
    ])
    .prop_map(str::to_owned)
}

fn after() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        " ạ",
        " (zalo)",
        ", giao giờ hành chính",
        ". Cảm ơn shop",
        " nhé",
        "\nĐịa chỉ: 5 Trần Phú",
        " - chị Mai",
        "!",
    ])
    .prop_map(str::to_owned)
}

fn chars_of(s: &str) -> Vec<char> {
    s.chars().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_spans_are_honest(text in "[0-9０-９ .\\-+()/a-zđĐạếủ@\u{200B}\n]{0,60}|\\PC{0,80}") {
        let found = extract_phones(&text);
        let chars = chars_of(&text);
        let mut last_end = 0;
        for p in &found {
            prop_assert!(p.start < p.end && p.end <= chars.len());
            prop_assert!(p.start >= last_end, "overlap in {:?}", found);
            last_end = p.end;
            prop_assert_eq!(chars[p.start..p.end].iter().collect::<String>(), p.raw.clone());
            prop_assert!(p.number.starts_with('0') && matches!(p.number.len(), 10 | 11));
            // The span alone normalises back to the same number.
            // (Announced, since "912345678" is only a phone after a phone word.)
            let alone: Vec<String> = extract_phones(&format!("sđt {}", p.raw)).into_iter().map(|q| q.number).collect();
            prop_assert_eq!(alone, vec![p.number.clone()]);
        }
        let _ = extract_emails(&text);
    }

    #[test]
    fn finds_numbers_however_written((raw, number) in written(), before in filler(), tail in after()) {
        let text = format!("{before}{raw}{tail}");
        let found = extract_phones(&text);
        prop_assert_eq!(found.len(), 1, "{:?} -> {:?}", text, found);
        prop_assert_eq!(&found[0].number, &number);
        prop_assert_eq!(&found[0].raw, &raw);
        prop_assert_eq!(found[0].start, before.chars().count());
    }

    #[test]
    fn unlisted_sub_prefixes_are_flagged_after_a_phone_word_only(
        (raw, number) in written_as(unlisted_mobile()),
        word in prop::sample::select(vec!["sdt ", "sđt: ", "zalo ", "Zalo: ", "số em ", "SĐT người nhận: ", "đt "]),
        other in prop::sample::select(vec!["", "Em tên Lan, ", "chốt đơn nha, ", "size M, ", "stk ", "mã đơn ", "MST: "]),
        tail in after(),
    ) {
        let text = format!("{word}{raw}{tail}");
        let found = extract_phones(&text);
        prop_assert_eq!(found.len(), 1, "{:?} -> {:?}", text, found);
        prop_assert_eq!(&found[0].number, &number);
        prop_assert_eq!(&found[0].raw, &raw);
        prop_assert!(found[0].unverified_prefix && found[0].carrier.is_none());
        let text = format!("{other}{raw}{tail}");
        prop_assert!(extract_phones(&text).is_empty(), "{:?} -> {:?}", text, extract_phones(&text));
    }

    #[test]
    fn finds_two_numbers((a, na) in written(), (b, nb) in written(), sep in prop::sample::select(vec![" - ", " / ", ", ", " hoặc ", "\n", " và "])) {
        let text = format!("sdt {a}{sep}{b}");
        let numbers: Vec<String> = extract_phones(&text).into_iter().map(|p| p.number).collect();
        prop_assert_eq!(numbers, vec![na, nb], "{:?}", text);
    }

    #[test]
    fn glued_digits_make_no_phone(n in mobile(), d in "[0-9]", front in any::<bool>()) {
        let text = if front { format!("{d}{n}") } else { format!("{n}{d}") };
        // "84" + 9 digits is the one way a digit in front still makes a phone.
        prop_assume!(!(text.starts_with("84") && text.len() == 11));
        prop_assert!(extract_phones(&text).is_empty(), "{:?}", text);
    }

    #[test]
    fn amounts_dates_and_codes_are_not_phones(
        price in 1u32..100_000,
        day in 1u32..32, month in 1u32..13, year in 1950u32..2100,
        code in prop::sample::select(vec!["DH", "SPX", "GHN", "GHTK", "VTP", "MDH", "ORD", "SP", "HD", "KH", "BH", "JT"]),
        n in mobile(),
    ) {
        let texts = [
            format!("giá {price}.000đ"),
            format!("{}.{:03}.000", price / 1000 + 1, price % 1000),
            format!("{price}k"),
            format!("{day:02}/{month:02}/{year}"),
            format!("{day}.{month}.{year}"),
            format!("{code}{n}"),
            format!("{code}-{n}"),
            format!("stk {n}"),
            format!("{n}đ"),
            format!("CCCD 0{}", &n[..10].repeat(2)[..11]),
        ];
        for t in texts {
            prop_assert!(extract_phones(&t).is_empty(), "{:?} -> {:?}", t, extract_phones(&t));
        }
    }
}

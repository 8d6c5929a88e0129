//! Property tests: any Unicode input parses without panicking, quickly, into a coherent result.

use std::time::{Duration, Instant};

use nobi_address::{parse, DetectedScheme, ParsedAddress};
use proptest::prelude::*;

fn coherent(p: &ParsedAddress) {
    assert!((0.0..=1.0).contains(&p.confidence));
    match p.scheme {
        DetectedScheme::Legacy => assert!(p.legacy.is_some()),
        DetectedScheme::Current => {
            assert!(p.current.is_some());
            assert!(p.legacy.is_none());
        }
        DetectedScheme::Unknown => {}
    }
    if let Some(l) = &p.legacy {
        if l.ward.is_some() {
            assert!(
                l.district.is_some(),
                "a legacy ward always comes with its district"
            );
        }
    }
    let json = serde_json::to_string(p).unwrap();
    let back: ParsedAddress = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, p);
}

/// Text made of address-like pieces, to reach deep paths more often than random Unicode does.
fn addressish() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "P.",
        "Q.",
        "F",
        "TP",
        "TX.",
        "H.",
        "X.",
        "TT",
        "phường",
        "quận",
        "huyện",
        "Tỉnh",
        "Thành phố",
        "Bến Nghé",
        "Ba Đình",
        "Hà Nội",
        "HCM",
        "Sài Gòn",
        "Tân Phú",
        "12",
        "3",
        "04",
        ",",
        "-",
        " ",
        "ạ",
        "🙏",
        "0912345678",
        "ngõ",
        "đường",
        "hoà",
        "Đắk Lắk",
        "BRVT",
        "\n",
        "đ",
        "́",
    ]);
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn never_panics_on_any_unicode(s in "\\PC{0,300}") {
        let t = Instant::now();
        let p = parse(&s);
        prop_assert!(t.elapsed() < Duration::from_millis(500));
        coherent(&p);
    }

    #[test]
    fn never_panics_on_address_like_text(s in addressish()) {
        let t = Instant::now();
        let p = parse(&s);
        prop_assert!(t.elapsed() < Duration::from_millis(500));
        coherent(&p);
    }
}

#[test]
fn huge_input_stays_bounded() {
    let s = "Phường Bến Nghé Quận 1 ".repeat(5_000);
    let t = Instant::now();
    let p = parse(&s);
    assert!(t.elapsed() < Duration::from_secs(2));
    coherent(&p);
    let emoji = "🙏".repeat(100_000);
    coherent(&parse(&emoji));
    coherent(&parse(""));
    coherent(&parse("\u{0300}\u{0301}a\u{0323}"));
}

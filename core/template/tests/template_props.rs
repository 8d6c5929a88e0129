//! Property tests for template rendering and search: any text renders without panicking, to NFC;
//! text without braces is unchanged; escaped braces come back literally; search never loses a
//! template that contains the query.

use nobi_template::{render, search, shortcut_matches, Template, Vars};
use nobi_text::{is_normalized, nfc};
use proptest::prelude::*;

fn vars() -> Vars {
    Vars {
        ten_khach: Some("Hồng".into()),
        tong_tien: Some(1_250_000),
        ..Vars::default()
    }
}

/// Vietnamese-ish text with braces, line breaks, emoji and combining marks.
fn texty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("{ten_khach}".to_owned()),
            Just("{tong_tien}".to_owned()),
            Just("{sdt}".to_owned()),
            Just("{la}".to_owned()),
            Just("\n".to_owned()),
            Just("👋".to_owned()),
            Just("\u{0301}".to_owned()),
            "[a-zA-Zàáạảãâầấậẩẫăằắặẳẵđèéẹẻẽêềếệểễ ]{0,6}",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

fn escape(s: &str) -> String {
    s.replace('{', "{{").replace('}', "}}")
}

proptest! {
    #[test]
    fn any_text_renders_to_nfc(s in texty()) {
        let r = render(&s, &vars());
        prop_assert!(is_normalized(&r.text));
        // Every reported name is reported once.
        let mut u = r.unknown.clone();
        u.dedup();
        prop_assert_eq!(u.len(), r.unknown.len());
    }

    #[test]
    fn text_without_braces_is_only_normalised(s in "[^{}]{0,40}") {
        let r = render(&s, &Vars::default());
        prop_assert_eq!(&r.text, &nfc(&s));
        prop_assert!(r.is_complete());
    }

    #[test]
    fn escaped_text_comes_back_literally(s in texty()) {
        let r = render(&escape(&s), &vars());
        prop_assert_eq!(&r.text, &nfc(&s));
        prop_assert!(r.is_complete());
    }

    #[test]
    fn a_template_is_found_by_any_word_of_its_name(
        words in prop::collection::vec("[a-zđăâêôơư]{1,6}", 1..4),
        pick in 0usize..4,
    ) {
        let name = words.join(" ");
        let t = Template {
            id: "t".into(),
            name: name.clone(),
            content: String::new(),
            shortcut: Some(format!("/{}", words.join("_"))),
            image_ids: vec![],
            position: 0,
            updated_at: 0,
        };
        let templates = [t];
        let word = &words[pick % words.len()];
        prop_assert_eq!(search(&templates, word).len(), 1);
        prop_assert_eq!(search(&templates, &name.to_uppercase()).len(), 1);
        let prefix: String = words[0].chars().take(2).collect();
        prop_assert_eq!(shortcut_matches(&templates, &format!("/{prefix}")).len(), 1);
    }
}

//! Text at the boundary: everything read from a page or typed by the agent is NFC-normalised once,
//! here, so that "hòa" typed on a Mac (decomposed) and "hòa" typed on Windows (composed) are one
//! string everywhere else.
//!
//! # Crate contract
//!
//! - [`nfc`] returns the NFC form of its input; [`is_normalized`] returns true if and only if the
//!   input is already NFC.
//! - [`lower`], [`find`] and [`contains`] compare text the way the panel's searches do (English
//!   and Vietnamese case folded, nothing else); [`fold`] removes Vietnamese diacritics and case
//!   with a hand table: the one folding every crate uses for keyword matching and search, so that
//!   phone keywords, template search, the CRM and the catalog agree.
//!
//! It deliberately does not tokenise, transliterate or know any domain word.
//!
//! # Dependencies
//!
//! None of the project's. `unicode-normalization` for NFC natively; with the `browser-nfc` feature
//! on wasm32 the browser's `String.prototype.normalize` (through `js-sys`) replaces its tables.

pub mod fold;

#[cfg(not(all(target_arch = "wasm32", feature = "browser-nfc")))]
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// Returns `text` in Unicode Normalization Form C.
///
/// Cheap when the text is already NFC (the common case): it is then returned without re-encoding.
#[cfg(not(all(target_arch = "wasm32", feature = "browser-nfc")))]
pub fn nfc(text: &str) -> String {
    if is_nfc(text) {
        text.to_owned()
    } else {
        text.nfc().collect()
    }
}

/// Returns `text` in Unicode Normalization Form C, through the browser's `normalize()`: the
/// same result without shipping Unicode's composition tables in every module.
#[cfg(all(target_arch = "wasm32", feature = "browser-nfc"))]
pub fn nfc(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    js_sys::JsString::from(text).normalize("NFC").into()
}

/// Returns true if and only if `text` is in Unicode Normalization Form C.
#[cfg(not(all(target_arch = "wasm32", feature = "browser-nfc")))]
pub fn is_normalized(text: &str) -> bool {
    is_nfc(text)
}

/// Returns true if and only if `text` is in Unicode Normalization Form C.
#[cfg(all(target_arch = "wasm32", feature = "browser-nfc"))]
pub fn is_normalized(text: &str) -> bool {
    text.is_ascii() || nfc(text) == text
}

/// `text` as the panel shows a name or a message another person wrote: without the characters
/// that reorder or hide text (bidi embeddings, overrides and isolates, zero-width spaces, the
/// byte-order mark) and without control characters (NUL …), line breaks and tabs kept. The
/// zero-width joiner stays: emoji sequences need it. What is stored is not changed: this is
/// for display only (the panel also isolates every such text with CSS `unicode-bidi: isolate`).
pub fn for_display(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            !matches!(c,
                '\u{202A}'..='\u{202E}' // LRE RLE PDF LRO RLO
                | '\u{2066}'..='\u{2069}' // LRI RLI FSI PDI
                | '\u{200B}' | '\u{200C}' | '\u{2060}' | '\u{FEFF}' // zero width
                | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
            ) && (!c.is_control() || c == '\n' || c == '\t')
        })
        .collect()
}

/// Lowercases the letters of English and Vietnamese (ASCII, Latin-1, the Latin Extended letters
/// Vietnamese uses, and the Vietnamese block U+1EA0–U+1EF9) in NFC text; every other character
/// is kept. Returns the same as `str::to_lowercase` on such text, without its Unicode case tables
/// (about 15 KB), which the content script cannot afford.
pub fn lower(text: &str) -> String {
    text.chars().map(lower_char).collect()
}

fn lower_char(c: char) -> char {
    let cp = c as u32;
    let lowered = match cp {
        0x41..=0x5A => cp + 0x20,
        0xC0..=0xDE if cp != 0xD7 => cp + 0x20,
        // Ā…ķ (Ă, Đ, Ĩ, Ũ among them: Ũ is U+0168) pair upper (even) with lower (odd).
        0x100..=0x137 | 0x14A..=0x177 if cp % 2 == 0 => cp + 1,
        0x1A0 | 0x1AF => cp + 1, // Ơ, Ư
        0x1E00..=0x1E95 | 0x1EA0..=0x1EFF if cp % 2 == 0 => cp + 1,
        _ => cp,
    };
    char::from_u32(lowered).unwrap_or(c)
}

/// Where `needle` first occurs in `haystack` (a byte offset), like `haystack.find(needle)`.
///
/// A plain comparison at each position: the texts searched here (labels, statuses, a pane's text)
/// are short, and `str::find` with a string pattern compiles the two-way searcher (about 2 KB of
/// wasm) into the content script.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Returns true if and only if `needle` occurs in `haystack`, like `haystack.contains(needle)`
/// (see [`find`]).
pub fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 13, point 16: a name written to reorder or hide the interface.
    #[test]
    fn text_for_display_cannot_reorder_or_hide_anything() {
        assert_eq!(for_display("\u{202E}gnp.exe\u{202C} Lan"), "gnp.exe Lan");
        assert_eq!(for_display("Ho\u{200B}a\u{0000} Mai\u{2067}"), "Hoa Mai");
        assert_eq!(for_display("dòng 1\ndòng 2\tx"), "dòng 1\ndòng 2\tx");
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(
            for_display(family),
            family,
            "emoji sequences keep their joiners"
        );
        assert_eq!(for_display("Nguyễn Thị Hồng"), "Nguyễn Thị Hồng");
    }

    #[test]
    fn find_agrees_with_the_standard_library() {
        let haystacks = [
            "",
            "a",
            "Đã gửi · Lan",
            "lỗi gửi lỗi",
            "aaab",
            "Xin chào 👋 chị ơi",
        ];
        let needles = [
            "",
            "a",
            "ab",
            " · ",
            "lỗi",
            "gửi",
            "👋",
            "ơi",
            "Xin chào 👋 chị ơi!",
            "i",
        ];
        for h in haystacks {
            for n in needles {
                assert_eq!(find(h, n), h.find(n), "{h:?} {n:?}");
                assert_eq!(contains(h, n), h.contains(n), "{h:?} {n:?}");
            }
        }
    }

    #[test]
    fn lower_agrees_with_the_standard_library_on_english_and_vietnamese() {
        let samples = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ \
                       ABCDEFGHIJKLMNOPQRSTUVWXYZ Đã Gửi KHÔNG GỬI ĐƯỢC Try Again Later 😊 ×";
        assert_eq!(lower(samples), samples.to_lowercase());
        for c in ('\u{0}'..='\u{24F}').chain('\u{1E00}'..='\u{1EFF}') {
            let ours = lower_char(c);
            let std: String = c.to_lowercase().collect();
            if std.chars().count() == 1
                && (c.is_ascii()
                    || "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯ".contains(c)
                    || ('\u{1EA0}'..='\u{1EF9}').contains(&c))
            {
                assert_eq!(ours.to_string(), std, "{c:?}");
            }
        }
    }

    #[test]
    fn decomposed_vietnamese_becomes_composed() {
        let decomposed = "Xin cha\u{0300}o chi\u{0323} ơi";
        let composed = nfc(decomposed);
        assert_eq!(composed, "Xin chào chị ơi");
        assert!(is_normalized(&composed));
        assert!(!is_normalized(decomposed));
    }

    #[test]
    fn emoji_and_line_breaks_survive() {
        let text = "Xin chào 👋 chị ơi\nDạ 🌸";
        assert_eq!(nfc(text), text);
    }
}

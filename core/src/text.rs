//! Text at the boundary: everything read from a page or typed by the agent is NFC-normalised once,
//! here, so that "hòa" typed on a Mac (decomposed) and "hòa" typed on Windows (composed) are one
//! string everywhere else.

use unicode_normalization::{is_nfc, UnicodeNormalization};

/// Returns `text` in Unicode Normalization Form C.
///
/// Cheap when the text is already NFC (the common case): it is then returned without re-encoding.
pub fn nfc(text: &str) -> String {
    if is_nfc(text) {
        text.to_owned()
    } else {
        text.nfc().collect()
    }
}

/// Returns true if and only if `text` is in Unicode Normalization Form C.
pub fn is_normalized(text: &str) -> bool {
    is_nfc(text)
}

#[cfg(test)]
mod tests {
    use super::*;

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

//! What keyboards, phones and OCR do to an address before the parser sees it, undone.
//!
//! Each repair is narrow: it changes text only in a shape that an address written on purpose
//! never has, so a text without these accidents comes out unchanged (and borrowed).
//! - **Spaced letters.** Some OCR tools and "fancy text" pastes put a space between every letter
//!   and two between words ("P h ư ờ n g  B ế n  T h à n h"). Taken when most words are single
//!   letters: single spaces are dropped, longer runs become one space.
//! - **VNI leftovers.** The VNI input method types tone and vowel marks as digits after the
//!   vowel ("Bi2nh" for "Bình"); when the keyboard is off, the digit stays. A single digit 1–9
//!   right after a vowel that follows a letter, and right before a lowercase letter, is dropped
//!   (the key drops diacritics anyway). A digit between a consonant and a letter ("p2q3") or at a
//!   word's end ("P12") is left alone.

use std::borrow::Cow;

/// Returns the text with the accidents above undone, borrowed when there were none.
pub fn repair(text: &str) -> Cow<'_, str> {
    let text = match collapse_spaced_letters(text) {
        Some(collapsed) => Cow::Owned(collapsed),
        None => Cow::Borrowed(text),
    };
    match drop_vni_digits(&text) {
        Some(fixed) => Cow::Owned(fixed),
        None => text,
    }
}

/// Returns the text with single spaces removed and longer runs of spaces made one, if and only
/// if it is written with a space between letters: at least 8 single-letter words, and at least 70 %
/// of all words.
fn collapse_spaced_letters(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(' ')
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let single = words
        .iter()
        .filter(|w| w.chars().filter(|c| c.is_alphanumeric()).count() == 1)
        .count();
    if single < 8 || single * 10 < words.len() * 7 {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' {
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            if j - i >= 2 {
                out.push(' ');
            }
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    Some(out)
}

fn is_vowel(c: char) -> bool {
    super::normalize::fold_char(c).is_some_and(|f| matches!(f, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
}

/// Returns the text without VNI's leftover digits, or `None` if there are none.
fn drop_vni_digits(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let leftover = |i: usize| {
        let c = chars[i];
        i >= 2
            && ('1'..='9').contains(&c)
            && is_vowel(chars[i - 1])
            && chars[i - 2].is_alphabetic()
            && chars.get(i + 1).is_some_and(|n| n.is_lowercase())
    };
    if !(0..chars.len()).any(leftover) {
        return None;
    }
    Some(
        (0..chars.len())
            .filter(|&i| !leftover(i))
            .map(|i| chars[i])
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaced_letters_are_joined_into_words() {
        assert_eq!(
            repair("P h ư ờ n g  B ế n  T h à n h ,  T P  H C M"),
            "Phường Bến Thành, TP HCM"
        );
    }

    #[test]
    fn ordinary_addresses_with_short_words_are_left_alone() {
        for text in [
            "Lô A, P. 3, Q. 5, TP HCM",
            "12 ngõ 3 tổ 6 P Tân Thịnh",
            "số 7 Trần Não, P.Bình Khánh, Q.2",
        ] {
            assert!(matches!(repair(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn vni_digits_inside_words_are_dropped() {
        assert_eq!(
            repair("Phường Bi2nh Tây, TP HCM"),
            "Phường Binh Tây, TP HCM"
        );
        assert_eq!(repair("Hoa2ng Mai"), "Hoang Mai");
    }

    #[test]
    fn digits_of_numbered_units_stay() {
        for text in ["p2q3", "P12 Q10", "F.3 Q.Gò Vấp", "Lô 2A", "ngo 6a"] {
            assert!(matches!(repair(text), Cow::Borrowed(_)), "{text}");
        }
    }
}

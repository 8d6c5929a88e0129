//! What keyboards, phones and OCR do to an address before the parser sees it, undone.
//!
//! Each repair is narrow: it changes text only in a shape that an address written on purpose
//! never has, so a text without these accidents comes out unchanged (and borrowed).
//! - **Spaced letters.** Some OCR tools and "fancy text" pastes put a space between every letter
//!   and two between words ("P h ư ờ n g  B ế n  T h à n h"). When most words are single
//!   letters, single spaces are dropped and longer runs become one space; otherwise a run of at
//!   least 5 single letters (digits do not count) is joined into one word.
//! - **VNI leftovers.** The VNI input method types tone and vowel marks as digits after the
//!   vowel ("Bi2nh" for "Bình", "No65i" for "Nội", "D9" for "Đ"); when the keyboard is off, the
//!   digits stay. One digit (or a vowel mark 6–8 and a tone 1–5) right after a vowel that follows
//!   a letter, and before the rest of a syllable, is dropped (the key drops diacritics anyway);
//!   a tone at a word's end ("Ha2") only when the text has one inside a word too. A digit after a
//!   consonant ("p2q3", "P12"), or after a street or hamlet word ("ngo2b", "pho3"), is a number.

use std::borrow::Cow;

/// Returns the text with the accidents above undone, borrowed when there were none.
pub fn repair(text: &str) -> Cow<'_, str> {
    let text = match collapse_spaced_letters(text) {
        Some(collapsed) => Cow::Owned(collapsed),
        None => Cow::Borrowed(text),
    };
    // A second pass for marks that followed another mark's digit ("D9o6ng": "Do6ng" after the first).
    match drop_vni_digits(&text) {
        Some(fixed) => Cow::Owned(drop_vni_digits(&fixed).unwrap_or(fixed)),
        None => text,
    }
}

/// Returns the text written letter by letter made words again: the whole text (see
/// [`collapse_spaced_text`]), or each run of at least 5 single-letter words (separated by one space)
/// joined into one word, and the longer runs of spaces between such runs made one; `None` if there
/// is no such run.
fn collapse_spaced_letters(text: &str) -> Option<String> {
    const MIN_RUN: usize = 5;
    if let Some(whole) = collapse_spaced_text(text) {
        return Some(whole);
    }
    let chars: Vec<char> = text.chars().collect();
    // A "letter word" is one letter with a space or an edge on each side. Digits do not count:
    // "p 2 q 3" is a ward and a district, not a word spelt out.
    let single = |i: usize| {
        chars[i].is_alphabetic()
            && (i == 0 || !chars[i - 1].is_alphanumeric())
            && chars.get(i + 1).is_none_or(|c| !c.is_alphanumeric())
    };
    // Mark the chars of runs: single letters joined by exactly one space.
    let mut in_run = vec![false; chars.len()];
    let mut i = 0;
    let mut found = false;
    while i < chars.len() {
        if !single(i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut count = 1;
        while end + 2 < chars.len() && chars[end + 1] == ' ' && single(end + 2) {
            end += 2;
            count += 1;
        }
        if count >= MIN_RUN {
            found = true;
            in_run[start..=end].iter_mut().for_each(|x| *x = true);
        }
        i = end + 1;
    }
    if !found {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut k = 0;
    while k < chars.len() {
        if chars[k] == ' ' {
            let mut j = k;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let between_run_letters = k > 0 && in_run[k - 1] && j < chars.len() && in_run[j];
            // One space inside a run joins its letters; a longer gap is a word break.
            if !(between_run_letters && j - k == 1) {
                out.push(' ');
            }
            k = j;
            continue;
        }
        out.push(chars[k]);
        k += 1;
    }
    Some(out)
}

/// The whole text written letter by letter (at least 8 single-letter words, 70 % of all): single
/// spaces are dropped and longer runs become one space.
fn collapse_spaced_text(text: &str) -> Option<String> {
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

/// Returns true if and only if the letters right before `i` are a street or hamlet word ("ngo",
/// "so", "nha", "pho"...), after which a digit is a number, whatever the keyboard.
fn after_street_word(chars: &[char], i: usize) -> bool {
    let mut start = i;
    while start > 0 && chars[start - 1].is_alphabetic() {
        start -= 1;
    }
    let word: String = chars[start..i]
        .iter()
        .filter_map(|&c| super::normalize::fold_char(c))
        .collect();
    matches!(
        word.as_str(),
        "ngo"
            | "so"
            | "nha"
            | "lo"
            | "to"
            | "pho"
            | "ap"
            | "khu"
            | "thon"
            | "xom"
            | "kho"
            | "tang"
            | "phong"
            | "ki"
            | "kiot"
            | "hem"
            | "ngach"
            | "kiet"
    )
}

fn is_vowel(c: char) -> bool {
    super::normalize::fold_char(c).is_some_and(|f| matches!(f, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
}

/// Returns the text without VNI's leftover digits, or `None` if there are none.
///
/// Inside a word: 1–2 digits after a vowel that follows a letter ("Bi2nh", "No65i": a vowel mark
/// 6–8 then a tone 1–5), or "9" after d ("D9o6ng"), before a lowercase letter. At a word's end
/// ("Ha2", "Va61p" is inside) only when the text has a leftover inside a word too: alone, "pho3"
/// is more likely "phố 3" glued.
fn drop_vni_digits(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    // Length of a VNI digit run starting at i (0 if none), given what must follow it.
    let run_at = |i: usize, at_end: bool| -> usize {
        if i == 0 || !chars[i - 1].is_alphabetic() {
            return 0;
        }
        let prev = chars[i - 1];
        let digit = |k: usize| chars.get(k).and_then(|c| c.to_digit(10));
        let len = match (digit(i), digit(i + 1)) {
            (Some(9), _) if matches!(prev, 'd' | 'D') => 1,
            (Some(6..=8), Some(1..=5)) => 2,
            (Some(1..=9), None) => 1,
            _ => 0,
        };
        if len == 0 || matches!(prev, 'd' | 'D') && digit(i) == Some(9) && len == 1 {
            // đ: only inside a word.
            return if len == 1 && chars.get(i + 1).is_some_and(|c| c.is_lowercase()) {
                1
            } else {
                0
            };
        }
        let vowel_after_letter = is_vowel(prev) && i >= 2 && chars[i - 2].is_alphabetic();
        if !vowel_after_letter || after_street_word(&chars, i) {
            return 0;
        }
        let next = chars.get(i + len);
        // What may follow a tone typed mid-syllable: the rest of a syllable (a final consonant,
        // or the glide of a diphthong), never "a", "b" ("ngo2b", "lo2a" are house numbers).
        let inside =
            next.is_some_and(|&c| matches!(c, 'c' | 'm' | 'n' | 'p' | 't' | 'i' | 'o' | 'u' | 'y'));
        let word_end = next.is_none_or(|c| !c.is_alphanumeric());
        if inside || (at_end && word_end && digit(i + len - 1).is_some_and(|d| d <= 5)) {
            len
        } else {
            0
        }
    };
    let inside_anywhere = (0..chars.len()).any(|i| run_at(i, false) > 0);
    if !inside_anywhere {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let n = run_at(i, true);
        if n > 0 {
            i += n;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    Some(out)
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
        // A vowel mark and a tone, đ, and a tone at a word's end once the text is VNI.
        assert_eq!(repair("Q. Ha2 D9o6ng, Ha2 No65i"), "Q. Ha Dong, Ha Noi");
    }

    #[test]
    fn a_digit_at_a_words_end_stays_unless_the_text_is_vni() {
        for text in [
            "khu pho3 Linh Trung",
            "Khu A2, Lô B3",
            "ấp Tân Hoa2",
            "ngo2b Thái Hà",
            "nha5b khu pho3 Linh Trung, Thu Duc",
        ] {
            assert!(matches!(repair(text), Cow::Borrowed(_)), "{text}");
        }
        // A house number beside a VNI word keeps its digit.
        assert_eq!(repair("lo2a Bi2nh Tây"), "lo2a Binh Tây");
    }

    #[test]
    fn a_short_spaced_run_inside_normal_text_is_joined() {
        assert_eq!(repair("P h ư ờ n g 7, TP Mỹ Tho"), "Phường 7, TP Mỹ Tho");
        // Chat words and type letters with numbers are not a spelt-out word.
        assert!(matches!(repair("ở p 2 q 3, tp hcm"), Cow::Borrowed(_)));
    }

    #[test]
    fn digits_of_numbered_units_stay() {
        for text in ["p2q3", "P12 Q10", "F.3 Q.Gò Vấp", "Lô 2A", "ngo 6a"] {
            assert!(matches!(repair(text), Cow::Borrowed(_)), "{text}");
        }
    }
}

//! Diacritic folding for keyword matching: "Số TK" and "so tk" are the same words.
//!
//! A hand table over the three blocks Vietnamese letters live in, instead of NFD decomposition
//! through `unicode-normalization`: the phone extractor must stay small in wasm, and the
//! decomposition tables alone would cost more than this whole module.

/// Returns the lowercase base letter of a Vietnamese letter ("Ế" → 'e', "đ" → 'd'), the
/// lowercase of any other char, or `None` for a combining mark (so decomposed input folds the
/// same as composed input).
pub fn fold_char(c: char) -> Option<char> {
    let u = c as u32;
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    if (0x0300..=0x036F).contains(&u) {
        return None;
    }
    let folded = match u {
        0xC0..=0xC5 | 0xE0..=0xE5 | 0x102 | 0x103 => 'a',
        0xC7 | 0xE7 => 'c',
        0xC8..=0xCB | 0xE8..=0xEB => 'e',
        0xCC..=0xCF | 0xEC..=0xEF | 0x128 | 0x129 => 'i',
        0xD0 | 0x110 | 0x111 => 'd',
        0xD1 | 0xF1 => 'n',
        0xD2..=0xD6 | 0xD8 | 0xF2..=0xF6 | 0xF8 | 0x1A0 | 0x1A1 => 'o',
        0xD9..=0xDC | 0xF9..=0xFC | 0x168 | 0x169 | 0x1AF | 0x1B0 => 'u',
        0xDD | 0xFD | 0xFF => 'y',
        // Latin Extended Additional: upper/lower pairs, grouped by base letter.
        0x1EA0..=0x1EB7 => 'a',
        0x1EB8..=0x1EC7 => 'e',
        0x1EC8..=0x1ECB => 'i',
        0x1ECC..=0x1EE3 => 'o',
        0x1EE4..=0x1EF1 => 'u',
        0x1EF2..=0x1EF9 => 'y',
        _ => vi_lower(c),
    };
    Some(folded)
}

/// Returns the lowercase of an ASCII or Vietnamese letter, and any other char unchanged.
///
/// Hand-made for the same reason as [`fold_char`]: `char::to_lowercase` pulls in the Unicode case
/// tables, and Vietnamese only needs the Latin blocks, where case pairs are regular.
pub fn vi_lower(c: char) -> char {
    let u = c as u32;
    let lower = match u {
        0x41..=0x5A => u + 0x20,
        0xC0..=0xDE if u != 0xD7 => u + 0x20,
        0x100..=0x137 | 0x14A..=0x177 | 0x1E00..=0x1E95 | 0x1EA0..=0x1EFF if u % 2 == 0 => u + 1,
        0x1A0 | 0x1AF => u + 1,
        _ => u,
    };
    char::from_u32(lower).unwrap_or(c)
}

/// Returns true if and only if `c` is part of a word: a letter, a digit or a combining mark.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Appends the folded form of `chars` to `out`, with every run of non-word chars as one space.
pub fn fold_words_into(chars: &[char], out: &mut String) {
    let mut pending_space = false;
    for &c in chars {
        if is_word_char(c) {
            if let Some(f) = fold_char(c) {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(f);
            }
        } else {
            pending_space = true;
        }
    }
}

/// Returns the folded form of a word (or phrase, words separated by single spaces): "Cảm ơn
/// chị!" → "cam on chi". Also used by template search (`nobi-template`), the CRM and the catalog.
pub fn fold_str(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    fold_words_into(&chars, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_letters_fold_to_ascii() {
        assert_eq!(fold_str("Số Tài Khoản"), "so tai khoan");
        assert_eq!(fold_str("ĐẶT HÀNG"), "dat hang");
        assert_eq!(fold_str("chốt đơn, ạ!"), "chot don a");
        assert_eq!(fold_str("mưa mùa múa ỹ Ỹ"), "mua mua mua y y");
        // decomposed: o + circumflex + acute
        assert_eq!(fold_str("cho\u{0302}\u{0301}t"), "chot");
    }

    #[test]
    fn vi_lower_agrees_with_unicode_on_latin() {
        let ranges = [
            0x41..=0x7Au32,
            0xC0..=0xFE,
            0x100..=0x137,
            0x14A..=0x177,
            0x1A0..=0x1A1,
            0x1AF..=0x1B0,
            0x1E00..=0x1E95,
            0x1EA0..=0x1EFF,
        ];
        for u in ranges.into_iter().flatten() {
            let c = char::from_u32(u).unwrap();
            let std: Vec<char> = c.to_lowercase().collect();
            if std.len() == 1 {
                assert_eq!(vi_lower(c), std[0], "{c} U+{u:04X}");
            }
        }
        for c in "ĂÂĐÊÔƠƯÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ".chars()
        {
            assert_eq!(vi_lower(c), c.to_lowercase().next().unwrap(), "{c}");
        }
    }

    #[test]
    fn every_letter_of_the_extended_block_folds_to_its_base() {
        let bases = "aeiouy";
        for u in 0x1EA0..=0x1EF9u32 {
            let c = char::from_u32(u).unwrap();
            let f = fold_char(c).unwrap();
            assert!(bases.contains(f), "{c} -> {f}");
            let lower = c.to_lowercase().next().unwrap();
            assert_eq!(vi_lower(c), lower, "{c}");
            assert_eq!(fold_char(lower), Some(f), "{c}");
        }
    }
}

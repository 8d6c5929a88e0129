//! Folding and tokenising free text into the canonical keys the index is built from.
//!
//! A key is what is left of a name once everything a buyer may get wrong or leave out is removed:
//! case, diacritics (so "hoà", "hòa" and "hoa" are one key), spaces (so "Ba Đình" and "BaĐình"
//! are one key), and two spelling habits that Vietnamese writers switch freely: `y`/`i` ("Quy Nhơn"
//! / "Qui Nhơn") and `k`/`c` before a vowel ("Bắc Kạn" / "Bắc Cạn", "Đắk Lắk" / "Đắc Lắc"). Runs of
//! digits lose their leading zeros so "Phường 04" and "P4" meet.

/// How a token is separated from the token before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sep {
    /// Nothing between them: a letter/digit switch ("p12") or a camel-case switch ("BếnNghé").
    Glued,
    /// Spaces, dots, dashes, slashes, apostrophes: a name may continue across these.
    Soft,
    /// Commas, semicolons, line breaks, brackets: a name never continues across these.
    Hard,
}

/// One word of the input, folded.
#[derive(Clone, Debug)]
pub struct Token {
    /// Canonical form: lowercase ASCII letters or digits only (see the module docs).
    pub key: String,
    /// Byte range of the token in the original text.
    pub start: usize,
    pub end: usize,
    pub sep_before: Sep,
    pub numeric: bool,
    /// The original spelling carried Vietnamese diacritics.
    pub accented: bool,
}

/// Returns the ASCII base letter of a Vietnamese (or any Latin) letter, lowercased, or `None` for
/// anything that is not a letter or digit (punctuation, emoji, other scripts).
pub fn fold_char(c: char) -> Option<char> {
    if c.is_ascii_alphanumeric() {
        return Some(c.to_ascii_lowercase());
    }
    if c == 'đ' || c == 'Đ' || c == 'ð' || c == 'Ð' {
        return Some('d');
    }
    let cp = c as u32;
    if cp < 0xC0 {
        return None;
    }
    // Latin-1 Supplement to Latin Extended-B, and Latin Extended Additional, hold every
    // Vietnamese letter: a table lookup instead of a canonical decomposition per character.
    let slot = if cp < LATIN_END {
        Some(cp - 0xC0)
    } else if (EXTENDED_START..EXTENDED_END).contains(&cp) {
        Some(LATIN_END - 0xC0 + cp - EXTENDED_START)
    } else {
        None
    };
    if let Some(slot) = slot {
        let b = fold_table()[slot as usize];
        return (b != 0).then_some(b as char);
    }
    fold_by_decomposition(c)
}

/// The table covers U+00C0..U+024F and U+1E00..U+1EFF only (650 characters), so that building it
/// is cheap in wasm, where it is part of the data load.
const LATIN_END: u32 = 0x250;
const EXTENDED_START: u32 = 0x1E00;
const EXTENDED_END: u32 = 0x1F00;

/// Builds the folding table now rather than on the first accented letter.
pub fn warm_up() {
    fold_table();
}

fn fold_table() -> &'static [u8] {
    static TABLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0xC0..LATIN_END)
            .chain(EXTENDED_START..EXTENDED_END)
            .map(|cp| {
                char::from_u32(cp)
                    .and_then(|c| {
                        if c == 'đ' || c == 'Đ' || c == 'ð' || c == 'Ð' {
                            Some('d')
                        } else {
                            fold_by_decomposition(c)
                        }
                    })
                    .map_or(0, |f| f as u8)
            })
            .collect()
    })
}

fn fold_by_decomposition(c: char) -> Option<char> {
    let mut base = None;
    unicode_normalization::char::decompose_canonical(c, |d| {
        if base.is_none() {
            base = Some(d);
        }
    });
    match base {
        Some(b) if b.is_ascii_alphabetic() => Some(b.to_ascii_lowercase()),
        _ => None,
    }
}

/// Returns the canonical key of a name: the keys of its tokens, concatenated.
///
/// Built from the tokens (not from the whole folded string) so that data and input are keyed by
/// exactly the same rules, word boundaries included ("Đắk Hà" is "dac"+"ha" on both sides).
pub fn key_of(text: &str) -> String {
    tokenize(text).into_iter().map(|t| t.key).collect()
}

/// Appends the canonical key of `text` to `out` (exactly what [`key_of`] returns, without
/// allocating: `scratch` holds one token at a time) and returns the number of tokens.
pub fn push_key(text: &str, out: &mut String, scratch: &mut String) -> usize {
    let mut n = 0;
    let mut numeric = false;
    let mut prev_lower = false;
    scratch.clear();
    for c in text.chars() {
        match fold_char(c) {
            Some(f) => {
                let is_digit = f.is_ascii_digit();
                let camel = c.is_uppercase() && prev_lower;
                if !scratch.is_empty() && (is_digit != numeric || camel) {
                    canonical_into(scratch, out);
                    scratch.clear();
                    n += 1;
                }
                if scratch.is_empty() {
                    numeric = is_digit;
                }
                scratch.push(f);
                prev_lower = c.is_lowercase();
            }
            None => {
                if !scratch.is_empty() {
                    canonical_into(scratch, out);
                    scratch.clear();
                    n += 1;
                }
                prev_lower = false;
            }
        }
    }
    if !scratch.is_empty() {
        canonical_into(scratch, out);
        scratch.clear();
        n += 1;
    }
    n
}

/// Applies the spelling-habit rules to an already folded string of `[a-z0-9]`.
pub fn canonical(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len());
    canonical_into(folded, &mut out);
    out
}

/// Like [`canonical`], appending to `out`.
pub fn canonical_into(folded: &str, out: &mut String) {
    let bytes = folded.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'y' => out.push('i'),
            b'k' if bytes.get(i + 1) != Some(&b'h') => out.push('c'),
            b'0'..=b'9' => {
                // Strip leading zeros of a digit run, keeping a lone zero.
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let run = &folded[start..i];
                let trimmed = run.trim_start_matches('0');
                out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
                continue;
            }
            _ => out.push(b as char),
        }
        i += 1;
    }
}

/// Returns true if and only if `c` ends a name: no administrative name continues across it.
fn is_hard_separator(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | '\n' | '\r' | '|' | '(' | ')' | '[' | ']' | '{' | '}' | '<' | '>' | ':' | '\t'
    )
}

/// Splits `text` into folded tokens. Never fails; characters that are neither letters nor digits
/// only act as separators.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut cur = String::new();
    let mut cur_start = 0usize;
    let mut cur_end = 0usize;
    let mut cur_numeric = false;
    let mut cur_accented = false;
    let mut pending_sep = Sep::Hard;
    let mut prev_lower = false;

    let flush = |tokens: &mut Vec<Token>,
                 cur: &mut String,
                 start: usize,
                 end: usize,
                 numeric: bool,
                 accented: bool,
                 sep: Sep| {
        if !cur.is_empty() {
            tokens.push(Token {
                key: canonical(cur),
                start,
                end,
                sep_before: sep,
                numeric,
                accented,
            });
            cur.clear();
        }
    };

    let mut token_sep = Sep::Hard;
    for (pos, c) in text.char_indices() {
        match fold_char(c) {
            Some(f) => {
                let is_digit = f.is_ascii_digit();
                let camel = c.is_uppercase() && prev_lower;
                if !cur.is_empty() && (is_digit != cur_numeric || camel) {
                    flush(
                        &mut tokens,
                        &mut cur,
                        cur_start,
                        cur_end,
                        cur_numeric,
                        cur_accented,
                        token_sep,
                    );
                    pending_sep = Sep::Glued;
                }
                if cur.is_empty() {
                    cur_start = pos;
                    cur_numeric = is_digit;
                    cur_accented = false;
                    token_sep = pending_sep;
                    pending_sep = Sep::Soft;
                }
                if !c.is_ascii() {
                    cur_accented = true;
                }
                cur.push(f);
                cur_end = pos + c.len_utf8();
                prev_lower = c.is_lowercase();
            }
            None => {
                flush(
                    &mut tokens,
                    &mut cur,
                    cur_start,
                    cur_end,
                    cur_numeric,
                    cur_accented,
                    token_sep,
                );
                prev_lower = false;
                if is_hard_separator(c) {
                    pending_sep = Sep::Hard;
                } else if pending_sep != Sep::Hard {
                    pending_sep = Sep::Soft;
                }
            }
        }
    }
    flush(
        &mut tokens,
        &mut cur,
        cur_start,
        cur_end,
        cur_numeric,
        cur_accented,
        token_sep,
    );
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_diacritics_spaces_and_spelling_habits() {
        assert_eq!(key_of("Hòa Bình"), key_of("hoà binh"));
        assert_eq!(key_of("Đắk Lắk"), key_of("Dac Lac"));
        assert_eq!(key_of("Quy Nhơn"), key_of("qui nhon"));
        assert_eq!(key_of("Khánh Hòa"), "khanhhoa");
        assert_eq!(key_of("Phường 04"), key_of("phuong 4"));
    }

    #[test]
    fn tokens_split_on_digits_and_camel_case() {
        let keys: Vec<String> = tokenize("P12,Q.3 BếnNghé")
            .into_iter()
            .map(|t| t.key)
            .collect();
        assert_eq!(keys, ["p", "12", "q", "3", "ben", "nghe"]);
        let t = tokenize("a, b c");
        assert_eq!(t[1].sep_before, Sep::Hard);
        assert_eq!(t[2].sep_before, Sep::Soft);
    }

    #[test]
    fn emoji_and_other_scripts_are_separators() {
        let keys: Vec<String> = tokenize("🏠Hà Nội 北京 ạ")
            .into_iter()
            .map(|t| t.key)
            .collect();
        assert_eq!(keys, ["ha", "noi", "a"]);
    }
}

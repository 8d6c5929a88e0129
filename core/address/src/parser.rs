//! The address parser: mentions, chains, scoring. See the module docs of `address` for the design.

use std::ops::Range;

use super::data::{db, Db, Entry};
use super::normalize::{tokenize, Sep, Token};
use super::repair::repair;
use super::{
    Alternative, CurrentAddress, CurrentCandidate, DetectedScheme, EarlierName, LegacyAddress,
    Level, ParsedAddress, Scheme,
};

/// Inputs longer than this are cut: an address is short, and the parser must stay fast on a
/// pasted chat log.
const MAX_INPUT_BYTES: usize = 2_000;
const MAX_TOKENS: usize = 200;
/// A reading scoring below this is dropped: a single untyped name of 6+ letters scores 1.0.
const MIN_CHAIN_SCORE: f32 = 0.75;

/// Bit set of the levels a type word may introduce.
const P: u8 = 1;
const D: u8 = 2;
const W: u8 = 4;

/// Type words, as canonical token sequences, with the levels they introduce and the unit type
/// letter they name (0 = any). Longer sequences are listed first so "thị xã" wins over "xã".
const MARKERS: &[(&[&str], u8, u8)] = &[
    (&["thi", "xa"], D, b'X'),
    (&["thi", "tran"], W, b'T'),
    (&["t", "t"], W, b'T'),
    (&["thanh", "pho"], P | D, b'C'),
    (&["dac", "khu"], W, b'D'),
    (&["phuong"], W, b'P'),
    (&["phg"], W, b'P'),
    (&["ph"], W, b'P'),
    (&["p"], W, b'P'),
    (&["f"], W, b'P'),
    (&["ward"], W, b'P'),
    (&["xa"], W, b'X'),
    (&["x"], W, b'X'),
    (&["tt"], W, b'T'),
    (&["quan"], D, b'Q'),
    (&["q"], D, b'Q'),
    (&["district"], D, 0),
    (&["dist"], D, 0),
    (&["huien"], D, b'H'),
    (&["h"], D, b'H'),
    (&["tx"], D, b'X'),
    (&["tp"], P | D, b'C'),
    (&["tinh"], P, b'T'),
    (&["t"], P, b'T'),
    (&["province"], P, b'T'),
    (&["city"], P | D, b'C'),
];

/// Prefixes glued to a name in one token ("phuongbennghe", "tphcm").
const GLUED_MARKERS: &[(&str, u8)] = &[
    ("thanhpho", P | D),
    ("phuong", W),
    ("thixa", D),
    ("thitran", W),
    ("huien", D),
    ("quan", D),
    ("tinh", P),
    ("tp", P | D),
    ("tx", D),
    ("tt", W),
];

/// Words that introduce a street or a hamlet: a name right after them is not a ward.
const STREET_WORDS: &[&str] = &[
    "duong", "d", "pho", "ngo", "ngach", "hem", "ciet", "so", "thon", "ap", "to", "cum", "xom",
    "ban", "lang", "khom", "cp", "khu", "doi", "sn", "nha", "lo", "toa", "chung", "cu", "dg",
    // Economic zones and industrial parks are named after the place: "KKT Nghi Sơn", "KCN Tân
    // Tạo", "khu công nghiệp Sóng Thần".
    "kkt", "kcn", "ccn", "nghiep",
];

/// Words that number a hamlet or block ("tổ 6", "ấp 3", "kp 2"): a name after the number is
/// not a street.
const HAMLET_WORDS: &[&str] = &[
    "to", "khu", "ap", "thon", "xom", "khom", "cum", "doi", "cp", "ban",
];

/// Words that say nothing about the address (chat noise), dropped from the street part's edges.
const NOISE_WORDS: &[&str] = &[
    "dia", "chi", "dc", "ship", "giao", "gui", "ve", "den", "toi", "cho", "em", "anh", "a", "nhe",
    "nha", "nhen", "voi", "xin", "chao", "shop", "oi", "ban", "minh", "o", "tai", "la", "nhan",
    "hang", "sdt", "dt", "ten", "c", "e", "ac", "vs", "giup", "ah", "ne", "thanks", "cam", "on",
    "dung", "roi", "nhi", "viet", "nam", "vn", "vietnam",
];

#[derive(Clone, Debug)]
struct Mention {
    entry: Entry,
    /// Token range of the name.
    toks: Range<usize>,
    /// First token of the type word before it (== toks.start when untyped).
    marker_start: usize,
    /// Unit type letter of the type word before it (0 when untyped or any).
    marker_kind: u8,
    /// A type word of its level comes with it ("Phường X", "Q.3", "p3").
    typed: bool,
    score: f32,
    fuzzy: bool,
    /// For a typo of an earlier name: that name's key (the text's own key does not find it).
    earlier_key: Option<&'static str>,
}

/// A coherent reading: one unit per level at most, from one scheme.
#[derive(Clone, Debug)]
struct Chain {
    scheme: Scheme,
    province: Option<u32>,
    district: Option<u32>,
    ward: Option<u32>,
    /// Mentions used (indices into the mention list).
    used: Vec<usize>,
    score: f32,
    fuzzy: bool,
    /// Levels that were inferred from a lower level rather than written.
    inferred: u8,
    /// A current reading whose province was written by the name of an old province that went
    /// into it (its legacy index).
    old_province: Option<u32>,
}

/// Parses a free-text Vietnamese address. Never fails and never panics: what is not recognised
/// is reported through `scheme = Unknown`, missing levels, a low confidence and warnings.
pub fn parse(text: &str) -> ParsedAddress {
    parse_nfc(nobi_text::nfc(text))
}

/// Like [`parse`], for text that the caller has already put in NFC. The browser does that
/// natively (`String.prototype.normalize`), so the wasm module uses this and does not carry
/// Unicode's composition tables (about 40 KB gzip). Text that is not NFC still parses, only
/// less well (a decomposed mark splits its word).
pub fn parse_nfc(input: String) -> ParsedAddress {
    let db = db();
    let mut cut = input.len().min(MAX_INPUT_BYTES);
    while !input.is_char_boundary(cut) {
        cut -= 1;
    }
    let text = repair(&input[..cut]);
    let text: &str = &text;
    let mut tokens = tokenize(text);
    tokens.truncate(MAX_TOKENS);
    let mut markers = find_markers(&tokens);
    // Merging tokens moves the type words' positions: found again only then.
    if read_ocr_digits(text, &mut tokens, &markers) {
        markers = find_markers(&tokens);
    }

    let mut mentions = exact_mentions(db, text, &tokens, &markers);
    penalize_contained(&mut mentions);
    let mut chains = build_chains(db, text, &tokens, &mentions);
    sort_chains(&mut chains);

    // Typos: only when a level is missing under what was found, or a part of the text after the
    // first unit names nothing, searched among the units that what was found makes plausible.
    let loose = loose_part(&tokens, &markers, &mentions);
    if needs_fuzzy(chains.first()) || loose {
        let extra = fuzzy_mentions(db, text, &tokens, &markers, &mentions, &chains, loose);
        if !extra.is_empty() {
            mentions.extend(extra);
            chains = build_chains(db, text, &tokens, &mentions);
            sort_chains(&mut chains);
        }
    }
    // Weak readings (one short untyped word that happens to be a name) are not addresses.
    chains.retain(|c| c.score >= MIN_CHAIN_SCORE);
    finish(db, input.clone(), text, &tokens, &mentions, chains)
}

/// OCR reads "1" as "l" or "I", and "0" as "O": after a type word of a ward or a district,
/// "P.l2" and "Q.1O" are numbers. Merges such tokens into one numeric token; returns true if and
/// only if it changed any.
fn read_ocr_digits(
    text: &str,
    tokens: &mut Vec<Token>,
    markers: &[Option<(u8, u8, usize)>],
) -> bool {
    let mut changed = false;
    // Backwards, so that a merge never moves a token whose type word is still to be read.
    for i in (0..tokens.len()).rev() {
        let typed = markers
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|(levels, _, _)| levels & (W | D) != 0);
        // "Phường l": a lowercase l alone after a type word is a 1 ("I" stays: Vị Thanh's wards
        // are numbered in Roman numerals).
        let next_glued = tokens
            .get(i + 1)
            .is_some_and(|t| t.sep_before == Sep::Glued);
        if typed && !next_glued && tokens[i].key == "l" {
            // The key folds case: read what was written.
            if text.get(tokens[i].start..tokens[i].end) == Some("l") {
                tokens[i].key = "1".into();
                tokens[i].numeric = true;
                changed = true;
            }
            continue;
        }
        if i + 1 == tokens.len() {
            continue;
        }
        let (a, b) = (&tokens[i], &tokens[i + 1]);
        let merged = if typed
            && next_glued
            && !a.numeric
            && b.numeric
            && matches!(a.key.as_str(), "l" | "i")
        {
            // "l2" -> "12"
            Some(format!("1{}", b.key))
        } else if typed && next_glued && a.numeric && !b.numeric && b.key == "o" {
            // "1O" -> "10"
            Some(format!("{}0", a.key))
        } else {
            None
        };
        if let Some(key) = merged {
            let end = tokens[i + 1].end;
            tokens[i].key = key;
            tokens[i].numeric = true;
            tokens[i].end = end;
            tokens.remove(i + 1);
            changed = true;
        }
    }
    changed
}

/// Returns true if and only if a comma-separated part after the first recognised unit names
/// nothing although it looks like a name (letters only, at least 4 of them, not led by a street
/// or hamlet word, not chat noise): where buyers write a district or a province, that is most
/// likely one with a typo ("Hà Đôngg", "Nha Tang").
fn loose_part(tokens: &[Token], markers: &[Option<(u8, u8, usize)>], mentions: &[Mention]) -> bool {
    let first_unit = mentions
        .iter()
        .filter(|m| m.score >= 0.9)
        .map(|m| m.toks.start)
        .min();
    let Some(first_unit) = first_unit else {
        return false;
    };
    let mut start = 0;
    while start < tokens.len() {
        let mut end = start + 1;
        while end < tokens.len() && tokens[end].sep_before != Sep::Hard {
            end += 1;
        }
        let part = &tokens[start..end];
        // "đường Lê Lợi", "ngõ Huế": a street, not a unit with a typo.
        let street = matches!(
            part[0].key.as_str(),
            "duong" | "d" | "dg" | "pho" | "ngo" | "ngach" | "hem" | "so" | "sn" | "ciet"
        );
        // Covered when every word of it, type words and chat words aside, is in a mention:
        // "Đống Đaa" is not covered by a commune called "Đống".
        let covered = (start..end).all(|i| {
            let key = tokens[i].key.as_str();
            NOISE_WORDS.contains(&key)
                || MARKERS.iter().any(|(words, _, _)| words.contains(&key))
                || mentions
                    .iter()
                    .any(|m| m.score >= 0.5 && m.toks.contains(&i))
        });
        let letters: usize = part.iter().map(|t| t.key.len()).sum();
        let looks_like_a_name = part.iter().all(|t| !t.numeric)
            && letters >= 4
            && !street
            && !part
                .iter()
                .all(|t| NOISE_WORDS.contains(&t.key.as_str()) || t.key.len() == 1);
        if start > first_unit && !covered && looks_like_a_name {
            return true;
        }
        start = end;
    }
    // A word right after a type word or a unit, in the same part, that names nothing: the name
    // may go on with a typo ("Phường Quy Nhơn Nma", "Phường Thủ Dầu Mộtt").
    (1..tokens.len()).any(|i| {
        let t = &tokens[i];
        let after_unit = markers[i].is_some()
            || mentions
                .iter()
                .any(|m| m.score >= 0.9 && m.toks.end == i && m.entry.level == Level::Ward);
        after_unit
            && t.sep_before != Sep::Hard
            && !t.numeric
            && t.key.len() >= 3
            && !NOISE_WORDS.contains(&t.key.as_str())
            && !MARKERS
                .iter()
                .any(|(words, _, _)| words.contains(&t.key.as_str()))
            && !mentions
                .iter()
                .any(|m| m.score >= 0.5 && m.toks.contains(&i))
    })
}

/// For each token index, the type word that ends right before it: (levels, type letter, start).
fn find_markers(tokens: &[Token]) -> Vec<Option<(u8, u8, usize)>> {
    let mut out = vec![None; tokens.len() + 1];
    for (i, slot) in out.iter_mut().enumerate().skip(1) {
        // A type word types the name right after it, not one behind a comma ("Phúc Xá, Ba
        // Đình": that "xá" ends a name, it does not make Ba Đình a commune).
        if tokens.get(i).is_some_and(|t| t.sep_before == Sep::Hard) {
            continue;
        }
        for &(words, levels, kind) in MARKERS {
            let n = words.len();
            if n > i {
                continue;
            }
            let start = i - n;
            let matches = words
                .iter()
                .enumerate()
                .all(|(k, w)| tokens[start + k].key == *w);
            // A marker must not be glued to a word before it ("hcmq" is not "q").
            if matches
                && (start == 0
                    || tokens[start].sep_before != Sep::Glued
                    || tokens[start - 1].numeric)
            {
                *slot = Some((levels, kind, start));
                break;
            }
        }
    }
    out
}

fn level_bit(level: Level) -> u8 {
    match level {
        Level::Province => P,
        Level::District => D,
        Level::Ward => W,
    }
}

/// Scores one mention of `entry` on `toks`; `None` when it must not be taken at all.
#[allow(clippy::too_many_arguments)]
fn score_mention(
    db: &Db,
    original: &str,
    tokens: &[Token],
    markers: &[Option<(u8, u8, usize)>],
    entry: Entry,
    toks: Range<usize>,
    glued_marker: Option<u8>,
    key: &str,
) -> Option<Mention> {
    let key_len = key.len();
    let rec = db.rec(entry.scheme, entry.level, entry.idx);
    let bit = level_bit(entry.level);
    // An old name that carries its own type word ("p3", "quan9", from the merged-away names)
    // is typed; one that is only digits ("3") needs a type word like a numbered unit.
    let bytes = key.as_bytes();
    let self_typed = entry.alias == 1
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.last().is_some_and(u8::is_ascii_digit);
    let numbered = rec.is_numbered() || bytes.iter().all(u8::is_ascii_digit);
    let marker = match glued_marker {
        Some(levels) => Some((levels, 0u8, toks.start)),
        None if self_typed => Some((bit, 0u8, toks.start)),
        None => markers[toks.start],
    };
    let mut score = match entry.alias {
        0 => 1.0,
        1 => 0.9,
        _ => 0.6,
    };
    let mut marker_start = toks.start;
    let mut marker_kind = 0;
    let mut typed = false;
    match marker {
        Some((levels, kind, start)) if levels & bit != 0 => {
            score += 0.6;
            typed = true;
            marker_start = start;
            marker_kind = kind;
            // "TP Tuyên Quang" names the city (a district), not the province (a Tỉnh).
            if kind != 0 && kind != rec.kind {
                // The 2025 scheme has no thị trấn: one written says the address is older.
                score -= if entry.scheme == Scheme::Current
                    && entry.level == Level::Ward
                    && kind == b'T'
                {
                    0.5
                } else {
                    0.1
                };
            }
        }
        Some(_) => {
            // A type word of another level: "Quận Ba Đình" is not the ward Ba Đình.
            if numbered {
                return None;
            }
            score *= 0.3;
        }
        None => {
            if numbered {
                return None;
            }
            if entry.alias == 0 || entry.level != Level::Province {
                if key_len <= 3 {
                    score *= 0.4;
                } else if key_len <= 5 {
                    score *= 0.8;
                }
            }
            if toks.start > 0 && tokens[toks.start].sep_before != Sep::Hard {
                let prev = &tokens[toks.start - 1];
                // "Tổ 6 Tân Thịnh", "khu phố 3 Linh Trung": a numbered hamlet, then the ward.
                let hamlet_number = prev.numeric && toks.start >= 2 && {
                    let before = tokens[toks.start - 2].key.as_str();
                    HAMLET_WORDS.contains(&before)
                        || (before == "pho"
                            && toks.start >= 3
                            && tokens[toks.start - 3].key == "khu")
                };
                if !hamlet_number && (prev.numeric || STREET_WORDS.contains(&prev.key.as_str())) {
                    score *= 0.35;
                }
            }
        }
    }
    // A name split by a word break that the data does not have ("Ba Đình" vs "BaĐình") is fine;
    // but a name glued to other letters ("ABCBaĐình") is not a mention.
    if toks.start > 0
        && tokens[toks.start].sep_before == Sep::Glued
        && !tokens[toks.start - 1].numeric
    {
        let prev_is_marker = marker.is_some_and(|(_, _, s)| s < toks.start);
        if !prev_is_marker {
            score *= 0.5;
        }
    }
    // Accents say something only against the name that was matched: an alias or an earlier
    // name is spelt otherwise than the unit's name today.
    if entry.alias == 0 {
        score *= accent_agreement(original, &tokens[toks.clone()], rec.short);
    }
    Some(Mention {
        entry,
        toks,
        marker_start,
        marker_kind,
        typed,
        score,
        fuzzy: false,
        earlier_key: None,
    })
}

/// Compares the diacritics the buyer wrote with the official name, word by word: same marks
/// (tone placement aside) on every accented word earn a little ("Tân Định" is not "Tân Dĩnh"),
/// different marks cost ("còn" is not "Cồn"). Words written without marks say nothing.
fn accent_agreement(original: &str, toks: &[Token], official: &str) -> f32 {
    if !toks.iter().any(|t| t.accented) {
        return 1.0;
    }
    let words: Vec<&str> = official
        .split([' ', '-', '\''])
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() != toks.len() {
        return 1.0;
    }
    let mut all_same = true;
    let mut lost_tone = false;
    for (t, w) in toks.iter().zip(&words) {
        if !t.accented {
            // "B" in "Bình Trị Đông B" has no marks to drop: written as is, it agrees.
            if !w.is_ascii() {
                all_same = false;
            }
            continue;
        }
        let written = original.get(t.start..t.end).unwrap_or("");
        if accent_key(written) != accent_key(w) {
            // A tone mark left out ("Nhât" for "Nhất", "Liêt" for "Liệt") is a slip of the
            // keyboard; another vowel ("còn" is not "Cồn") is another word.
            if !has_tone(written) && without_tones(written) == without_tones(w) {
                lost_tone = true;
                all_same = false;
                continue;
            }
            return 0.7;
        }
    }
    if lost_tone {
        0.9
    } else if all_same {
        1.15
    } else {
        1.0
    }
}

/// [`accent_key`], decomposed, without the five tone marks: only the vowels' own marks (â, ă,
/// ê, ô, ơ, ư) and đ are kept.
fn without_tones(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in accent_key(text).chars() {
        unicode_normalization::char::decompose_canonical(c, |d| {
            if !is_tone_mark(d) {
                out.push(d);
            }
        });
    }
    out
}

fn is_tone_mark(c: char) -> bool {
    matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}')
}

/// Returns true if and only if the text carries a tone mark.
fn has_tone(text: &str) -> bool {
    text.chars().any(|c| {
        let mut tone = false;
        unicode_normalization::char::decompose_canonical(c, |d| tone |= is_tone_mark(d));
        tone
    })
}

/// Lowercase letters with their diacritics, tone marks moved to where the official spelling
/// puts them ("hoà" and "hòa" give the same key); used only to prefer exact spellings.
fn accent_key(text: &str) -> String {
    let mut chars: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        if super::normalize::fold_char(c).is_some() {
            if c.is_ascii() {
                chars.push(c.to_ascii_lowercase());
            } else {
                chars.extend(c.to_lowercase());
            }
        }
    }
    for i in 1..chars.len() {
        if let Some((o, v)) = move_tone(chars[i - 1], chars[i]) {
            chars[i - 1] = o;
            chars[i] = v;
        }
    }
    chars.into_iter().collect()
}

/// "oà" -> "òa", "uý" -> "úy": the old and new tone placements, mapped to one.
fn move_tone(first: char, second: char) -> Option<(char, char)> {
    let (o, v) = match (first, second) {
        ('o', 'à') => ('ò', 'a'),
        ('o', 'á') => ('ó', 'a'),
        ('o', 'ả') => ('ỏ', 'a'),
        ('o', 'ã') => ('õ', 'a'),
        ('o', 'ạ') => ('ọ', 'a'),
        ('o', 'è') => ('ò', 'e'),
        ('o', 'é') => ('ó', 'e'),
        ('o', 'ẻ') => ('ỏ', 'e'),
        ('o', 'ẽ') => ('õ', 'e'),
        ('o', 'ẹ') => ('ọ', 'e'),
        ('u', 'ỳ') => ('ù', 'y'),
        ('u', 'ý') => ('ú', 'y'),
        ('u', 'ỷ') => ('ủ', 'y'),
        ('u', 'ỹ') => ('ũ', 'y'),
        ('u', 'ỵ') => ('ụ', 'y'),
        _ => return None,
    };
    Some((o, v))
}

fn exact_mentions(
    db: &Db,
    original: &str,
    tokens: &[Token],
    markers: &[Option<(u8, u8, usize)>],
) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut key = String::with_capacity(64);
    for i in 0..tokens.len() {
        key.clear();
        for j in i..tokens.len().min(i + db.max_tokens) {
            if j > i && tokens[j].sep_before == Sep::Hard {
                break;
            }
            key.push_str(&tokens[j].key);
            // Digits alone ("1", house numbers) only name a unit after a type word.
            if markers[i].is_none() && key.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            db.lookup(&key, |e| {
                if let Some(m) =
                    score_mention(db, original, tokens, markers, e, i..j + 1, None, &key)
                {
                    out.push(m);
                }
            });
        }
        // "phuongbennghe", "tphcm": a type word glued to the name in the first token.
        let first = &tokens[i].key;
        for &(prefix, levels) in GLUED_MARKERS {
            if first.len() > prefix.len() + 1 && first.starts_with(prefix) {
                let mut k = first[prefix.len()..].to_string();
                for j in i..tokens.len().min(i + db.max_tokens) {
                    if j > i {
                        if tokens[j].sep_before == Sep::Hard {
                            break;
                        }
                        k.push_str(&tokens[j].key);
                    }
                    db.lookup(&k, |e| {
                        if level_bit(e.level) & levels == 0 {
                            return;
                        }
                        if let Some(m) = score_mention(
                            db,
                            original,
                            tokens,
                            markers,
                            e,
                            i..j + 1,
                            Some(levels),
                            &k,
                        ) {
                            out.push(m);
                        }
                    });
                }
                break;
            }
        }
    }
    out
}

/// A name inside a longer name is read as part of it: in "Mường Thanh, Điện Biên Phủ" the
/// province Điện Biên is only the start of the city's name, in "Bình Hưng Hòa A" the ward Bình
/// Hưng Hòa is another ward. Such mentions keep a chance, at a lower score.
fn penalize_contained(mentions: &mut [Mention]) {
    let spans: Vec<(Range<usize>, f32)> =
        mentions.iter().map(|m| (m.toks.clone(), m.score)).collect();
    for m in mentions.iter_mut() {
        let inside = spans.iter().any(|(t, score)| {
            *score >= 0.5
                && t.start <= m.toks.start
                && t.end >= m.toks.end
                && t.len() > m.toks.len()
        });
        if inside {
            m.score *= 0.7;
        }
    }
}

fn overlaps(a: &Mention, b: &Mention) -> bool {
    a.marker_start.min(a.toks.start) < b.toks.end && b.marker_start.min(b.toks.start) < a.toks.end
}

/// The best mention of a given unit that does not overlap the mentions already used.
fn best_mention_of(
    mentions: &[Mention],
    upper: &[usize],
    scheme: Scheme,
    level: Level,
    idx: u32,
    used: &[usize],
) -> Option<usize> {
    let mut best: Option<usize> = None;
    for &i in upper {
        let m = &mentions[i];
        if m.entry.scheme != scheme || m.entry.level != level || m.entry.idx != idx {
            continue;
        }
        if used.iter().any(|&u| overlaps(&mentions[u], m)) {
            continue;
        }
        if best.is_none_or(|b| m.score > mentions[b].score) {
            best = Some(i);
        }
    }
    best
}

/// Bonus for the usual written order (ward, then district, then province, left to right).
fn order_bonus(mentions: &[Mention], used: &[usize]) -> f32 {
    let mut bonus = 0.0;
    for w in used.windows(2) {
        if mentions[w[0]].toks.start < mentions[w[1]].toks.start {
            bonus += 0.1;
        }
    }
    bonus
}

fn build_chains(db: &Db, text: &str, tokens: &[Token], mentions: &[Mention]) -> Vec<Chain> {
    let mut chains: Vec<Chain> = Vec::new();
    // Chains are built from each mention upwards; only province and district mentions are ever
    // looked up, and there are few of them, while a common ward name can give dozens.
    let upper: Vec<usize> = (0..mentions.len())
        .filter(|&i| mentions[i].entry.level != Level::Ward)
        .collect();
    for (mi, m) in mentions.iter().enumerate() {
        let e = m.entry;
        match (e.scheme, e.level) {
            (Scheme::Legacy, Level::Ward) => {
                let d = db.leg_wards[e.idx as usize].parent;
                let p = db.leg_districts[d as usize].parent;
                let mut used = vec![mi];
                let dm =
                    best_mention_of(mentions, &upper, Scheme::Legacy, Level::District, d, &used);
                if let Some(x) = dm {
                    used.push(x);
                }
                let pm =
                    best_mention_of(mentions, &upper, Scheme::Legacy, Level::Province, p, &used);
                if let Some(x) = pm {
                    used.push(x);
                }
                let mut score: f32 = used.iter().map(|&u| mentions[u].score).sum();
                let province_named =
                    pm.is_some() || dm.is_some_and(|x| names_province(db, &mentions[x]));
                score += if dm.is_some() { 0.5 } else { -0.3 };
                score += if province_named { 0.3 } else { 0.0 };
                score += order_bonus(mentions, &used);
                let inferred =
                    if dm.is_none() { D } else { 0 } | if province_named { 0 } else { P };
                chains.push(Chain {
                    scheme: Scheme::Legacy,
                    province: Some(p),
                    district: Some(d),
                    ward: Some(e.idx),
                    fuzzy: used.iter().any(|&u| mentions[u].fuzzy),
                    used,
                    score,
                    inferred,
                    old_province: None,
                });
            }
            (Scheme::Legacy, Level::District) => {
                let p = db.leg_districts[e.idx as usize].parent;
                let mut used = vec![mi];
                let pm =
                    best_mention_of(mentions, &upper, Scheme::Legacy, Level::Province, p, &used);
                if let Some(x) = pm {
                    used.push(x);
                }
                let mut score: f32 = used.iter().map(|&u| mentions[u].score).sum();
                let province_named = pm.is_some() || names_province(db, m);
                score += if province_named { 0.3 } else { 0.0 };
                score += order_bonus(mentions, &used);
                chains.push(Chain {
                    scheme: Scheme::Legacy,
                    province: Some(p),
                    district: Some(e.idx),
                    ward: None,
                    fuzzy: used.iter().any(|&u| mentions[u].fuzzy),
                    used,
                    score,
                    inferred: if province_named { 0 } else { P },
                    old_province: None,
                });
            }
            (Scheme::Current, Level::Ward) => {
                let p = db.cur_wards[e.idx as usize].parent;
                let mut used = vec![mi];
                let pm =
                    best_mention_of(mentions, &upper, Scheme::Current, Level::Province, p, &used);
                if let Some(x) = pm {
                    used.push(x);
                }
                // A new ward written with its old province ("phường Thủ Dầu Một, Bình Dương"):
                // the old province that went into this ward's province names it, a little less
                // surely than its own name.
                // Not when that old province has an old ward of the same name that did not go
                // into this one ("Xã Hiền Lương, Hòa Bình" is Hòa Bình's own commune, not the
                // new one in Phú Thọ that came from elsewhere).
                let old_namesake = |lp: u32| {
                    mentions.iter().any(|o| {
                        o.toks == m.toks
                            && o.entry.scheme == Scheme::Legacy
                            && o.entry.level == Level::Ward
                            && db.leg_ward_province(o.entry.idx) == lp
                            && !db.leg_wards[o.entry.idx as usize]
                                .to_current
                                .contains(&e.idx)
                    })
                };
                let old_pm = if pm.is_none() {
                    (0..db.leg_provinces.len() as u32)
                        .filter(|&lp| db.leg_provinces[lp as usize].to_current.first() == Some(&p))
                        .filter(|&lp| !old_namesake(lp))
                        .filter_map(|lp| {
                            best_mention_of(
                                mentions,
                                &upper,
                                Scheme::Legacy,
                                Level::Province,
                                lp,
                                &used,
                            )
                        })
                        .max_by(|&a, &b| mentions[a].score.total_cmp(&mentions[b].score))
                } else {
                    None
                };
                if let Some(x) = old_pm {
                    used.push(x);
                }
                let mut score: f32 = used.iter().map(|&u| mentions[u].score).sum();
                if let Some(x) = old_pm {
                    score -= mentions[x].score * 0.1 + 0.3;
                }
                // Many new wards took the name of the old district ("Hai Bà Trưng, Hà Nội"):
                // written without a type word, the name is read as the district buyers have
                // written for years, and the new ward stays a close alternative.
                if !m.typed
                    && upper.iter().any(|&i| {
                        let d = &mentions[i];
                        d.entry.scheme == Scheme::Legacy
                            && d.entry.level == Level::District
                            && d.toks == m.toks
                    })
                {
                    score -= 0.6;
                }
                // A 2-level address is complete without a district.
                let province_named = pm.is_some() || old_pm.is_some();
                score += if province_named { 0.3 + 0.5 } else { 0.0 };
                score += order_bonus(mentions, &used);
                chains.push(Chain {
                    scheme: Scheme::Current,
                    province: Some(p),
                    district: None,
                    ward: Some(e.idx),
                    fuzzy: used.iter().any(|&u| mentions[u].fuzzy),
                    used,
                    score,
                    inferred: if province_named { 0 } else { P },
                    old_province: old_pm.map(|x| mentions[x].entry.idx),
                });
            }
            (scheme, Level::Province) => chains.push(Chain {
                scheme,
                province: Some(e.idx),
                district: None,
                ward: None,
                used: vec![mi],
                // A lone name that is a province's is read as the province, not as a ward of
                // the same name somewhere else.
                score: m.score + 0.2,
                fuzzy: m.fuzzy,
                inferred: 0,
                old_province: None,
            }),
            (Scheme::Current, Level::District) => {}
        }
    }
    // Mentions outside the chain that contradict it (a province named elsewhere that is not
    // this chain's) cost a little: "Tân Phú, Đồng Nai" must not read as Tân Phú of HCM.
    for c in chains.iter_mut() {
        let chosen_p = c.province;
        let contradicted = upper.iter().map(|&i| (i, &mentions[i])).any(|(i, m)| {
            !c.used.contains(&i)
                && m.entry.level == Level::Province
                && m.entry.scheme == c.scheme
                && Some(m.entry.idx) != chosen_p
                && m.score >= 0.9
                && !c.used.iter().any(|&u| overlaps(&mentions[u], m))
        });
        if contradicted {
            c.score -= 0.8;
        }
        // "Phường Đông Sơn (huyện Đông Sơn cũ)": a unit marked "cũ" is a note about where the
        // place was, not a level of the same reading; an old reading that takes its ward from
        // outside the note and its district from inside mixes two places.
        // Such a chain keeps no credit for the note's units (nor for the level they filled).
        if c.scheme == Scheme::Legacy {
            let inside: Vec<bool> = c
                .used
                .iter()
                .map(|&u| in_old_note(text, tokens, &mentions[u]))
                .collect();
            if inside.iter().any(|&x| x) && inside.iter().any(|&x| !x) {
                let credit: f32 = c
                    .used
                    .iter()
                    .zip(&inside)
                    .filter(|(_, &x)| x)
                    .map(|(&u, _)| mentions[u].score + 0.5)
                    .sum();
                c.score -= credit;
            }
        }
        // A current ward with an old province and an old district typed beside it ("X An
        // Thạnh, H.Cù Lao Dung, T. Sóc Trăng") is an old address whose ward was not recognised.
        if c.old_province.is_some() {
            let old_district_typed = upper.iter().map(|&i| &mentions[i]).any(|m| {
                m.entry.scheme == Scheme::Legacy
                    && m.entry.level == Level::District
                    && m.typed
                    && !c.used.iter().any(|&u| overlaps(&mentions[u], m))
            });
            if old_district_typed {
                c.score -= 0.5;
            }
        }
    }
    chains
}

/// Returns true if and only if the mention is in brackets that end with "cũ" ("(huyện Đông Sơn
/// cũ)"), the way addresses note the old unit since 2025. "…, Q9 cũ" without brackets is the old
/// address itself, not a note.
fn in_old_note(text: &str, tokens: &[Token], m: &Mention) -> bool {
    let mut start = m.toks.start;
    while start > 0 && tokens[start].sep_before != Sep::Hard {
        start -= 1;
    }
    let mut end = m.toks.end;
    while end < tokens.len() && tokens[end].sep_before != Sep::Hard {
        end += 1;
    }
    let before = text[..tokens[start].start].trim_end();
    end > m.toks.end && tokens[end - 1].key == "cu" && before.ends_with(['(', '['])
}

/// Returns true if and only if a legacy district mention also names its province: "TP Tuyên
/// Quang" is the provincial city, and says the province as well.
fn names_province(db: &Db, m: &Mention) -> bool {
    if m.entry.scheme != Scheme::Legacy || m.entry.level != Level::District || m.marker_kind != b'C'
    {
        return false;
    }
    let d = &db.leg_districts[m.entry.idx as usize];
    d.kind == b'C' && db.leg_provinces[d.parent as usize].key == d.key
}

fn sort_chains(chains: &mut [Chain]) {
    chains.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| (a.scheme == Scheme::Current).cmp(&(b.scheme == Scheme::Current)))
    });
}

/// Returns true if and only if the best chain leaves a level open that a typo search could fill.
fn needs_fuzzy(best: Option<&Chain>) -> bool {
    match best {
        None => true,
        Some(c) => c.ward.is_none() || c.inferred & P != 0,
    }
}

/// Returns true if and only if `a` and `b` are within `max` edits (insert, delete, substitute,
/// swap of neighbours).
fn within_edits(a: &[u8], b: &[u8], max: usize) -> bool {
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    // Small strings: a plain DP table is cheap enough.
    let n = b.len();
    let mut prev2 = vec![0usize; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur = vec![0usize; n + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return false;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n] <= max
}

fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Mentions with small typos, searched only among units that the exact pass makes plausible.
fn fuzzy_mentions(
    db: &Db,
    original: &str,
    tokens: &[Token],
    markers: &[Option<(u8, u8, usize)>],
    mentions: &[Mention],
    chains: &[Chain],
    loose: bool,
) -> Vec<Mention> {
    // Candidate units to try: children of the parents found by the best few chains, and all
    // provinces when no province was written.
    // Deduplicated once at the end (a province's wards can be pushed by several chains).
    let mut targets: Vec<Entry> = Vec::new();
    let push = |targets: &mut Vec<Entry>, scheme, level, idx| {
        targets.push(Entry {
            scheme,
            level,
            idx,
            alias: 0,
        });
    };
    let top = chains.first().map(|c| c.score).unwrap_or(0.0);
    for c in chains.iter().take(4).filter(|c| c.score >= top - 1.0) {
        // A part that names nothing, where a district is written: the districts of the province
        // found (for a current reading, of the old provinces it was made of).
        if loose {
            let mut legacy_provinces: Vec<u32> = Vec::new();
            match (c.scheme, c.province) {
                (Scheme::Legacy, Some(p)) => legacy_provinces.push(p),
                (Scheme::Current, Some(p)) => legacy_provinces
                    .extend((0..db.leg_provinces.len() as u32).filter(|&lp| {
                        db.leg_provinces[lp as usize].to_current.first() == Some(&p)
                    })),
                _ => {}
            }
            for lp in legacy_provinces {
                for d in db.leg_districts_of_province[lp as usize].clone() {
                    push(&mut targets, Scheme::Legacy, Level::District, d);
                }
            }
            // ... and the wards where the chain has one, which may be a shorter name found
            // inside the one written with a typo.
            match (c.scheme, c.district, c.province) {
                (Scheme::Legacy, Some(d), _) => {
                    for w in db.leg_wards_of_district[d as usize].clone() {
                        push(&mut targets, Scheme::Legacy, Level::Ward, w);
                    }
                }
                (Scheme::Current, _, Some(p)) => {
                    for w in db.cur_wards_of_province[p as usize].clone() {
                        push(&mut targets, Scheme::Current, Level::Ward, w);
                    }
                }
                _ => {}
            }
        }
        // A new ward with a typo, written with its old province or district: the wards of the
        // province the old one went into.
        if c.scheme == Scheme::Legacy && (loose || c.ward.is_none()) {
            if let Some(&now) = c
                .province
                .and_then(|p| db.leg_provinces[p as usize].to_current.first())
            {
                for w in db.cur_wards_of_province[now as usize].clone() {
                    push(&mut targets, Scheme::Current, Level::Ward, w);
                }
            }
        }
        match c.scheme {
            Scheme::Legacy => {
                if c.ward.is_none() {
                    if let Some(d) = c.district {
                        for w in db.leg_wards_of_district[d as usize].clone() {
                            push(&mut targets, Scheme::Legacy, Level::Ward, w);
                        }
                    } else if let Some(p) = c.province {
                        for d in db.leg_districts_of_province[p as usize].clone() {
                            push(&mut targets, Scheme::Legacy, Level::District, d);
                        }
                    }
                }
            }
            Scheme::Current => {
                if c.ward.is_none() {
                    if let Some(p) = c.province {
                        for w in db.cur_wards_of_province[p as usize].clone() {
                            push(&mut targets, Scheme::Current, Level::Ward, w);
                        }
                    }
                }
            }
        }
    }
    let has_province = mentions
        .iter()
        .any(|m| m.entry.level == Level::Province && m.score >= 0.9);
    if !has_province {
        for i in 0..db.leg_provinces.len() as u32 {
            push(&mut targets, Scheme::Legacy, Level::Province, i);
        }
        for i in 0..db.cur_provinces.len() as u32 {
            push(&mut targets, Scheme::Current, Level::Province, i);
        }
    }
    if targets.is_empty() {
        return Vec::new();
    }
    targets.sort_unstable_by_key(|e| (e.scheme as u8, e.level as u8, e.idx));
    targets.dedup();
    // Every name to compare, once: each target's own name, and a legacy unit's earlier names
    // ("P. Tân Tiếnn" for the name Tân Mai had before). The earlier key, if it is one.
    let mut names: Vec<(Entry, &'static str, Option<&'static str>)> = Vec::new();
    for &t in &targets {
        let rec = db.rec(t.scheme, t.level, t.idx);
        if !rec.is_numbered() && rec.key.len() >= 5 {
            names.push((t, rec.key, None));
        }
        if t.scheme == Scheme::Legacy {
            for e in db.earlier_of(t.level, t.idx) {
                if e.key.len() >= 5 && !e.key.as_bytes()[0].is_ascii_digit() {
                    names.push((Entry { alias: 1, ..t }, e.key, Some(e.key)));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut key = String::new();
    for i in 0..tokens.len() {
        if tokens[i].numeric {
            continue;
        }
        key.clear();
        for j in i..tokens.len().min(i + db.max_tokens) {
            if j > i && tokens[j].sep_before == Sep::Hard {
                break;
            }
            if tokens[j].numeric {
                break;
            }
            key.push_str(&tokens[j].key);
            let max = allowed_edits(key.len());
            if max == 0 {
                continue;
            }
            // Words that already name a unit exactly (or are part of such a name) are not read
            // again as another's typo: "Phước" of "Phước Vĩnh" is not "Phú Lộc" misspelt.
            let explained = |m: &Mention| {
                let inside = m.toks.start <= i && j < m.toks.end;
                let same = m.toks == (i..j + 1);
                // The same words with a type word ("phường Phú Hội") are that unit; untyped,
                // they may be another unit's name misspelt ("Tân hong" for Tân Phong).
                !m.fuzzy && m.score >= 0.9 && inside && (!same || m.typed)
            };
            if mentions.iter().any(explained) {
                continue;
            }
            for &(entry, name, earlier_key) in &names {
                let (a, b) = (key.as_bytes(), name.as_bytes());
                if a == b {
                    continue; // exact matches were found already
                }
                // A slip seldom changes the first letter (it may drop it, or swap it with the
                // second): checking that first skips most names.
                if a[0] != b[0] && a.get(1) != b.first() && a.first() != b.get(1) {
                    continue;
                }
                if !within_edits(a, b, max.min(allowed_edits(b.len()))) {
                    continue;
                }
                if let Some(mut m) =
                    score_mention(db, original, tokens, markers, entry, i..j + 1, None, &key)
                {
                    m.score *= 0.7;
                    m.fuzzy = true;
                    m.earlier_key = earlier_key;
                    out.push(m);
                }
            }
        }
    }
    out
}

/// Turns the ranked chains into the public result.
fn finish(
    db: &Db,
    input: String,
    text: &str,
    tokens: &[Token],
    mentions: &[Mention],
    chains: Vec<Chain>,
) -> ParsedAddress {
    let mut warnings = Vec::new();
    let Some(best) = chains.first() else {
        let street = street_part(text, tokens, &[]);
        return ParsedAddress {
            input,
            scheme: DetectedScheme::Unknown,
            legacy: None,
            current: None,
            current_candidates: Vec::new(),
            legacy_candidates: Vec::new(),
            street,
            confidence: 0.0,
            alternatives: Vec::new(),
            warnings: vec!["not_found: no province, district or ward was recognised".into()],
            earlier_names: Vec::new(),
        };
    };

    // Distinct readings, best first (chains that only differ in which mention was used collapse).
    let mut distinct: Vec<&Chain> = Vec::new();
    for c in &chains {
        if !distinct.iter().any(|d| same_reading(db, d, c)) {
            distinct.push(c);
        }
    }
    let second = distinct.get(1).copied();
    // A province alone that is the same province in both schemes says nothing about the scheme.
    let scheme_blind = best.ward.is_none()
        && best.district.is_none()
        && second.is_some_and(|s| {
            s.ward.is_none()
                && s.district.is_none()
                && s.scheme != best.scheme
                && (s.score - best.score).abs() < 0.05
                && db
                    .rec(s.scheme, Level::Province, s.province.unwrap_or(0))
                    .key
                    == db
                        .rec(best.scheme, Level::Province, best.province.unwrap_or(0))
                        .key
        });

    let mut confidence = chain_confidence(best);
    let rival = distinct.iter().skip(1).find(|c| {
        let province_alone = scheme_blind && c.ward.is_none() && c.district.is_none();
        !province_alone && !same_place_now(db, best, c)
    });
    if let Some(r) = rival {
        let margin = best.score - r.score;
        if margin < 0.05 {
            confidence = confidence.min(0.5);
            warnings.push(format!(
                "ambiguous: several readings are equally likely ({} and {}); check the alternatives",
                describe(db, best),
                describe(db, r)
            ));
        } else if margin < 0.5 {
            confidence *= 0.75 + margin * 0.5;
        }
    }
    if best.fuzzy {
        warnings.push("typo: a name was matched despite a spelling difference".into());
    }
    if best.inferred & P != 0 {
        warnings.push("province_inferred: no province was written; it was inferred".into());
        // "TP HD", "P7 BT": two letters stand for several places (Hà Đông or Hải Dương, Bình
        // Thạnh or Bến Tre); without a province the reading is a guess, and says so.
        if let Some(m) = best
            .used
            .iter()
            .map(|&u| &mentions[u])
            .find(|m| m.entry.alias == 2)
        {
            confidence = confidence.min(0.6);
            warnings.push(format!(
                "initials: \"{}\" was read as {}; check it",
                text.get(tokens[m.toks.start].start..tokens[m.toks.end - 1].end)
                    .unwrap_or(""),
                db.rec(m.entry.scheme, m.entry.level, m.entry.idx)
                    .full_name(m.entry.level)
            ));
        }
    }
    if let (Some(old), Some(now)) = (best.old_province, best.province) {
        warnings.push(format!(
            "province_old_name: {} is a province's name before 2025-07-01; this ward is in {} now",
            db.rec(Scheme::Legacy, Level::Province, old)
                .full_name(Level::Province),
            db.rec(Scheme::Current, Level::Province, now)
                .full_name(Level::Province),
        ));
    }
    if best.inferred & D != 0 && best.scheme == Scheme::Legacy {
        warnings.push(
            "district_inferred: no district was written; it was inferred from the ward".into(),
        );
    }
    if best.ward.is_none() {
        warnings.push("ward_missing: no ward was recognised".into());
    }

    let (legacy, current, current_candidates, legacy_candidates) =
        readings(db, best, &mut warnings);
    let (legacy, scheme) = if scheme_blind {
        let other = second.unwrap_or(best);
        let leg_chain = if best.scheme == Scheme::Legacy {
            best
        } else {
            other
        };
        let (l, _, _, _) = readings(db, leg_chain, &mut Vec::new());
        (l, DetectedScheme::Unknown)
    } else {
        (
            legacy,
            match best.scheme {
                Scheme::Legacy => DetectedScheme::Legacy,
                Scheme::Current => DetectedScheme::Current,
            },
        )
    };

    let alternatives = distinct
        .iter()
        .skip(1)
        .filter(|c| !(scheme_blind && c.ward.is_none() && c.district.is_none()))
        .filter(|c| c.score >= best.score - 1.0)
        .take(5)
        .map(|c| {
            let (l, cur, _, _) = readings(db, c, &mut Vec::new());
            let margin = (best.score - c.score).max(0.0);
            Alternative {
                scheme: c.scheme,
                legacy: l,
                current: cur,
                confidence: round2(
                    (chain_confidence(c) * (1.0 - margin).max(0.05)).clamp(0.0, 1.0),
                ),
            }
        })
        .collect();

    let used: Vec<&Mention> = best.used.iter().map(|&u| &mentions[u]).collect();
    let street = street_part(text, tokens, &used);
    let earlier_names = earlier_names(db, best, tokens, &used);
    for e in &earlier_names {
        let when = match e.since.split_once("..") {
            Some((from, to)) => format!("changed between {from} and {to}"),
            None => format!("since {}", e.since),
        };
        warnings.push(format!(
            "earlier_name: {} is now {} ({when})",
            e.earlier, e.now.name
        ));
    }
    ParsedAddress {
        input,
        scheme,
        legacy,
        current,
        current_candidates,
        legacy_candidates,
        street,
        confidence: round2(confidence),
        alternatives,
        warnings,
        earlier_names,
    }
}

/// The units of a legacy reading that were written by an earlier name (matched through an
/// alias that the data dates).
fn earlier_names(db: &Db, chain: &Chain, tokens: &[Token], used: &[&Mention]) -> Vec<EarlierName> {
    if chain.scheme != Scheme::Legacy {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in used.iter().filter(|m| m.entry.alias == 1) {
        let key: String = match m.earlier_key {
            Some(k) => k.to_string(),
            None => tokens[m.toks.clone()]
                .iter()
                .map(|t| t.key.as_str())
                .collect(),
        };
        if let Some(e) = db.earlier_name(m.entry.level, m.entry.idx, &key) {
            out.push(EarlierName {
                level: e.level,
                earlier: e.name.to_string(),
                now: db.unit(Scheme::Legacy, e.level, e.idx),
                since: e.since.to_string(),
            });
        }
    }
    out
}

/// Rounds a confidence to two decimals, as an `f64` that prints as it reads ("0.97").
fn round2(x: f32) -> f64 {
    (f64::from(x) * 100.0).round() / 100.0
}

fn same_reading(db: &Db, a: &Chain, b: &Chain) -> bool {
    let _ = db;
    a.scheme == b.scheme && a.province == b.province && a.district == b.district && a.ward == b.ward
}

/// Returns true if and only if one reading is legacy, the other current, and the legacy ward
/// went (wholly) into the current ward: two spellings of one place, not rival readings.
fn same_place_now(db: &Db, a: &Chain, b: &Chain) -> bool {
    let (legacy, current) = match (a.scheme, b.scheme) {
        (Scheme::Legacy, Scheme::Current) => (a, b),
        (Scheme::Current, Scheme::Legacy) => (b, a),
        _ => return false,
    };
    match (legacy.ward, current.ward) {
        (Some(lw), Some(cw)) => db.leg_wards[lw as usize].to_current == [cw],
        _ => false,
    }
}

fn describe(db: &Db, c: &Chain) -> String {
    let mut parts = Vec::new();
    if let Some(w) = c.ward {
        parts.push(db.rec(c.scheme, Level::Ward, w).full_name(Level::Ward));
    }
    if let Some(d) = c.district {
        parts.push(
            db.rec(c.scheme, Level::District, d)
                .full_name(Level::District),
        );
    }
    if let Some(p) = c.province {
        parts.push(
            db.rec(c.scheme, Level::Province, p)
                .full_name(Level::Province),
        );
    }
    let scheme = match c.scheme {
        Scheme::Legacy => "legacy",
        Scheme::Current => "current",
    };
    format!("{} ({scheme})", parts.join(", "))
}

fn chain_confidence(c: &Chain) -> f32 {
    let mut conf: f32 = match (c.scheme, c.ward.is_some(), c.district.is_some()) {
        (_, true, _) => 0.97,
        (Scheme::Legacy, false, true) => 0.7,
        _ => 0.45,
    };
    if c.inferred & P != 0 {
        conf -= 0.1;
    }
    if c.inferred & D != 0 {
        conf -= 0.1;
    }
    if c.fuzzy {
        conf -= 0.15;
    }
    // Weakly supported mentions (untyped short names, nicknames, street context) lower it.
    let per_level = c.score / (c.used.len().max(1) as f32);
    if per_level < 1.0 {
        conf -= (1.0 - per_level) * 0.3;
    }
    conf.clamp(0.05, 1.0)
}

type Readings = (
    Option<LegacyAddress>,
    Option<CurrentAddress>,
    Vec<CurrentCandidate>,
    Vec<LegacyAddress>,
);

/// The public addresses for a chain, including the conversion to the other scheme.
fn readings(db: &Db, c: &Chain, warnings: &mut Vec<String>) -> Readings {
    let Some(p) = c.province else {
        return (None, None, Vec::new(), Vec::new());
    };
    match c.scheme {
        Scheme::Legacy => {
            let legacy = LegacyAddress {
                province: db.unit(Scheme::Legacy, Level::Province, p),
                district: c
                    .district
                    .map(|d| db.unit(Scheme::Legacy, Level::District, d)),
                ward: c.ward.map(|w| db.unit(Scheme::Legacy, Level::Ward, w)),
            };
            let targets: &[u32] = match (c.ward, c.district) {
                (Some(w), _) => db.leg_wards[w as usize].to_current,
                // Island districts without wards became special zones.
                (None, Some(d)) => db.leg_districts[d as usize].to_current,
                _ => &[],
            };
            let candidates: Vec<CurrentCandidate> = targets
                .iter()
                .map(|&t| CurrentCandidate {
                    province: db.unit(
                        Scheme::Current,
                        Level::Province,
                        db.cur_wards[t as usize].parent,
                    ),
                    ward: db.unit(Scheme::Current, Level::Ward, t),
                })
                .collect();
            let province_now = match candidates.first() {
                Some(cand) => cand.province.clone(),
                None => db.unit(
                    Scheme::Current,
                    Level::Province,
                    db.leg_provinces[p as usize]
                        .to_current
                        .first()
                        .copied()
                        .unwrap_or(0),
                ),
            };
            let ward_now = if candidates.len() == 1 {
                Some(candidates[0].ward.clone())
            } else {
                if candidates.len() > 1 {
                    warnings.push(format!(
                        "ward_split: this old ward was split across {} current wards; pick one of current_candidates",
                        candidates.len()
                    ));
                }
                None
            };
            let current = CurrentAddress {
                province: province_now,
                ward: ward_now,
            };
            (Some(legacy), Some(current), candidates, Vec::new())
        }
        Scheme::Current => {
            let current = CurrentAddress {
                province: db.unit(Scheme::Current, Level::Province, p),
                ward: c.ward.map(|w| db.unit(Scheme::Current, Level::Ward, w)),
            };
            let mut candidates = Vec::new();
            let mut legacy_candidates = Vec::new();
            if let Some(w) = c.ward {
                candidates.push(CurrentCandidate {
                    province: current.province.clone(),
                    ward: db.unit(Scheme::Current, Level::Ward, w),
                });
                for &lw in db.legacy_of_current(w) {
                    let d = db.leg_wards[lw as usize].parent;
                    legacy_candidates.push(LegacyAddress {
                        province: db.unit(
                            Scheme::Legacy,
                            Level::Province,
                            db.leg_districts[d as usize].parent,
                        ),
                        district: Some(db.unit(Scheme::Legacy, Level::District, d)),
                        ward: Some(db.unit(Scheme::Legacy, Level::Ward, lw)),
                    });
                }
            }
            (None, Some(current), candidates, legacy_candidates)
        }
    }
}

/// The text left once the recognised units, their type words and chat noise are removed.
fn street_part(input: &str, tokens: &[Token], used: &[&Mention]) -> String {
    // Byte ranges taken by the units (with their type words).
    let mut taken: Vec<Range<usize>> = used
        .iter()
        .filter(|m| m.toks.end > 0 && m.toks.end <= tokens.len())
        .map(|m| tokens[m.marker_start.min(m.toks.start)].start..tokens[m.toks.end - 1].end)
        .collect();
    taken.sort_by_key(|r| r.start);
    // Everything after the first unit that is not itself an address part is noise ("nhé ạ").
    let mut kept = String::with_capacity(input.len());
    let mut pos = 0;
    for r in &taken {
        if r.start > pos {
            kept.push_str(&input[pos..r.start]);
        }
        kept.push('\n');
        pos = pos.max(r.end);
    }
    if pos < input.len() {
        kept.push_str(&input[pos..]);
    }
    let mut parts: Vec<String> = Vec::new();
    for seg in kept.split(['\n', ',', ';', '|']) {
        let cleaned = clean_segment(seg);
        if !cleaned.is_empty() {
            parts.push(cleaned);
        }
    }
    parts.join(", ")
}

/// Removes phone numbers, emoji and chat words from the edges of a segment.
fn clean_segment(seg: &str) -> String {
    // Phone numbers: 9 to 12 digits possibly split by spaces, dots or dashes.
    let mut out = String::with_capacity(seg.len());
    let chars: Vec<char> = seg.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() || chars[i] == '+' {
            let mut j = i;
            let mut digits = 0;
            while j < chars.len()
                && (chars[j].is_ascii_digit() || matches!(chars[j], ' ' | '.' | '-' | '+'))
            {
                if chars[j].is_ascii_digit() {
                    digits += 1;
                }
                j += 1;
            }
            if (9..=12).contains(&digits) {
                i = j;
                out.push(' ');
                continue;
            }
            out.extend(&chars[i..j.max(i + 1)]);
            i = j.max(i + 1);
            continue;
        }
        let c = chars[i];
        if c.is_alphanumeric() || c.is_whitespace() || "/-.'&".contains(c) {
            out.push(c);
        } else {
            out.push(' ');
        }
        i += 1;
    }
    // Drop chat words at both ends.
    let words: Vec<&str> = out.split_whitespace().collect();
    let is_noise = |w: &str| {
        let k = super::normalize::key_of(w);
        // One-letter words only when lowercase: "ạ" is noise, "Lô A" is not.
        k.is_empty()
            || (NOISE_WORDS.contains(&k.as_str())
                && (k.len() > 1 || w.chars().all(|c| !c.is_uppercase())))
    };
    let mut a = 0;
    let mut b = words.len();
    while a < b && is_noise(words[a]) {
        a += 1;
    }
    while b > a && is_noise(words[b - 1]) {
        b -= 1;
    }
    words[a..b]
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

//! The scanner: from chars to digit groups, chains and candidates.
//!
//! Vocabulary:
//! - a **group** is a run of digits (ASCII or full-width; zero-width chars inside are ignored);
//! - groups joined by one `.` or `-` form a **chain**: a chain is always taken whole, so
//!   "1.250.000" or "0912.345.678.90" never yield a phone from some of their digits;
//! - chains joined by a space or parentheses form a **segment**: a phone is a run of whole
//!   chains of one segment ("0912 345 678 0987 654 321" is two phones);
//! - a dash between spaces (" - ") or a bare comma also ends a segment, but short pieces joined
//!   only by them (and spaces) form a **loose segment**, which is a phone only when the whole of
//!   it is one ("0912 - 345 - 678", "0912,345,678"): those joins also separate fields and list
//!   items ("Lan - 0912 345 678 - 102 Lê Duẩn", "mẫu 0215,0216,0217"), so no part is ever taken;
//! - one `/` or one `_` alone between groups ends a segment too, but plain groups joined only
//!   by the same one form a **glued run**, which is a phone only when the whole of it is one and
//!   looks like nothing else ("0962/123/456", "0345_678_901"; never "12/03/2024" or "40/42");
//! - anything else (letters, spaced slashes, line breaks) ends a segment.

use super::context::{announced_as_phone, announced_right_before, says_not_a_phone};
use super::fold::fold_char;
use super::plan::{classify, classify_unlisted, Classified};
use super::{FoundPhone, PhoneKind};

/// The most digits a phone can be written with: `0084` + `0` + 10 national digits.
const MAX_DIGITS: usize = 15;

#[derive(Clone, Copy, Debug)]
struct Group {
    /// Char index of the first digit.
    start: usize,
    /// Char index after the last digit.
    end: usize,
    /// Range of this group's digits in the shared digit buffer.
    d_start: usize,
    d_end: usize,
    /// The first "digit" is the letter O or o typed for a zero ("sđt O912345678").
    letter_o: bool,
}

#[derive(Clone, Copy, Debug)]
struct Chain {
    first: usize,
    last: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sep {
    Strong,
    Weak,
    /// A dash with spaces around it: " - ".
    SpacedDash,
    /// A comma alone: ",".
    Comma,
    /// A slash alone: "/".
    Slash,
    /// An underscore alone: "_".
    Underscore,
    Hard,
}

impl Sep {
    /// Returns true if and only if the join glues the pieces of a glued run.
    fn is_glue(self) -> bool {
        matches!(self, Sep::Slash | Sep::Underscore)
    }
}

/// Returns the value of a decimal digit as buyers type them (ASCII or full-width).
pub(crate) fn digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{FF10}'..='\u{FF19}' => Some((c as u32 - 0xFF10) as u8),
        _ => None,
    }
}

/// Returns true if and only if `c` is invisible formatting that a copy-paste or an anti-spam trick
/// can put between digits (zero-width spaces and joiners, BOM, soft hyphen, direction marks).
pub(crate) fn is_transparent(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{202A}'..='\u{202E}'
            // emoji presentation selectors and the keycap mark: "0️⃣9️⃣1️⃣…"
            | '\u{FE0E}'
            | '\u{FE0F}'
            | '\u{20E3}'
    )
}

fn is_strong_joiner(c: char) -> bool {
    matches!(
        c,
        '.' | '-' | '\u{FF0E}' | '\u{FF0D}' | '\u{2010}'..='\u{2013}' | '\u{2212}'
    )
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{00A0}' | '\u{2007}' | '\u{2009}' | '\u{202F}' | '\u{3000}'
    )
}

fn is_open_paren(c: char) -> bool {
    c == '(' || c == '\u{FF08}'
}

fn is_close_paren(c: char) -> bool {
    c == ')' || c == '\u{FF09}'
}

fn is_plus(c: char) -> bool {
    c == '+' || c == '\u{FF0B}'
}

/// How the chars between two digit groups join them.
fn classify_sep(between: &[char]) -> Sep {
    let mut visible = between.iter().filter(|&&c| !is_transparent(c));
    match (visible.next(), visible.next()) {
        (Some('/'), None) => return Sep::Slash,
        (Some('_'), None) => return Sep::Underscore,
        _ => {}
    }
    let mut len = 0;
    let mut strong = 0;
    let mut spaces = 0;
    let mut open = 0;
    let mut close = 0;
    let mut dash = false;
    let mut comma = false;
    let (mut first, mut last) = (' ', ' ');
    for &c in between {
        if is_transparent(c) {
            continue;
        }
        if len == 0 {
            first = c;
        }
        last = c;
        len += 1;
        if is_strong_joiner(c) {
            strong += 1;
            dash = c != '.' && c != '\u{FF0E}';
        } else if c == ',' {
            comma = true;
        } else if is_space(c) {
            spaces += 1;
        } else if is_open_paren(c) {
            open += 1;
        } else if is_close_paren(c) {
            close += 1;
        } else {
            return Sep::Hard;
        }
    }
    match (len, strong) {
        _ if comma => {
            if len == 1 {
                Sep::Comma
            } else {
                Sep::Hard
            }
        }
        (1, 1) => Sep::Strong,
        (_, 0) if len > 0 && spaces <= 2 && open <= 1 && close <= 1 => Sep::Weak,
        // " - " exactly: "0912 -345" or "0912  -  345" are not how anyone groups a phone.
        (3, 1) if dash && spaces == 2 && is_space(first) && is_space(last) => Sep::SpacedDash,
        _ => Sep::Hard,
    }
}

/// The char index of the nearest visible char before `at`, if any.
fn prev_visible(chars: &[char], at: usize) -> Option<usize> {
    (0..at).rev().find(|&i| !is_transparent(chars[i]))
}

/// The char index of the nearest visible char at or after `at`, if any.
fn next_visible(chars: &[char], at: usize) -> Option<usize> {
    (at..chars.len()).find(|&i| !is_transparent(chars[i]))
}

/// Returns true if and only if the text can contain a digit at all (ASCII, or the UTF-8 lead
/// bytes of a full-width digit). Most chat messages have none: they return here.
fn may_have_digits(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().any(|(i, &x)| {
        x.is_ascii_digit()
            || (x == 0xEF
                && b.get(i + 1) == Some(&0xBC)
                && b.get(i + 2).is_some_and(|&y| (0x90..=0x99).contains(&y)))
    })
}

pub(crate) fn extract(text: &str) -> Vec<FoundPhone> {
    let mut found = Vec::new();
    if !may_have_digits(text) {
        return found;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut digits: Vec<u8> = Vec::with_capacity(32);
    let mut groups: Vec<Group> = Vec::new();

    // Groups.
    let mut i = 0;
    while i < chars.len() {
        let letter_o = is_letter_o_for_zero(&chars, i);
        let Some(d) = digit_value(chars[i]).or(if letter_o { Some(0) } else { None }) else {
            i += 1;
            continue;
        };
        let start = i;
        let d_start = digits.len();
        digits.push(d);
        let mut end = i + 1;
        let mut j = i + 1;
        while j < chars.len() {
            if let Some(d) = digit_value(chars[j]) {
                digits.push(d);
                end = j + 1;
                j += 1;
            } else if is_transparent(chars[j]) {
                j += 1;
            } else {
                break;
            }
        }
        // A keycap digit "8️⃣" ends with its marks.
        while end < chars.len() && matches!(chars[end], '\u{FE0F}' | '\u{20E3}') {
            end += 1;
        }
        groups.push(Group {
            start,
            end,
            d_start,
            d_end: digits.len(),
            letter_o,
        });
        i = end;
    }

    // Chains, and how each chain is joined to the next one.
    let mut chains: Vec<Chain> = Vec::new();
    let mut joins: Vec<Sep> = Vec::new();
    for g in 0..groups.len() {
        let sep_before = if g == 0 {
            Sep::Hard
        } else {
            classify_sep(&chars[groups[g - 1].end..groups[g].start])
        };
        if sep_before == Sep::Strong {
            chains
                .last_mut()
                .expect("a strong join follows a group")
                .last = g;
        } else {
            if !chains.is_empty() {
                joins.push(sep_before);
            }
            chains.push(Chain { first: g, last: g });
        }
    }
    joins.push(Sep::Hard);

    let scan = Scanner {
        chars: &chars,
        digits: &digits,
        groups: &groups,
        chains: &chains,
    };

    // Segments: runs of chains with weak joins.
    let mut seg_start = 0;
    for (c, join) in joins.iter().enumerate() {
        if *join != Sep::Weak {
            scan.segment(seg_start, c, &mut found);
            seg_start = c + 1;
        }
    }
    // Loose segments: runs of chains that " - " or "," join too, between the phones found so far
    // (and apart from them: a space would make a piece part of their segment).
    let covered = |c: usize, found: &[FoundPhone]| {
        let (s, e) = (groups[chains[c].first].start, groups[chains[c].last].end);
        found.iter().any(|p| p.start < e && s < p.end)
    };
    let mut seg_start = 0;
    for c in 0..chains.len() {
        let cov = covered(c, &found);
        // A glued run is not part of a loose one: "/" and "_" end it as a hard join does.
        if cov || joins[c] == Sep::Hard || joins[c].is_glue() {
            let last = if cov { c.checked_sub(1) } else { Some(c) };
            let free_before = seg_start == 0 || joins[seg_start - 1] != Sep::Weak;
            let free_after = !cov || c == 0 || joins[c - 1] != Sep::Weak;
            if let Some(last) = last.filter(|&l| l >= seg_start) {
                if free_before && free_after {
                    scan.loose_segment(seg_start, last, &joins[seg_start..last], &mut found);
                }
            }
            seg_start = c + 1;
        }
    }
    // Glued runs: chains joined by the same one "/" or "_" ("0962/123/456").
    let mut a = 0;
    while a < chains.len() {
        let mut b = a;
        if joins[a].is_glue() {
            // The last join is hard: the run ends.
            while joins[b] == joins[a] {
                b += 1;
            }
            let before = if a == 0 { Sep::Hard } else { joins[a - 1] };
            if !covered(a, &found) && !covered(b, &found) {
                scan.glued_run(a, b, before, joins[b], &mut found);
            }
        }
        a = b + 1;
    }
    found
}

/// Returns true if and only if `chars[i]` is the letter O typed for a leading zero: an O or o
/// that starts a word and is followed by exactly 9 digits ("O912345678"). Anything else with an O
/// in it ("09O2…", "O912 345 678") is left alone.
fn is_letter_o_for_zero(chars: &[char], i: usize) -> bool {
    matches!(chars[i], 'O' | 'o')
        && (i == 0 || !chars[i - 1].is_alphanumeric())
        && chars.len() > i + 9
        && chars[i + 1..i + 10].iter().all(|c| c.is_ascii_digit())
        && chars[i + 1] != '0'
        && chars
            .get(i + 10)
            .is_none_or(|c| !c.is_alphanumeric() || !c.is_ascii())
}

struct Scanner<'a> {
    chars: &'a [char],
    digits: &'a [u8],
    groups: &'a [Group],
    chains: &'a [Chain],
}

impl Scanner<'_> {
    fn chain_digits(&self, c: usize) -> &[u8] {
        let ch = self.chains[c];
        &self.digits[self.groups[ch.first].d_start..self.groups[ch.last].d_end]
    }

    /// Returns true if and only if chain `c` is one plain group of at least `min` digits: a
    /// number in its own right, which a phone written in pieces must not be glued to.
    fn is_plain_number(&self, c: usize, min: usize) -> bool {
        let ch = self.chains[c];
        ch.first == ch.last && self.chain_digits(c).len() >= min
    }

    /// Finds the phones among chains `a..=b`, which are joined by weak separators only.
    fn segment(&self, a: usize, b: usize, found: &mut Vec<FoundPhone>) {
        let mut i = a;
        let mut consumed_until = a; // chains before this index belong to a phone already taken
        while i <= b {
            match self.phone_from(i, b, consumed_until) {
                Some((j, phone)) => {
                    found.push(phone);
                    i = j + 1;
                    consumed_until = i;
                }
                None => {
                    // "0912345678-0987654321": one chain made of whole phones.
                    if self.split_chain(i, found) {
                        consumed_until = i + 1;
                    }
                    i += 1;
                }
            }
        }
    }

    /// The phone that starts with chain `i` and ends with some chain `j <= b`, with that `j`.
    fn phone_from(&self, i: usize, b: usize, consumed_until: usize) -> Option<(usize, FoundPhone)> {
        let mut n_digits = 0;
        for j in i..=b {
            n_digits += self.chain_digits(j).len();
            if n_digits > MAX_DIGITS {
                return None;
            }
            let Some(phone) = self.candidate(i, j) else {
                continue;
            };
            if j > i {
                // Written in pieces: it must not be the tail of a longer number
                // ("1903 0912 345 678") nor be followed by more pieces of one. A piece that
                // starts with 0 may be the next phone ("0912 345 678 0987 654 321").
                // Before, 4 digits: the groups of an account number ("1903 …"), where a house
                // number ("ngõ 123 0912 345 678") has at most 3.
                if i > consumed_until && self.is_plain_number(i - 1, 4) {
                    return None;
                }
                if j < b && self.is_plain_number(j + 1, 3) && self.chain_digits(j + 1)[0] != 0 {
                    // A longer reading may take that piece in: "sđt 84 1686 123 456" is not
                    // "84 1686 123" (a mobile without its 0) and a stray "456".
                    continue;
                }
            }
            if j < b
                && self.groups_in(i, j) > 1
                && self.is_plain_number(j + 1, 1)
                && self.chain_digits(j + 1).len() <= 2
                && !self.piece_is_something_else(j + 1)
            {
                // "0912 345 678 9": a stray digit after a number written in pieces may as well
                // be its last digit; nobody can tell which ten digits were meant. A piece that
                // is visibly something else is fine: "0912 345 678 9h tối", "… 2 cái". A longer
                // reading that takes the digit in is tried as well.
                continue;
            }
            return Some((j, phone));
        }
        None
    }

    /// The number of digit groups in chains `i..=j`.
    fn groups_in(&self, i: usize, j: usize) -> usize {
        self.chains[j].last + 1 - self.chains[i].first
    }

    /// Returns true if and only if the short plain number of chain `c` is visibly not the end of
    /// a phone: glued to letters or a sign ("9h", "2c", "15/11"), or followed by a unit or a
    /// counting word ("2 cái", "3 kg").
    fn piece_is_something_else(&self, c: usize) -> bool {
        let chars = self.chars;
        let Some(n) = next_visible(chars, self.groups[self.chains[c].last].end) else {
            return false;
        };
        match chars[n] {
            c if c.is_alphabetic() => true,
            '/' | ':' | '%' | '*' | '+' | '=' | '\'' | '"' => true,
            c if is_space(c) => {
                let word: String = chars[n..]
                    .iter()
                    .skip_while(|c| is_space(**c))
                    .take_while(|c| c.is_alphabetic())
                    .filter_map(|&c| fold_char(c))
                    .collect();
                UNIT_WORDS.contains(&word.as_str()) || COUNT_WORDS.contains(&word.as_str())
            }
            _ => false,
        }
    }

    /// Returns true if and only if groups of chains `i..=j` are an old Hồ Chí Minh City landline
    /// as written before the 2017 area-code change: "08 3823 4567", "(08) 3823 4567", "+84 8 3823
    /// 4567". Their ten digits read as an 083 mobile, but they are neither that mobile nor a
    /// number that still connects (08 became 028), so they are not taken. (Old Hà Nội numbers,
    /// "04 3825 1234", already fail the plan: 04x is no mobile prefix.)
    fn is_old_city_landline(&self, i: usize, j: usize) -> bool {
        let gs = &self.groups[self.chains[i].first..=self.chains[j].last];
        let d = |g: &Group| &self.digits[g.d_start..g.d_end];
        let rest = match gs.first().map(d) {
            Some([0, 8]) => &gs[1..],
            Some([8, 4] | [0, 0, 8, 4]) if gs.len() > 1 && d(&gs[1]) == [8] => &gs[2..],
            _ => return false,
        };
        match rest {
            [a, b] => d(a).len() == 4 && d(b).len() == 4,
            [a] => d(a).len() == 8,
            _ => false,
        }
    }

    /// The phone made of chains `i..=j`, if those digits are one and nothing around says
    /// otherwise.
    fn candidate(&self, i: usize, j: usize) -> Option<FoundPhone> {
        let first = self.groups[self.chains[i].first];
        let last = self.groups[self.chains[j].last];
        let digits = &self.digits[first.d_start..last.d_end];
        if self.is_old_city_landline(i, j) {
            return None;
        }
        let gs = &self.groups[self.chains[i].first..=self.chains[j].last];
        if gs.iter().skip(1).any(|g| g.letter_o) {
            return None;
        }
        let phone = self.accept(first.start, last.end, digits, true)?;
        if first.letter_o
            && (gs.len() > 1
                || phone.start != first.start
                || phone.kind != PhoneKind::Mobile
                || phone.unverified_prefix
                || !announced_as_phone(self.chars, first.start))
        {
            // "O912345678" only right after a phone word ("sđt O912345678"), and only with a
            // listed prefix: a letter for a digit and an unlisted prefix are two doubts.
            return None;
        }
        Some(phone)
    }

    /// Finds the phone that chains `a..=b`, each joined to the next by the same one "/" or "_",
    /// are as a whole ("0962/123/456", "0345_678_901"), `before` and `after` being the joins
    /// around the run. "/" also writes dates ("12/03/2024"), sizes ("40/42"), addresses ("12/3
    /// Lê Lợi") and fractions, and "_" handles and file names, so the run must look like nothing
    /// but a phone in groups: at least three plain groups, the first of 3 or 4 digits starting
    /// with 0 (a day or a month has at most 2 digits, a year does not start with 0), the others
    /// of 2 to 4, and no other digits glued or spaced next to it ("0962/123/456 7" is as
    /// unreadable as "0912 345 678 9").
    fn glued_run(&self, a: usize, b: usize, before: Sep, after: Sep, found: &mut Vec<FoundPhone>) {
        let apart = |sep: Sep| matches!(sep, Sep::Hard | Sep::SpacedDash | Sep::Comma);
        if b - a < 2 || !apart(before) || !apart(after) {
            return;
        }
        for c in a..=b {
            let ch = self.chains[c];
            let digits = self.chain_digits(c);
            let shape_ok = if c == a {
                matches!(digits.len(), 3 | 4) && digits[0] == 0
            } else {
                (2..=4).contains(&digits.len())
            };
            if ch.first != ch.last || self.groups[ch.first].letter_o || !shape_ok {
                return;
            }
        }
        if let Some(phone) = self.candidate(a, b) {
            let at = found.partition_point(|p| p.start < phone.start);
            found.insert(at, phone);
        }
    }

    /// Finds the phones that chains `a..=b` (whose joins are `joins`) are made of, if they are a
    /// loose segment: short pieces joined by " - " or "," (and spaces) that are, all of them,
    /// consecutive whole phones ("0912 - 345 - 678", "0912,345,678 - 0987,654,321"). Nothing is
    /// taken when a piece is left over.
    fn loose_segment(&self, a: usize, b: usize, joins: &[Sep], found: &mut Vec<FoundPhone>) {
        if !joins
            .iter()
            .any(|&j| j == Sep::SpacedDash || j == Sep::Comma)
        {
            return;
        }
        for c in a..=b {
            let ch = self.chains[c];
            if ch.first != ch.last
                || self.chain_digits(c).len() > 4
                || self.groups[ch.first].letter_o
            {
                return;
            }
        }
        let mut phones = Vec::new();
        let mut k = a;
        while k <= b {
            let mut m = k;
            let phone = loop {
                if m > b {
                    return;
                }
                if self.loose_shape_ok(k, &joins[k - a..m - a]) {
                    if let Some(phone) = self.candidate(k, m) {
                        break phone;
                    }
                }
                m += 1;
            };
            // The join after a phone must be a separator, not a piece of it.
            if m < b && joins[m - a] == Sep::Weak {
                return;
            }
            phones.push(phone);
            k = m + 1;
        }
        for phone in phones {
            // In order of position (an insert, not a sort: a sort costs KBs of wasm).
            let at = found.partition_point(|p| p.start < phone.start);
            found.insert(at, phone);
        }
    }

    /// Returns true if and only if pieces from chain `k` on, joined by `joins`, are shaped like a
    /// phone written with commas or spaced dashes. Commas: all commas, at least three pieces of 2
    /// to 4 digits ("24,5" and "0,5" are decimals, "36,37" a list). Dashes: at least one " - ",
    /// maybe spaces too ("+84 912 - 345 - 678").
    fn loose_shape_ok(&self, k: usize, joins: &[Sep]) -> bool {
        if joins.contains(&Sep::Comma) {
            joins.len() >= 2
                && joins.iter().all(|&j| j == Sep::Comma)
                && (k..=k + joins.len()).all(|c| self.chain_digits(c).len() >= 2)
        } else {
            joins.contains(&Sep::SpacedDash)
        }
    }

    /// Splits chain `c` into whole phones at its `.`/`-` joins, if every digit of it belongs to
    /// one; returns true if and only if it did.
    fn split_chain(&self, c: usize, found: &mut Vec<FoundPhone>) -> bool {
        let ch = self.chains[c];
        if ch.first == ch.last || self.groups[ch.first..=ch.last].iter().any(|g| g.letter_o) {
            return false;
        }
        let mut parts = Vec::new();
        let mut g = ch.first;
        while g <= ch.last {
            let mut ok = None;
            for h in g..=ch.last {
                let digits = &self.digits[self.groups[g].d_start..self.groups[h].d_end];
                if digits.len() > MAX_DIGITS {
                    break;
                }
                if let Some(p) = self.accept(
                    self.groups[g].start,
                    self.groups[h].end,
                    digits,
                    g == ch.first,
                ) {
                    ok = Some((h, p));
                    break;
                }
            }
            let (h, p) = match ok {
                Some(x) => x,
                None => return false,
            };
            parts.push(p);
            g = h + 1;
        }
        let many = parts.len() > 1;
        if many {
            found.extend(parts);
        }
        many
    }

    /// Checks the digits `digits`, written between char indices `start..end`, against the plan,
    /// the chars glued to them and the words around them.
    fn accept(
        &self,
        start: usize,
        end: usize,
        digits: &[u8],
        may_have_plus: bool,
    ) -> Option<FoundPhone> {
        let chars = self.chars;
        // A "+" right before the digits (maybe after "("): the number is international.
        let mut span_start = start;
        let mut plus = false;
        if may_have_plus {
            if let Some(p) = prev_visible(chars, start) {
                if is_plus(chars[p]) {
                    plus = true;
                    span_start = p;
                }
            }
        }
        let classified = parse(digits, plus)
            .or_else(|| self.parse_with_leeway(start, span_start, digits, plus))
            .or_else(|| {
                if plus {
                    // "+0912…": a stray plus on a national number.
                    plus = false;
                    span_start = start;
                    parse(digits, false)
                } else {
                    None
                }
            })
            .or_else(|| {
                // "sđt 912345678": a mobile without its trunk 0, only when announced as a phone.
                if digits.len() == 9 && digits[0] != 0 && announced_as_phone(chars, span_start) {
                    classify(digits)
                } else {
                    None
                }
            })?;
        // "(024) 3823 4567", "(+84) 912…": keep the "(" when its ")" is inside the number.
        if let Some(p) = prev_visible(chars, span_start) {
            if is_open_paren(chars[p]) && chars[start..end].iter().any(|&c| is_close_paren(c)) {
                span_start = p;
            }
        }
        if !self.left_ok(span_start) || !self.right_ok(end) {
            return None;
        }
        // A number written with "+84" is a phone whatever the words around it: account numbers,
        // codes and ID numbers are never written with a country code.
        let international = chars[span_start..end.min(span_start + 2)].contains(&'+');
        if !international && says_not_a_phone(chars, span_start, end) {
            return None;
        }
        Some(FoundPhone {
            number: classified.number,
            raw: chars[span_start..end].iter().collect(),
            start: span_start,
            end,
            kind: classified.kind,
            carrier: classified.carrier,
            converted_from: classified.converted_from,
            unverified_prefix: classified.unverified_prefix,
        })
    }

    /// Reads `digits` (first digit at char `start`, "+" or not at `span_start`) in the two ways
    /// that need more than their shape, once the strict reading has failed:
    /// - "84" without "+" before an old 11-digit mobile ("84 1686 123 456", "841686123456"):
    ///   read when a phone word announces the number or the "84" is written apart from the rest,
    ///   as a country code is; a 12-digit code in one piece (a tracking number) is neither;
    /// - a mobile whose prefix the tables do not list yet ("sđt 0521 234 567"): read, flagged,
    ///   only right after a phone word (see [`announced_right_before`]).
    fn parse_with_leeway(
        &self,
        start: usize,
        span_start: usize,
        digits: &[u8],
        plus: bool,
    ) -> Option<Classified> {
        let chars = self.chars;
        // Cheap shape checks first: the words around are read only for a number that can be one.
        if !plus && digits.len() == 12 && digits.starts_with(&[8, 4, 1]) {
            let country_code_apart = self
                .groups
                .get(self.groups.partition_point(|g| g.start < start))
                .is_some_and(|g| g.start == start && g.d_end - g.d_start == 2);
            if country_code_apart || announced_as_phone(chars, span_start) {
                return classify(&digits[2..]);
            }
            return None;
        }
        let unlisted = classify_unlisted(national_number(digits, plus)?)?;
        announced_right_before(chars, span_start).then_some(unlisted)
    }

    /// Returns true if and only if what precedes the number (at char `start`) lets it be a phone.
    fn left_ok(&self, start: usize) -> bool {
        let chars = self.chars;
        let Some(p) = prev_visible(chars, start) else {
            return true;
        };
        let c = chars[p];
        if c.is_alphanumeric() {
            // Glued to letters: "sdt0912…" is a phone, "DH0912…" an order code. Codes are ASCII:
            // a glued word with Vietnamese letters ("là0912…") is a missing space.
            return glued_word_before(chars, p + 1).is_some_and(|w| {
                GLUED_PHONE_WORDS.contains(&w.as_str()) || !ascii_letters_before(chars, p + 1)
            });
        }
        match c {
            '@' | '_' | '#' | '&' | '$' | '€' | '£' | '¥' | '₫' | '%' | '=' => false,
            '/' | '\\' => {
                // "0912…/0987…" lists phones; "shop.vn/0912…" and "shop.vn/p/123/0912…" are
                // links, "zalo.me/0912…" a phone.
                if token_is_link(chars, start) {
                    return false;
                }
                match prev_visible(chars, p) {
                    Some(q) if chars[q].is_alphanumeric() => {
                        if digit_value(chars[q]).is_some() {
                            return true;
                        }
                        let token = &chars[token_start(chars, p)..p];
                        token.len() >= 7 && contains_ascii(&token[token.len() - 7..], "zalo.me")
                    }
                    _ => true,
                }
            }
            c if is_strong_joiner(c) => {
                // "sdt.0912…" and "Lan-0912…" are phones; "DH-0912…" and "v1.0912…" are codes.
                match prev_visible(chars, p) {
                    // "0912345678-0987654321", split by `split_chain`
                    Some(q) if digit_value(chars[q]).is_some() => true,
                    Some(q) if chars[q].is_alphanumeric() => {
                        match glued_word_before(chars, q + 1) {
                            None => false,
                            Some(w) if GLUED_PHONE_WORDS.contains(&w.as_str()) => true,
                            Some(_) => !is_capitals_code(chars, q + 1),
                        }
                    }
                    _ => true,
                }
            }
            _ => !token_is_link(chars, start),
        }
    }

    /// Returns true if and only if what follows the number (char `end`) lets it be a phone.
    fn right_ok(&self, end: usize) -> bool {
        let chars = self.chars;
        let Some(n) = next_visible(chars, end) else {
            return true;
        };
        let c = chars[n];
        if c.is_alphabetic() {
            // Glued to a unit it is a quantity or a price ("0912345678đ"); glued to capitals a
            // code ("…VN"); glued to anything else ("0912345678zalo", "…ạ") still a phone.
            let word: String = chars[n..]
                .iter()
                .take_while(|c| c.is_alphabetic() || is_transparent(**c))
                .filter_map(|&c| if is_transparent(c) { None } else { Some(c) })
                .collect();
            let folded: String = word.chars().filter_map(fold_char).collect();
            if UNIT_WORDS.contains(&folded.as_str()) {
                return false;
            }
            let is_code = word.chars().count() >= 2
                && word.chars().all(|c| c.is_ascii_uppercase())
                && !GLUED_PHONE_WORDS.contains(&folded.as_str());
            return !is_code;
        }
        match c {
            '@' | '_' | '%' | '₫' | '$' | '€' | '#' => false,
            '.' | '\u{FF0E}' => {
                // "0912345678.Em cảm ơn" is a sentence; "0912345678.vn" a link.
                let word: String = chars[n + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                !TLDS.contains(&word.as_str())
            }
            _ => true,
        }
    }
}

/// Words that may be glued right before a phone ("sdt0912…", "Zalo0912…"). Folded.
const GLUED_PHONE_WORDS: &[&str] = &[
    "sdt",
    "dt",
    "sdth",
    "dthoai",
    "dienthoai",
    "zalo",
    "zl",
    "tel",
    "phone",
    "so",
    "hotline",
    "lh",
    "goi",
    "call",
    "sim",
    "mobile",
    "dd",
    "didong",
    "sodt",
    "sosdt",
];

/// Link endings: digits glued to ".vn" are part of a host name.
const TLDS: &[&str] = &[
    "vn", "com", "net", "org", "me", "io", "info", "html", "php", "biz",
];

/// Returns true if and only if the letters ending at char index `end` are capitals only, at
/// least two: the look of an order or tracking code prefix ("DH", "SPX", "GHN").
fn is_capitals_code(chars: &[char], end: usize) -> bool {
    let mut n = 0;
    let mut i = end;
    while i > 0 && chars[i - 1].is_alphabetic() {
        if !chars[i - 1].is_ascii_uppercase() {
            return false;
        }
        n += 1;
        i -= 1;
    }
    n >= 2
}

/// Words that count things: a short number before them is a quantity ("2 cái"). Folded.
const COUNT_WORDS: &[&str] = &[
    "cai", "chiec", "bo", "doi", "hop", "goi", "sp", "ao", "quan", "vay", "cap", "tui", "chai",
    "lo", "thung", "cuon", "mon", "don", "size", "sz", "mau", "nguoi", "tuoi", "gio", "ngay",
    "thang", "phut", "kien", "lan",
];

/// Units and currencies: digits glued to them are an amount. Folded.
const UNIT_WORDS: &[&str] = &[
    "d", "dong", "vnd", "k", "tr", "trieu", "ty", "ngan", "nghin", "usd", "xu", "cm", "mm", "m",
    "km", "kg", "g", "gr", "ml", "l", "lit", "x", "h", "p", "s", "gb", "mb", "tb", "kb", "mah",
];

/// Returns true if and only if the letters glued before char index `end` are all ASCII.
fn ascii_letters_before(chars: &[char], end: usize) -> bool {
    chars[..end]
        .iter()
        .rev()
        .take_while(|c| c.is_alphabetic() || is_transparent(**c))
        .all(|c| c.is_ascii() || is_transparent(*c))
}

/// The folded letters glued before char index `end`, if they are few enough to be a word.
fn glued_word_before(chars: &[char], end: usize) -> Option<String> {
    let mut start = end;
    while start > 0 && (chars[start - 1].is_alphanumeric() || is_transparent(chars[start - 1])) {
        if digit_value(chars[start - 1]).is_some() || chars[start - 1].is_ascii_digit() {
            return None; // letters and digits mixed: a code
        }
        start -= 1;
    }
    if end - start > 16 {
        return None;
    }
    Some(
        chars[start..end]
            .iter()
            .copied()
            .filter_map(fold_char)
            .collect(),
    )
}

/// The index where the whitespace-delimited token that ends at char index `end` starts.
fn token_start(chars: &[char], end: usize) -> usize {
    let mut start = end;
    while start > 0 && !chars[start - 1].is_whitespace() {
        start -= 1;
    }
    start
}

/// Returns true if and only if `hay` contains the ASCII `needle`, ignoring ASCII case.
/// (On chars, without lowering a copy: Unicode case tables would cost wasm bytes for nothing.)
fn contains_ascii(hay: &[char], needle: &str) -> bool {
    let n = needle.as_bytes();
    hay.len() >= n.len()
        && hay.windows(n.len()).any(|w| {
            w.iter()
                .zip(n)
                .all(|(&c, &b)| c.is_ascii() && (c as u8).eq_ignore_ascii_case(&b))
        })
}

/// Returns true if and only if the token holding char `at` (up to `at`) is a link: "https://…",
/// "www.…", or a host name with a path ("shopee.vn/product/123/…"), whose numbers are product,
/// post or profile ids. A Zalo link ("zalo.me/0912…") carries a phone and is not one.
fn token_is_link(chars: &[char], at: usize) -> bool {
    let token = &chars[token_start(chars, at)..at];
    (contains_ascii(token, "://") || contains_ascii(token, "www.") || has_host_and_path(token))
        && !contains_ascii(token, "zalo.me/")
}

/// Returns true if and only if `token` holds a host name followed by a path: a "/" right after a
/// known ending ("….vn/", "….com/"). "Tp.HCM/…" or "đ/c" are not hosts.
fn has_host_and_path(token: &[char]) -> bool {
    token.iter().enumerate().any(|(slash, &c)| {
        c == '/'
            && TLDS.iter().any(|tld| {
                let n = tld.len();
                slash > n + 1
                    && token[slash - n - 1] == '.'
                    && token[slash - n - 2].is_alphanumeric()
                    && token[slash - n..slash]
                        .iter()
                        .zip(tld.bytes())
                        .all(|(&c, b)| c.is_ascii() && (c as u8).eq_ignore_ascii_case(&b))
            })
    })
}

/// Reads `digits` as a Vietnamese number in any of the ways buyers write one.
fn parse(digits: &[u8], plus: bool) -> Option<Classified> {
    classify(national_number(digits, plus)?)
}

/// The national significant number in `digits` (trunk 0 or country code taken off), written
/// with a "+" before them or not; `None` when they do not start the way a Vietnamese number
/// does.
fn national_number(digits: &[u8], plus: bool) -> Option<&[u8]> {
    let national = if plus {
        // +84 912…, +84 0912…, +84 (0) 912…
        let rest = digits.strip_prefix(&[8, 4])?;
        rest.strip_prefix(&[0]).unwrap_or(rest)
    } else if let Some(rest) = digits.strip_prefix(&[0, 0, 8, 4]) {
        rest.strip_prefix(&[0]).unwrap_or(rest)
    } else if let Some(rest) = digits.strip_prefix(&[8, 4]) {
        // "84912345678", copied from Zalo or a contact card: mobiles only. Without the "+", a
        // landline or old number after 84 reads as well as a 12-digit tracking code, and "84 0912…"
        // is a size and a phone.
        if rest.len() != 9 {
            return None;
        }
        rest
    } else {
        digits.strip_prefix(&[0])?
    };
    if national.first() == Some(&0) {
        return None;
    }
    Some(national)
}

//! Money as integer đồng: the [`Vnd`] amount, the [`Percent`] rate, and the parser for what agents
//! type into a price box.
//!
//! The đồng has no subunit in use, so an `i64` of đồng is exact for every amount a shop will ever
//! see (up to about 9.2 × 10^18 ₫). All arithmetic is checked: an overflow is an error the caller
//! must handle, never a silent wrap, because a wrapped total is a wrong amount collected at the
//! door.
//!
//! JSON carries a [`Vnd`] as a bare integer. JavaScript reads integers exactly only up to 2^53
//! (about 9 × 10^15 ₫, nine million billion đồng), far above any order total.
//!
//! # Crate contract
//!
//! Arithmetic on [`Vnd`] returns [`Overflow`] if and only if the result leaves `i64`; it never
//! wraps. [`parse_vnd`] returns an amount if and only if the whole text reads as one amount without
//! guessing, and a reason otherwise.
//!
//! # Dependencies
//!
//! `nobi-text` (NFC and the Vietnamese folding of typed units such as "triệu"), `nobi-i18n`
//! (error texts) and `serde`. Its own crate, below both the template engine (which writes
//! `{tong_tien}` with [`Vnd::format`]) and the orders.

use nobi_i18n::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of Vietnamese đồng. Negative amounts exist (a refund, a balance owed to the buyer)
/// but the order arithmetic never produces them where the UI shows a price.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Vnd(pub i64);

/// Arithmetic left the range of `i64`. Carried instead of wrapping; see the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow;

impl fmt::Display for Overflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("amount too large")
    }
}

impl std::error::Error for Overflow {}

impl Overflow {
    /// The text shown to the agent, saying what to do about it.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => "Số tiền quá lớn để tính. Kiểm tra lại giá và số lượng.".to_owned(),
            Lang::En => {
                "The amount is too large to compute. Check the prices and quantities.".to_owned()
            }
        }
    }
}

impl Vnd {
    pub const ZERO: Vnd = Vnd(0);

    /// The amount in đồng.
    pub const fn dong(self) -> i64 {
        self.0
    }

    /// Returns true if and only if the amount is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Vnd) -> Result<Vnd, Overflow> {
        self.0.checked_add(other.0).map(Vnd).ok_or(Overflow)
    }

    pub fn checked_sub(self, other: Vnd) -> Result<Vnd, Overflow> {
        self.0.checked_sub(other.0).map(Vnd).ok_or(Overflow)
    }

    /// The amount times a quantity (a unit price times the number of items).
    pub fn checked_mul(self, quantity: u32) -> Result<Vnd, Overflow> {
        self.0
            .checked_mul(i64::from(quantity))
            .map(Vnd)
            .ok_or(Overflow)
    }

    /// The sum of `amounts`, or [`Overflow`] if any partial sum leaves the range.
    pub fn checked_sum<I: IntoIterator<Item = Vnd>>(amounts: I) -> Result<Vnd, Overflow> {
        amounts
            .into_iter()
            .try_fold(Vnd::ZERO, |acc, a| acc.checked_add(a))
    }

    /// `self` or zero, whichever is larger.
    pub fn max_zero(self) -> Vnd {
        Vnd(self.0.max(0))
    }

    /// `rate` of this amount, rounded to the đồng **half away from zero** (for the non-negative
    /// amounts orders deal in: half up, so 10% of 5 ₫ is 1 ₫, not 0 ₫).
    ///
    /// Why half up and not banker's rounding: it is what agents, calculators and spreadsheets'
    /// `ROUND` do, so the number on the screen matches the number the agent checks by hand. The
    /// product is computed in `i128` and the result is never larger than `self` in magnitude, so
    /// this cannot overflow.
    pub fn percent(self, rate: Percent) -> Vnd {
        let product = i128::from(self.0) * i128::from(rate.0);
        let denominator = i128::from(Percent::BASIS_POINTS_PER_WHOLE);
        let q = product / denominator;
        let r = product % denominator;
        let rounded = if 2 * r.abs() >= denominator {
            q + product.signum()
        } else {
            q
        };
        // |rounded| <= |self| because rate <= 100%.
        Vnd(rounded as i64)
    }

    /// Formats as the interface shows money: `1.250.000 ₫`, `-50.000 ₫`, `0 ₫`.
    ///
    /// Dots group thousands (the Vietnamese convention), and the symbol follows the number
    /// after a space. Same as `to_string()`.
    pub fn format(self) -> String {
        self.to_string()
    }

    /// Formats the number alone, without the symbol: `1.250.000`.
    pub fn format_number(self) -> String {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if self.0 < 0 {
            out.push('-');
        }
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push('.');
            }
            out.push(d);
        }
        out
    }

    /// Parses what an agent types into a price box. See [`parse_vnd`].
    pub fn parse(text: &str) -> Result<Vnd, ParseMoneyError> {
        parse_vnd(text)
    }
}

impl fmt::Display for Vnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ₫", self.format_number())
    }
}

/// A rate between 0% and 100%, in basis points (hundredths of a percent): 12.5% is 1250.
///
/// Integer basis points keep discounts exact: agents type at most two decimals ("12,5%"), and
/// no rate above 100% makes sense for a discount.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "u32", into = "u32")]
pub struct Percent(u32);

impl Percent {
    /// 100% in basis points.
    pub const BASIS_POINTS_PER_WHOLE: u32 = 10_000;
    pub const ZERO: Percent = Percent(0);
    pub const HUNDRED: Percent = Percent(Self::BASIS_POINTS_PER_WHOLE);

    /// The rate of `basis_points` / 100 percent, or an error above 100%.
    pub fn from_basis_points(basis_points: u32) -> Result<Percent, ParsePercentError> {
        if basis_points > Self::BASIS_POINTS_PER_WHOLE {
            Err(ParsePercentError::AboveHundred)
        } else {
            Ok(Percent(basis_points))
        }
    }

    /// A whole number of percent (0 to 100).
    pub fn whole(percent: u32) -> Result<Percent, ParsePercentError> {
        percent
            .checked_mul(100)
            .ok_or(ParsePercentError::AboveHundred)
            .and_then(Self::from_basis_points)
    }

    pub const fn basis_points(self) -> u32 {
        self.0
    }

    /// Parses "10%", "12,5 %", "12.5", "7.25%": at most two decimals, comma or dot.
    pub fn parse(text: &str) -> Result<Percent, ParsePercentError> {
        let t = text.trim();
        let t = t.strip_suffix('%').unwrap_or(t).trim_end();
        if t.is_empty() {
            return Err(ParsePercentError::Invalid);
        }
        let (int, frac) = match t.find(['.', ',']) {
            Some(i) => (&t[..i], &t[i + 1..]),
            None => (t, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !all_digits(int) || !all_digits(frac) {
            return Err(ParsePercentError::Invalid);
        }
        if frac.len() > 2 {
            return Err(ParsePercentError::TooPrecise);
        }
        if int.len() > 3 {
            return Err(ParsePercentError::AboveHundred);
        }
        let int: u32 = int.parse().map_err(|_| ParsePercentError::Invalid)?;
        let mut frac_bp: u32 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| ParsePercentError::Invalid)?
        };
        if frac.len() == 1 {
            frac_bp *= 10;
        }
        Self::from_basis_points(int * 100 + frac_bp)
    }
}

impl TryFrom<u32> for Percent {
    type Error = ParsePercentError;
    fn try_from(bp: u32) -> Result<Self, Self::Error> {
        Percent::from_basis_points(bp)
    }
}

impl From<Percent> for u32 {
    fn from(p: Percent) -> u32 {
        p.0
    }
}

impl fmt::Display for Percent {
    /// "10%", "12,5%", "7,25%": a decimal comma, as Vietnamese writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let int = self.0 / 100;
        let frac = self.0 % 100;
        match frac {
            0 => write!(f, "{int}%"),
            _ if frac % 10 == 0 => write!(f, "{int},{}%", frac / 10),
            _ => write!(f, "{int},{frac:02}%"),
        }
    }
}

/// Why a percentage was not understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParsePercentError {
    Invalid,
    TooPrecise,
    AboveHundred,
}

impl ParsePercentError {
    /// The text shown to the agent, saying what to do about it.
    pub fn message(&self, lang: Lang) -> &'static str {
        use ParsePercentError::*;
        match (self, lang) {
            (Invalid, Lang::Vi) => "Phần trăm không hợp lệ. Nhập dạng 10% hoặc 12,5%.",
            (Invalid, Lang::En) => "Not a valid percentage. Type it as 10% or 12.5%.",
            (TooPrecise, Lang::Vi) => {
                "Phần trăm chỉ nhận tối đa 2 chữ số thập phân (ví dụ 12,25%)."
            }
            (TooPrecise, Lang::En) => "A percentage takes at most 2 decimals (e.g. 12.25%).",
            (AboveHundred, Lang::Vi) => "Phần trăm không được lớn hơn 100%.",
            (AboveHundred, Lang::En) => "A percentage cannot be above 100%.",
        }
    }
}

impl fmt::Display for ParsePercentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message(Lang::En))
    }
}

impl std::error::Error for ParsePercentError {}

/// Why a typed amount was not understood. Every variant says what was wrong, so the form can
/// tell the agent what to type instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseMoneyError {
    /// Nothing but spaces.
    Empty,
    /// No digit where the amount should start.
    NoNumber,
    /// Digit groups that are neither thousands groups ("1.250.000") nor one decimal part with a
    /// unit ("1,5tr"): e.g. "1.25.000".
    BadGrouping { number: String },
    /// A decimal amount without a unit ("1,5"): the đồng has no subunit.
    FractionOfDong { number: String },
    /// A decimal amount with a unit that still does not come to whole đồng ("1,2345k").
    NotWholeDong,
    /// After "tr"/"tỷ", a remainder that is not smaller than the unit ("1tr1500k").
    RemainderTooLarge,
    /// Text that is not part of an amount ("350k ship", "abc").
    Unexpected { text: String },
    /// More than about 9.2 × 10^18 ₫.
    Overflow,
}

impl ParseMoneyError {
    /// The text shown to the agent, saying what to do about it.
    pub fn message(&self, lang: Lang) -> String {
        use ParseMoneyError::*;
        match (self, lang) {
            (Empty, Lang::Vi) => "Chưa nhập số tiền.".to_owned(),
            (Empty, Lang::En) => "No amount was typed.".to_owned(),
            (NoNumber, Lang::Vi) => {
                "Số tiền phải bắt đầu bằng chữ số, ví dụ 350k, 1tr2, 1.250.000.".to_owned()
            }
            (NoNumber, Lang::En) => {
                "An amount starts with a digit, e.g. 350k, 1tr2, 1.250.000.".to_owned()
            }
            (BadGrouping { number }, Lang::Vi) => format!(
                "Không hiểu \"{number}\": nhóm hàng nghìn phải đủ 3 chữ số (ví dụ 1.250.000)."
            ),
            (BadGrouping { number }, Lang::En) => format!(
                "Cannot read \"{number}\": thousands groups have 3 digits (e.g. 1.250.000)."
            ),
            (FractionOfDong { number }, Lang::Vi) => format!(
                "\"{number}\" có phần lẻ nhưng không có đơn vị. Ý bạn là {number}k hay {number}tr?"
            ),
            (FractionOfDong { number }, Lang::En) => format!(
                "\"{number}\" has a decimal part but no unit. Did you mean {number}k or {number}tr?"
            ),
            (NotWholeDong, Lang::Vi) => {
                "Số tiền phải tròn đồng. Bớt chữ số thập phân hoặc nhập đủ số.".to_owned()
            }
            (NotWholeDong, Lang::En) => {
                "The amount must be whole đồng. Use fewer decimals or type the full number."
                    .to_owned()
            }
            (RemainderTooLarge, Lang::Vi) => {
                "Phần lẻ phải nhỏ hơn đơn vị đứng trước (ví dụ 1tr250k, không phải 1tr1500k)."
                    .to_owned()
            }
            (RemainderTooLarge, Lang::En) => {
                "The remainder must be smaller than the unit before it (1tr250k, not 1tr1500k)."
                    .to_owned()
            }
            (Unexpected { text }, Lang::Vi) => format!(
                "Không hiểu \"{text}\" trong số tiền. Chỉ nhập số và đơn vị (k, tr, đ), ví dụ 350k."
            ),
            (Unexpected { text }, Lang::En) => format!(
                "Cannot read \"{text}\" in the amount. Type only a number and a unit (k, tr, đ), e.g. 350k."
            ),
            (Overflow, Lang::Vi) => "Số tiền quá lớn.".to_owned(),
            (Overflow, Lang::En) => "The amount is too large.".to_owned(),
        }
    }
}

impl fmt::Display for ParseMoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ParseMoneyError {}

/// A multiplier word. Ordered by size so "a smaller unit after a larger one" is a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Thousand,
    Million,
    Billion,
}

impl Unit {
    fn factor(self) -> i128 {
        match self {
            Unit::Thousand => 1_000,
            Unit::Million => 1_000_000,
            Unit::Billion => 1_000_000_000,
        }
    }

    /// Number of zeros in the factor: how many digits a "1tr2"-style remainder may have.
    fn zeros(self) -> u32 {
        match self {
            Unit::Thousand => 3,
            Unit::Million => 6,
            Unit::Billion => 9,
        }
    }

    /// The unit a folded word names. "củ" is slang for a million; "nghìn" (north) and "ngàn"
    /// (south) are both a thousand.
    fn from_word(word: &str) -> Option<Unit> {
        match word {
            "k" | "ng" | "nghin" | "ngan" => Some(Unit::Thousand),
            "tr" | "trieu" | "cu" => Some(Unit::Million),
            "ty" | "ti" => Some(Unit::Billion),
            _ => None,
        }
    }
}

/// Returns true if and only if a folded word names the currency ("đ", "đồng", "VNĐ", "VND").
fn is_currency_word(word: &str) -> bool {
    matches!(word, "d" | "dong" | "vnd")
}

/// A run of digits and the separators between them, as typed ("1.250.000", "1,5", "1 250 000").
struct NumberLit {
    parts: Vec<String>,
    seps: Vec<char>,
}

impl NumberLit {
    fn text(&self) -> String {
        let mut s = self.parts[0].clone();
        for (sep, part) in self.seps.iter().zip(&self.parts[1..]) {
            s.push(*sep);
            s.push_str(part);
        }
        s
    }

    /// Returns true if and only if the separators are thousands separators: all the same, a
    /// first group of 1 to 3 digits, and every later group of exactly 3.
    fn is_grouping(&self) -> bool {
        self.seps.windows(2).all(|w| w[0] == w[1])
            && (1..=3).contains(&self.parts[0].len())
            && self.parts[1..].iter().all(|p| p.len() == 3)
    }

    /// Returns true if and only if the number reads as one integer part and one decimal part
    /// ("1,5", "1.25"). A space is never a decimal point.
    fn is_decimal(&self) -> bool {
        self.parts.len() == 2 && self.seps[0] != ' '
    }

    fn digits_value(digits: &str) -> Result<i128, ParseMoneyError> {
        digits.bytes().try_fold(0i128, |acc, b| {
            acc.checked_mul(10)
                .and_then(|v| v.checked_add(i128::from(b - b'0')))
                .ok_or(ParseMoneyError::Overflow)
        })
    }

    fn integer(&self) -> Result<i128, ParseMoneyError> {
        Self::digits_value(&self.parts.concat())
    }

    /// The value in đồng when no unit follows.
    fn plain(&self) -> Result<i128, ParseMoneyError> {
        if self.parts.len() == 1 || self.is_grouping() {
            self.integer()
        } else if self.is_decimal() {
            Err(ParseMoneyError::FractionOfDong {
                number: self.text(),
            })
        } else {
            Err(ParseMoneyError::BadGrouping {
                number: self.text(),
            })
        }
    }

    /// The value in đồng when `unit` follows. Grouping wins over decimals, so "2.500k" is
    /// 2 500 000 ₫ (agents write thousands of k), while "2,5k" and "1.25tr" are decimals.
    fn scaled(&self, unit: Unit) -> Result<i128, ParseMoneyError> {
        let factor = unit.factor();
        if self.parts.len() == 1 || self.is_grouping() {
            self.integer()?
                .checked_mul(factor)
                .ok_or(ParseMoneyError::Overflow)
        } else if self.is_decimal() {
            let int = Self::digits_value(&self.parts[0])?
                .checked_mul(factor)
                .ok_or(ParseMoneyError::Overflow)?;
            Ok(int + fraction_of(&self.parts[1], unit)?)
        } else {
            Err(ParseMoneyError::BadGrouping {
                number: self.text(),
            })
        }
    }
}

/// The value of decimal digits `frac` of one `unit`: "2" of a million is 200 000.
fn fraction_of(frac: &str, unit: Unit) -> Result<i128, ParseMoneyError> {
    let trimmed = frac.trim_end_matches('0');
    if trimmed.len() as u32 > unit.zeros() {
        return Err(ParseMoneyError::NotWholeDong);
    }
    let value = NumberLit::digits_value(trimmed)?;
    Ok(value * 10i128.pow(unit.zeros() - trimmed.len() as u32))
}

struct Cursor {
    /// The input folded char by char (see [`fold_for_money`]): what the parser reads.
    chars: Vec<char>,
    /// The input as given (NFC), same length: what error messages quote.
    original: Vec<char>,
    pos: usize,
}

impl Cursor {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    /// The original text from the cursor on, for an error message.
    fn rest(&self) -> String {
        self.original[self.pos..].iter().collect()
    }

    /// Reads a run of letters (already folded to lowercase ASCII), or "₫".
    fn word(&mut self) -> Option<String> {
        if self.peek() == Some('₫') {
            self.pos += 1;
            return Some("d".to_owned());
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        (self.pos > start).then(|| self.chars[start..self.pos].iter().collect())
    }

    /// Consumes a currency word if one is next.
    fn currency(&mut self) {
        let save = self.pos;
        match self.word() {
            Some(w) if is_currency_word(&w) => {}
            _ => self.pos = save,
        }
    }

    /// Consumes a unit word if one is next. A unit glued to a currency word ("350kđ",
    /// "2trđ") consumes only the unit, leaving the currency for [`Cursor::currency`].
    fn unit(&mut self) -> Option<Unit> {
        let save = self.pos;
        let word = self.word();
        self.pos = save;
        let word = word?;
        if let Some(unit) = Unit::from_word(&word) {
            self.pos += word.chars().count();
            return Some(unit);
        }
        let split = (1..word.len())
            .find(|&i| Unit::from_word(&word[..i]).is_some() && is_currency_word(&word[i..]))?;
        self.pos += split;
        Unit::from_word(&word[..split])
    }

    fn digits(&mut self) -> Option<String> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        (self.pos > start).then(|| self.chars[start..self.pos].iter().collect())
    }

    /// Reads digits with separators ('.', ',', a space) between them. A separator belongs to the
    /// number only when a digit follows it, so "350.000 đ" stops before the space.
    fn number(&mut self) -> Option<NumberLit> {
        let first = self.digits()?;
        let mut lit = NumberLit {
            parts: vec![first],
            seps: Vec::new(),
        };
        while let Some(c) = self.peek() {
            let sep = match c {
                '.' | ',' => c,
                c if is_space(c) => ' ',
                _ => break,
            };
            if !self
                .chars
                .get(self.pos + 1)
                .is_some_and(|c| c.is_ascii_digit())
            {
                break;
            }
            self.pos += 1;
            lit.seps.push(sep);
            lit.parts.push(self.digits().expect("a digit follows"));
        }
        Some(lit)
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{202f}')
}

/// Folds letters to lowercase ASCII ("Đ" → 'd', "ệ" → 'e') with the crate's shared folding
/// (`phone::fold`), so unit words match with or without diacritics; other chars are kept, so
/// the folded text has one char per input char.
fn fold_for_money(c: char) -> char {
    if c.is_alphabetic() {
        nobi_text::fold::fold_char(c).unwrap_or(c)
    } else {
        c
    }
}

/// Parses an amount as agents type it.
///
/// Accepted, with or without diacritics and in any case, spaces optional:
/// - plain đồng with thousands groups of dots, commas or spaces: "1.250.000", "1,250,000",
///   "1 250 000", "350000";
/// - a currency word before or after: "đ", "₫", "đồng", "VNĐ", "VND": "1,250,000đ",
///   "350.000 VNĐ", "₫350.000";
/// - a unit: "k"/"nghìn"/"ngàn" (× 1 000), "tr"/"triệu"/"củ" (× 1 000 000), "tỷ" (× 10^9):
///   "350k", "2 triệu", "1,5tr", "2.500k";
/// - after "tr" or "tỷ", a remainder: either digits read as the leading decimals of the unit,
///   as agents say it ("1tr2" = 1 200 000, "1tr25" = 1 250 000, "1 triệu 2"), or an amount in a
///   smaller unit ("1tr250k", "1 triệu 250 nghìn");
/// - a leading minus sign ("-50.000 ₫"), so that every [`Vnd::format`] output parses back.
///
/// Rules that avoid guessing:
/// - a number without a unit is đồng: "350" is 350 ₫, not 350 000 ₫ (the form shows the
///   formatted amount, so the agent sees it);
/// - separators that form thousands groups are thousands separators, even before a unit
///   ("1.250k" is 1 250 000 ₫); a single separator followed by other than 3 digits is a
///   decimal point and needs a unit ("1,5tr"), since the đồng has no fraction;
/// - anything else in the text is an error, not ignored ("350k ship" is refused).
pub fn parse_vnd(text: &str) -> Result<Vnd, ParseMoneyError> {
    // NFC first, so a decomposed "ệ" (macOS input) is one letter for the word reader.
    let original: Vec<char> = nobi_text::nfc(text).chars().collect();
    let mut c = Cursor {
        chars: original.iter().copied().map(fold_for_money).collect(),
        original,
        pos: 0,
    };
    c.skip_ws();
    if c.peek().is_none() {
        return Err(ParseMoneyError::Empty);
    }
    let negative = match c.peek() {
        Some('-' | '\u{2212}') => {
            c.pos += 1;
            true
        }
        Some('+') => {
            c.pos += 1;
            false
        }
        _ => false,
    };
    c.skip_ws();
    c.currency();
    c.skip_ws();
    let Some(number) = c.number() else {
        return Err(ParseMoneyError::NoNumber);
    };
    c.skip_ws();
    let mut value = match c.unit() {
        None => number.plain()?,
        Some(unit) => {
            let mut value = number.scaled(unit)?;
            if unit > Unit::Thousand {
                value = value
                    .checked_add(remainder(&mut c, unit)?)
                    .ok_or(ParseMoneyError::Overflow)?;
            }
            value
        }
    };
    c.skip_ws();
    c.currency();
    c.skip_ws();
    if c.peek().is_some() {
        return Err(ParseMoneyError::Unexpected {
            text: c.rest().trim().to_owned(),
        });
    }
    if negative {
        value = -value;
    }
    i64::try_from(value)
        .map(Vnd)
        .map_err(|_| ParseMoneyError::Overflow)
}

/// Reads what may follow "tr" or "tỷ": nothing, "2" (decimals of the unit) or "250k" (an amount
/// in a smaller unit, which must be smaller than one `unit`).
fn remainder(c: &mut Cursor, unit: Unit) -> Result<i128, ParseMoneyError> {
    let save = c.pos;
    c.skip_ws();
    let Some(digits) = c.digits() else {
        c.pos = save;
        return Ok(0);
    };
    let after_digits = c.pos;
    c.skip_ws();
    match c.unit() {
        Some(smaller) if smaller < unit => {
            let value = NumberLit::digits_value(&digits)?
                .checked_mul(smaller.factor())
                .ok_or(ParseMoneyError::Overflow)?;
            if value >= unit.factor() {
                return Err(ParseMoneyError::RemainderTooLarge);
            }
            Ok(value)
        }
        Some(_) => Err(ParseMoneyError::Unexpected {
            text: c.original[after_digits..]
                .iter()
                .collect::<String>()
                .trim()
                .to_owned(),
        }),
        None => {
            c.pos = after_digits;
            fraction_of(&digits, unit).map_err(|e| match e {
                ParseMoneyError::NotWholeDong => ParseMoneyError::RemainderTooLarge,
                e => e,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> i64 {
        parse_vnd(s).unwrap_or_else(|e| panic!("{s:?}: {e}")).dong()
    }

    #[test]
    fn formats_with_dot_groups_and_symbol() {
        assert_eq!(Vnd(1_250_000).to_string(), "1.250.000 ₫");
        assert_eq!(Vnd(0).format(), "0 ₫");
        assert_eq!(Vnd(999).format(), "999 ₫");
        assert_eq!(Vnd(1_000).format(), "1.000 ₫");
        assert_eq!(Vnd(-50_000).format(), "-50.000 ₫");
        assert_eq!(Vnd(i64::MIN).format(), "-9.223.372.036.854.775.808 ₫");
        assert_eq!(Vnd(123_456_789).format_number(), "123.456.789");
    }

    #[test]
    fn parses_what_agents_type() {
        assert_eq!(p("350k"), 350_000);
        assert_eq!(p("350K"), 350_000);
        assert_eq!(p("350 k"), 350_000);
        assert_eq!(p("1tr2"), 1_200_000);
        assert_eq!(p("1tr25"), 1_250_000);
        assert_eq!(p("1tr250"), 1_250_000);
        assert_eq!(p("1tr05"), 1_050_000);
        assert_eq!(p("1tr"), 1_000_000);
        assert_eq!(p("1TR2"), 1_200_000);
        assert_eq!(p("1tr250k"), 1_250_000);
        assert_eq!(p("1 triệu 250 nghìn đồng"), 1_250_000);
        assert_eq!(p("1 triệu 2"), 1_200_000);
        assert_eq!(p("1.250.000"), 1_250_000);
        assert_eq!(p("1,250,000đ"), 1_250_000);
        assert_eq!(p("1,250,000 Đ"), 1_250_000);
        assert_eq!(p("350.000 VNĐ"), 350_000);
        assert_eq!(p("350.000 vnd"), 350_000);
        assert_eq!(p("350.000₫"), 350_000);
        assert_eq!(p("350kđ"), 350_000);
        assert_eq!(p("2trđ"), 2_000_000);
        assert_eq!(p("₫350.000"), 350_000);
        assert_eq!(p("VND 350.000"), 350_000);
        assert_eq!(p("2 triệu"), 2_000_000);
        assert_eq!(p("2 trieu"), 2_000_000);
        assert_eq!(p("2 củ"), 2_000_000);
        assert_eq!(p("500 ngàn"), 500_000);
        assert_eq!(p("1,5tr"), 1_500_000);
        assert_eq!(p("1.25tr"), 1_250_000);
        assert_eq!(p("2,5k"), 2_500);
        assert_eq!(p("2.500k"), 2_500_000);
        assert_eq!(p("1 250 000"), 1_250_000);
        assert_eq!(p("350000"), 350_000);
        assert_eq!(p("  350k  "), 350_000);
        assert_eq!(p("1tỷ2"), 1_200_000_000);
        assert_eq!(p("1 tỷ 500tr"), 1_500_000_000);
        assert_eq!(p("0"), 0);
        assert_eq!(p("-50.000 ₫"), -50_000);
        assert_eq!(p("−50k"), -50_000);
        // Decomposed input (a Mac keyboard) folds like composed input.
        assert_eq!(p("2 trie\u{0323}\u{0302}u"), 2_000_000);
    }

    #[test]
    fn a_number_without_a_unit_is_dong() {
        assert_eq!(p("350"), 350);
        assert_eq!(p("1.500"), 1_500);
    }

    #[test]
    fn refuses_with_a_reason() {
        use ParseMoneyError::*;
        assert_eq!(parse_vnd(""), Err(Empty));
        assert_eq!(parse_vnd("   "), Err(Empty));
        assert_eq!(parse_vnd("k"), Err(NoNumber));
        assert_eq!(parse_vnd("abc"), Err(NoNumber));
        assert_eq!(
            parse_vnd("1,5"),
            Err(FractionOfDong {
                number: "1,5".into()
            })
        );
        assert_eq!(
            parse_vnd("1.25.000"),
            Err(BadGrouping {
                number: "1.25.000".into()
            })
        );
        assert_eq!(parse_vnd("1,2345k"), Err(NotWholeDong));
        assert_eq!(parse_vnd("1tr1500k"), Err(RemainderTooLarge));
        assert_eq!(parse_vnd("1tr1234567"), Err(RemainderTooLarge));
        assert_eq!(
            parse_vnd("350k ship"),
            Err(Unexpected {
                text: "ship".into()
            })
        );
        assert_eq!(
            parse_vnd("350k Đẹp"),
            Err(Unexpected {
                text: "Đẹp".into()
            })
        );
        assert_eq!(parse_vnd("99999999999tỷ"), Err(Overflow));
        assert_eq!(parse_vnd("9.223.372.036.854.775.808"), Err(Overflow));
        assert_eq!(p("-9.223.372.036.854.775.808"), i64::MIN);
        for e in [
            Empty,
            NotWholeDong,
            Overflow,
            Unexpected { text: "x".into() },
        ] {
            assert_ne!(e.message(Lang::Vi), e.message(Lang::En));
        }
    }

    #[test]
    fn checked_arithmetic_errs_instead_of_wrapping() {
        assert_eq!(Vnd(i64::MAX).checked_add(Vnd(1)), Err(Overflow));
        assert_eq!(Vnd(i64::MIN).checked_sub(Vnd(1)), Err(Overflow));
        assert_eq!(Vnd(i64::MAX / 2).checked_mul(3), Err(Overflow));
        assert_eq!(Vnd(250_000).checked_mul(3), Ok(Vnd(750_000)));
        assert_eq!(Vnd::checked_sum([Vnd(1), Vnd(2), Vnd(3)]), Ok(Vnd(6)));
        assert_eq!(Vnd::checked_sum([Vnd(i64::MAX), Vnd(1)]), Err(Overflow));
    }

    #[test]
    fn percent_rounds_half_up_to_the_dong() {
        let ten = Percent::whole(10).unwrap();
        assert_eq!(Vnd(5).percent(ten), Vnd(1)); // 0.5 → 1
        assert_eq!(Vnd(4).percent(ten), Vnd(0)); // 0.4 → 0
        assert_eq!(Vnd(15).percent(ten), Vnd(2)); // 1.5 → 2 (not banker's 2... nor 1)
        assert_eq!(Vnd(25).percent(ten), Vnd(3)); // 2.5 → 3 (banker's would give 2)
        assert_eq!(Vnd(-25).percent(ten), Vnd(-3)); // symmetric: half away from zero
        assert_eq!(
            Vnd(333_333).percent(Percent::parse("12,5%").unwrap()),
            Vnd(41_667)
        );
        assert_eq!(Vnd(i64::MAX).percent(Percent::HUNDRED), Vnd(i64::MAX));
        assert_eq!(Vnd(i64::MIN).percent(Percent::HUNDRED), Vnd(i64::MIN));
        assert_eq!(Vnd(123).percent(Percent::ZERO), Vnd(0));
    }

    #[test]
    fn percent_parses_and_formats() {
        assert_eq!(Percent::parse("10%").unwrap().basis_points(), 1_000);
        assert_eq!(Percent::parse("12,5 %").unwrap().basis_points(), 1_250);
        assert_eq!(Percent::parse("7.25").unwrap().basis_points(), 725);
        assert_eq!(Percent::parse("100%").unwrap(), Percent::HUNDRED);
        assert_eq!(
            Percent::parse("100.5%"),
            Err(ParsePercentError::AboveHundred)
        );
        assert_eq!(Percent::parse("1.234%"), Err(ParsePercentError::TooPrecise));
        assert_eq!(Percent::parse("%"), Err(ParsePercentError::Invalid));
        assert_eq!(Percent::parse("-5%"), Err(ParsePercentError::Invalid));
        assert_eq!(
            Percent::parse("99999999999%"),
            Err(ParsePercentError::AboveHundred)
        );
        assert_eq!(
            Percent::from_basis_points(10_001),
            Err(ParsePercentError::AboveHundred)
        );
        assert_eq!(Percent::whole(10).unwrap().to_string(), "10%");
        assert_eq!(Percent::parse("12.5").unwrap().to_string(), "12,5%");
        assert_eq!(Percent::parse("7.25").unwrap().to_string(), "7,25%");
        assert_eq!(Percent::parse("7.05").unwrap().to_string(), "7,05%");
    }

    #[test]
    fn serde_is_a_bare_integer_and_percent_is_checked() {
        assert_eq!(serde_json::to_string(&Vnd(350_000)).unwrap(), "350000");
        assert_eq!(serde_json::from_str::<Vnd>("-5").unwrap(), Vnd(-5));
        assert_eq!(
            serde_json::to_string(&Percent::whole(10).unwrap()).unwrap(),
            "1000"
        );
        assert!(serde_json::from_str::<Percent>("10001").is_err());
    }
}

//! Vietnamese phone numbers (and e-mail addresses, and the wish to order) found in chat text.
//!
//! The panel shows the phone a buyer sent, marks the conversations that contain one, and can
//! create an order when a phone or an order keyword arrives ([`detect_order_intent`]).
//!
//! # Design
//!
//! **Why not `phonenumber`.** The Rust port of libphonenumber weighs about 2 MB in wasm (all
//! countries' metadata and a regex engine) and has no find-in-text. Only Vietnamese numbers
//! matter here, so the numbering plan is reproduced by hand from libphonenumber's `VN` metadata
//! ([`plan`](self) module, with the reference pattern quoted next to each rule), and the text is
//! read by a hand-written scanner over chars: no regex engine, no tables beyond a few keyword
//! lists. It adds a few KB to a wasm module and runs in about a microsecond per message.
//!
//! **How text is read.** Digits (ASCII or full-width, with zero-width chars between them ignored)
//! (and keycap marks, "0️⃣9️⃣…") form *groups*. Groups joined by one `.` or `-` form a *chain*, which is only ever taken whole:
//! that is why "1.250.000" or "0912.345.678.90" never yield a phone from part of their digits.
//! Chains joined by spaces or parentheses form a *segment*, in which a phone is a run of whole
//! chains ("091 234 5678 0987 654 321" is two phones). Each run is read as `0…`, `84…`,
//! `+84…`, `+84 (0)…` or `0084…`, and must be a current mobile (9 national digits), a landline
//! (10, area code `2…`) or an old 11-digit mobile (`01xy…`, converted with the official 2018
//! table). Length and prefix together decide: nothing is guessed. "84" without "+" carries a
//! current mobile, or an old 11-digit one when a phone word announces it or the "84" is written
//! apart ("84 1686 123 456"; "841686123456" alone reads as well as a 12-digit code).
//! A dash between spaces and a bare comma join pieces too ("0912 - 345 - 678", "0912,345,678"),
//! but only when the whole run of short pieces is one phone: " - " also separates fields ("Lan -
//! 0912 345 678 - 102 Lê Duẩn") and commas lists ("mẫu 0215,0216,0217") or decimals ("24,5").
//! One `/` or one `_` between groups joins them only when the whole run is one phone of at least
//! three plain groups, the first of 3 or 4 digits starting with 0 ("0962/123/456",
//! "0345_678_901"): "/" also writes dates ("12/03/2024"), sizes ("40/42") and addresses ("12/3
//! Lê Lợi"), whose first group has at most 2 digits or does not start with 0.
//!
//! **Prefixes the tables do not list yet.** Carriers open new sub-prefixes inside their 3-digit
//! blocks (052x, 055x, 089x, 0992) before libphonenumber lists them. Right after a phone word
//! ("sđt 0521 234 567", "zalo: +84 891 234 567"), with no other number in between, a 10-digit
//! number in a block of which the tables list other sub-prefixes is taken with
//! [`FoundPhone::unverified_prefix`] set, for the agent to check. Without a phone word the tables
//! decide alone, and a block with no listed sub-prefix (`050`, `071`, the government's `080`) is
//! never read.
//!
//! **Decisions.**
//! - A stray short number after a phone written in pieces ("0912 345 678 9") makes the whole
//!   unreadable (which ten of the eleven digits?), so nothing is taken, unless that number is
//!   visibly something else: glued to a unit or a sign ("9h tối", "15/11") or before a counting
//!   word ("2 cái"). A phone written in one piece ("0912345678 9") is complete and is taken.
//! - Old landlines (before the 2017 area-code change) are not taken. Old Hà Nội numbers
//!   ("04 3825 1234") fail the plan anyway; old Hồ Chí Minh City numbers in their usual shape
//!   ("08 3823 4567", "(08) 3823 4567") would read as an 083 mobile, which they are not, and the
//!   old form no longer connects. Converting them (08 → 028) would be a guess about a format that
//!   buyers no longer send; old provincial codes (7-digit subscribers) cannot be told from
//!   mobiles by their shape and are not handled.
//! - The letter O for a leading zero ("O912345678") is read only as a whole word of O and nine
//!   digits right after a phone word ("sđt O912345678"); other letters for digits ("09l2…") are
//!   not read at all.
//!
//! **What rules numbers out.** The validity check already rejects prices, dates, sizes and most
//! codes. What remains are well-formed numbers that are something else, and those are decided by
//! what touches them and by the words of their clause:
//! - letters glued before ("DH0912345678") make a code, unless they are a phone word ("sdt0912…");
//!   a unit glued after ("…đ", "…k") makes an amount; `@` or `_` make a handle or an e-mail;
//! - a phone written in pieces must not continue a plain number of 4 or more digits ("1903 0912
//!   345 678", an account) nor be followed by one of 3 or more that does not start a phone;
//! - a mobile without its trunk 0 ("912345678") is only taken right after a phone word ("sđt");
//! - a number inside a link ("https://…", "www.…", "shopee.vn/product/123/0912345678") is an id;
//! - the nearest keyword before it in its clause decides between phone words ("sđt", "zalo",
//!   "gọi") and account, ID or code words ("stk", "Vietcombank", "CCCD", "mã đơn", "MST",
//!   "voucher"); a bank name just after it ("0912345678 MB bank") counts too, unless it introduces
//!   the next number ("0988776655 - stk 0123456789").
//!
//! When in doubt the extractor leaves a number out: a wrong phone on a customer card costs more
//! than a missed one, which the agent can still add by hand.
//!
//! **Offsets** are in chars (Unicode scalar values) of the text as given, not bytes: the JSON
//! output of `nobi phone` and the panel both count chars. Text is expected NFC (see
//! [`nobi_text::nfc`]) but any text is accepted.
//!
//! # Crate contract
//!
//! [`extract_phones`] returns every Vietnamese phone number of the text, in order, spans not
//! overlapping, and leaves a number out when in doubt (see above); every one it returns is in the
//! numbering-plan tables, except those flagged [`FoundPhone::unverified_prefix`] (a phone word
//! right before, a sub-prefix of a block in use), which the panel marks for checking.
//! [`parse_phone`] returns `Some` if and only if the whole trimmed input is exactly one such
//! number. A phone field is itself the phone word: what [`extract_phones`] takes after "sđt" is
//! taken there too (a new sub-prefix, flagged, so that an agent can save a buyer's real new
//! number; a mobile written without its 0, "912345678"; an old "84 1xx…" without "+").
//!
//! It deliberately does not know templates, customers or orders, and carries no libphonenumber
//! metadata (see above).
//!
//! # Dependencies
//!
//! `nobi-text` (NFC and the Vietnamese folding used for keywords) and `serde`.

mod contact;
mod context;
// The one Vietnamese folding, shared with template search, the CRM and the catalog: in nobi-text.
pub(crate) use nobi_text::fold;
mod intent;
mod plan;
mod scan;

use serde::{Deserialize, Serialize};

pub use contact::{extract_emails, FoundEmail};
pub use intent::{detect_order_intent, has_order_keyword, OrderIntent, DEFAULT_ORDER_KEYWORDS};

/// Mobile or fixed line, by the numbering plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Mobile,
    Landline,
}

/// The network a mobile prefix was allocated to. Since number portability (2019) a subscriber
/// may have moved, so this is a hint for the agent, not a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Carrier {
    Viettel,
    Vinaphone,
    MobiFone,
    Vietnamobile,
    Gmobile,
    #[serde(rename = "iTel")]
    Itel,
    /// Formerly Reddi (Mobicast), prefix 0559.
    Wintel,
}

impl Carrier {
    /// The name as Vietnamese buyers and carriers write it.
    pub fn name(self) -> &'static str {
        match self {
            Carrier::Viettel => "Viettel",
            Carrier::Vinaphone => "Vinaphone",
            Carrier::MobiFone => "MobiFone",
            Carrier::Vietnamobile => "Vietnamobile",
            Carrier::Gmobile => "Gmobile",
            Carrier::Itel => "iTel",
            Carrier::Wintel => "Wintel",
        }
    }
}

/// A phone number found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundPhone {
    /// The current national form: `0` and 9 digits for a mobile, `0` and 10 for a landline.
    pub number: String,
    /// The text as written, from `start` to `end` (with its "+", "(" and separators).
    pub raw: String,
    /// Char offset of the first char of `raw` in the text.
    pub start: usize,
    /// Char offset just after the last char of `raw`.
    pub end: usize,
    pub kind: PhoneKind,
    /// The network the prefix belongs to, for mobiles (`None` for landlines and for the few
    /// mobile prefixes without an operator).
    pub carrier: Option<Carrier>,
    /// The old 11-digit form (`01xy…`, national) when the buyer wrote one and it was converted.
    pub converted_from: Option<String>,
    /// The prefix is not in the numbering-plan tables (carriers open new sub-prefixes, 052x,
    /// 055x, 089x…, before the tables list them): the number was taken because a phone word
    /// announced it right before ("sđt 0521 234 567"), and the agent should check it. Such a
    /// number is a mobile without carrier. `false` for every number the tables list.
    #[serde(default)]
    pub unverified_prefix: bool,
}

/// Every Vietnamese phone number in `text`, in order of position, spans not overlapping.
///
/// See the module documentation for what is and is not taken.
pub fn extract_phones(text: &str) -> Vec<FoundPhone> {
    scan::extract(text)
}

/// A ten-digit number grouped the way Vietnamese read it aloud, "0912 345 678"; any other
/// text (a landline with its area code, a number from abroad) is shown as stored.
pub fn display(number: &str) -> String {
    if number.len() == 10 && number.bytes().all(|b| b.is_ascii_digit()) {
        format!("{} {} {}", &number[..4], &number[4..7], &number[7..])
    } else {
        number.to_owned()
    }
}

/// The phone number that `input` is, when the whole of it (trimmed) is one: for form fields,
/// where "0912 345 678" or "+84912345678" must be stored as "0912345678".
pub fn parse_phone(input: &str) -> Option<FoundPhone> {
    let trimmed = input.trim();
    let whole = |text: &str, skip: usize| {
        let mut found = extract_phones(text);
        (found.len() == 1 && found[0].start == skip && found[0].end == text.chars().count())
            .then(|| found.pop())
            .flatten()
    };
    // The field announces a phone as "sđt" does in a message: a new sub-prefix is taken, flagged.
    const ANNOUNCED: &str = "sđt ";
    whole(trimmed, 0).or_else(|| {
        let mut found = whole(&format!("{ANNOUNCED}{trimmed}"), ANNOUNCED.chars().count())?;
        found.start = 0;
        found.end = trimmed.chars().count();
        Some(found)
    })
}

#[cfg(test)]
mod tests;

//! The words around a number that say what it is.
//!
//! A well-formed Vietnamese mobile number can still be a bank account (many banks let customers
//! pick their phone number as account number), a tax code (`0312345678` is both) or an order code.
//! Buyers say which it is in the same clause: "stk", "số tài khoản", a bank name, "mã đơn",
//! "CCCD"... versus "sđt", "zalo", "gọi". The nearest such word before the number decides; failing
//! that, a bank name right after it ("0912345678 MB bank") does.

use super::fold::fold_words_into;

/// How far back (chars) a keyword may be from the number it qualifies.
const LOOKBACK: usize = 64;
/// How far ahead a bank name may follow a number.
const LOOKAHEAD: usize = 32;

/// Words that announce a phone number. Folded (no diacritics, lowercase).
const PHONE_WORDS: &[&str] = &[
    "sdt",
    "dt",
    "so dt",
    "dien thoai",
    "dthoai",
    "dienthoai",
    "so dien thoai",
    "phone",
    "tel",
    "mobile",
    "zalo",
    "zl",
    "hotline",
    "lh",
    "lien he",
    "lien lac",
    "goi",
    "call",
    "sim",
    "nghe may",
    "sms",
    "nhan tin",
    "di dong",
    "dd",
    "so em",
    "so chi",
    "so anh",
    // "em", "chị", "anh" as chat writes them: "số e", "số c", "số a".
    "so e",
    "so c",
    "so a",
    "so minh",
    "so cua",
    "so moi",
    "so nay",
    "so khac",
    "so cu",
    "nguoi nhan",
    "viber",
    "whatsapp",
    "telegram",
    "alo",
    "nha mang",
    "viettel",
    "vina",
    "vinaphone",
    "mobi",
    "mobifone",
    "vietnamobile",
    "momo",
];

/// Bank names and the words for an account: a number after them is an account number.
const BANK_WORDS: &[&str] = &[
    "stk",
    "so tk",
    "tk",
    "tai khoan",
    "so tai khoan",
    "chuyen khoan",
    "ngan hang",
    "bank",
    "vietcombank",
    "vcb",
    "techcombank",
    "techcom",
    "tcb",
    "mbbank",
    "mb",
    "acb",
    "bidv",
    "vietinbank",
    "vietin",
    "vtb",
    "agribank",
    "agri",
    "tpbank",
    "tpb",
    "vpbank",
    "vpb",
    "sacombank",
    "sacom",
    "stb",
    "scb",
    "shb",
    "hdbank",
    "hdb",
    "ocb",
    "msb",
    "vib",
    "seabank",
    "eximbank",
    "eib",
    "lpbank",
    "lienviet",
    "lienvietpostbank",
    "namabank",
    "abbank",
    "bacabank",
    "pvcombank",
    "kienlongbank",
    "ncb",
    "vietbank",
    "vietabank",
    "oceanbank",
    "gpbank",
    "bvbank",
    "pgbank",
    "dongabank",
    "cbbank",
    "shinhan",
    "woori",
    "hsbc",
    "uob",
    "cake",
    "timo",
    "tnex",
];

/// Identity documents, tax codes, order and tracking codes, card serials.
const CODE_WORDS: &[&str] = &[
    "id",
    "bhxh",
    "bhyt",
    "bao hiem",
    "hop dong",
    "so so",
    "cmnd",
    "cccd",
    "cmt",
    "can cuoc",
    "ho chieu",
    "passport",
    "mst",
    "ma so thue",
    "gpkd",
    "dkkd",
    "giay phep",
    "msdn",
    "ma so doanh nghiep",
    "ma don",
    "ma dh",
    "ma don hang",
    "ma van don",
    "ma vd",
    "mvd",
    "van don",
    "tracking",
    "order",
    "ma gd",
    "ma giao dich",
    "ma kh",
    "ma khach hang",
    "ma sp",
    "ma san pham",
    "so hd",
    "hoa don",
    "serial",
    "seri",
    "imei",
    "ma the",
    "the cao",
    "ma bill",
    "bill",
    "voucher",
    "coupon",
    "code",
    "giftcode",
    "ma giam gia",
    "ma km",
    "ma khuyen mai",
    "ma uu dai",
    "ma du thuong",
    "otp",
    "ma otp",
    "ma xac nhan",
    "ma xac thuc",
    "mat khau",
    "pass",
    "password",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Phone,
    Block,
}

/// Returns true if and only if the words around `chars[start..end]` say that the number there is
/// not a phone (an account, an ID, a code), and no phone word is nearer to it.
pub(crate) fn says_not_a_phone(chars: &[char], start: usize, end: usize) -> bool {
    match keyword_before(chars, start).map(|k| k.class) {
        Some(Class::Phone) => return false,
        Some(Class::Block) => return true,
        None => {}
    }
    // After: only bank names and account words, which buyers put after the number
    // ("0912345678 MB bank"). "chuyển khoản trước nha" after a phone is an instruction, not a
    // label, so it does not count here. Only the words up to the next number are read, and a
    // word that introduces that next number labels it, not this one ("0988776655 - stk
    // 0123456789").
    let mut buf = String::new();
    fold_words_into(&chars[end..clause_end(chars, end)], &mut buf);
    let starts = word_starts(&buf);
    let bytes = buf.as_bytes();
    let next_number = starts
        .iter()
        .position(|&s| bytes[s].is_ascii_digit())
        .unwrap_or(starts.len());
    match first_keyword_at(&buf, &starts[..next_number], |kw| kw != "chuyen khoan") {
        Some((Class::Block, kw_end)) => {
            // The keyword is followed directly by the next number, one of at least 4 digits (an
            // account, or the first group of one): it is that number's label.
            !starts.get(next_number).is_some_and(|&s| {
                bytes[kw_end..s].iter().all(|&b| b == b' ')
                    && bytes[s..].iter().take_while(|b| b.is_ascii_digit()).count() >= 4
            })
        }
        _ => false,
    }
}

/// Returns true if and only if the nearest keyword before char `start`, in its clause, is a
/// phone word ("sđt 912345678": a phone without its trunk 0).
pub(crate) fn announced_as_phone(chars: &[char], start: usize) -> bool {
    keyword_before(chars, start).is_some_and(|k| k.class == Class::Phone)
}

/// Returns true if and only if the nearest keyword before char `start`, in its clause, is a
/// phone word and no other number stands between them: the word labels this number ("sđt chị
/// 0521 234 567"), not one after another number ("sđt 0912345678, mẫu 0521234567", where it
/// labelled the first).
pub(crate) fn announced_right_before(chars: &[char], start: usize) -> bool {
    keyword_before(chars, start).is_some_and(|k| k.class == Class::Phone && !k.number_after_it)
}

/// The nearest keyword before a number.
struct KeywordBefore {
    class: Class,
    /// Digits stand between the keyword and the number.
    number_after_it: bool,
}

/// The nearest keyword before char `at`, in its clause.
fn keyword_before(chars: &[char], at: usize) -> Option<KeywordBefore> {
    let mut buf = String::new();
    fold_words_into(&chars[clause_start(chars, at)..at], &mut buf);
    let mut starts = word_starts(&buf);
    starts.reverse();
    first_keyword_at(&buf, &starts, |_| true).map(|(class, end)| KeywordBefore {
        class,
        number_after_it: buf[end..].chars().any(char::is_numeric),
    })
}

/// The byte offsets of the words of a folded string.
fn word_starts(folded: &str) -> Vec<usize> {
    let mut starts = Vec::with_capacity(16);
    let mut at_start = true;
    for (i, b) in folded.bytes().enumerate() {
        if b == b' ' {
            at_start = true;
        } else if at_start {
            starts.push(i);
            at_start = false;
        }
    }
    starts
}

/// The class of the first keyword accepted by `wanted` that starts at one of `starts` (tried in
/// the given order) and occurs there as whole words, with the byte offset where it ends.
fn first_keyword_at(
    folded: &str,
    starts: &[usize],
    wanted: impl Fn(&str) -> bool,
) -> Option<(Class, usize)> {
    for &pos in starts {
        let rest = &folded.as_bytes()[pos..];
        if rest[0].is_ascii_digit() {
            continue;
        }
        for (list, class) in [
            (PHONE_WORDS, Class::Phone),
            (BANK_WORDS, Class::Block),
            (CODE_WORDS, Class::Block),
        ] {
            for kw in list {
                let k = kw.as_bytes();
                if rest.len() >= k.len()
                    && rest[0] == k[0]
                    && rest.starts_with(k)
                    && rest.get(k.len()).is_none_or(|&b| b == b' ')
                    && wanted(kw)
                {
                    return Some((class, pos + k.len()));
                }
            }
        }
    }
    None
}

/// The index where the clause containing `at` begins, looking back at most LOOKBACK chars.
fn clause_start(chars: &[char], at: usize) -> usize {
    let floor = at.saturating_sub(LOOKBACK);
    let mut i = at;
    while i > floor {
        let c = chars[i - 1];
        if c == '\n' || c == '\r' {
            // "STK:\n0912…": a line with no words before the number belongs to the line above.
            if chars[i..at].iter().any(|c| c.is_alphabetic()) {
                return i;
            }
            i -= 1;
            continue;
        }
        if matches!(c, '.' | '!' | '?' | ';' | '…')
            && chars.get(i).is_some_and(|n| n.is_whitespace())
        {
            return i;
        }
        i -= 1;
    }
    floor
}

/// The index where the clause containing `at` ends, looking ahead at most LOOKAHEAD chars.
fn clause_end(chars: &[char], at: usize) -> usize {
    let ceil = (at + LOOKAHEAD).min(chars.len());
    let mut i = at;
    while i < ceil {
        let c = chars[i];
        if c == '\n' || c == '\r' || matches!(c, '!' | '?' | ';' | '…') {
            return i;
        }
        if c == '.' && chars.get(i + 1).is_none_or(|n| n.is_whitespace()) {
            return i;
        }
        i += 1;
    }
    ceil
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked(text: &str, number: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let n: Vec<char> = number.chars().collect();
        let start = chars
            .windows(n.len())
            .position(|w| w == n.as_slice())
            .unwrap();
        says_not_a_phone(&chars, start, start + n.len())
    }

    #[test]
    fn the_nearest_word_decides() {
        assert!(blocked("STK: 0912345678 MB", "0912345678"));
        assert!(blocked("Số tài khoản 0912345678", "0912345678"));
        assert!(!blocked(
            "stk vcb 0071000123456, sđt 0912345678",
            "0912345678"
        ));
        assert!(!blocked("sdt ck em 0912345678", "0912345678"));
        assert!(blocked("0912345678 vietcombank", "0912345678"));
        assert!(blocked(
            "0912345678 là stk techcombank của em",
            "0912345678"
        ));
        assert!(!blocked(
            "0988776655 - stk 0123456789 Vietcombank",
            "0988776655"
        ));
        assert!(!blocked("0988776655, STK: 0123456789", "0988776655"));
        assert!(blocked("GPKD 0312345678", "0312345678"));
        assert!(blocked("0988776655 MB 2 cái", "0988776655"));
        assert!(blocked("mã giảm giá 0912345678", "0912345678"));
        assert!(blocked("voucher: 0912345678", "0912345678"));
        assert!(!blocked("voucher dùng rồi, sđt 0912345678", "0912345678"));
        assert!(!blocked("0912345678 chuyển khoản trước nha", "0912345678"));
        assert!(blocked("MST 0312345678", "0312345678"));
        assert!(!blocked(
            "Em chuyển khoản rồi. Số em 0912345678",
            "0912345678"
        ));
        assert!(!blocked("Em chuyển khoản rồi.\n0912345678", "0912345678"));
        assert!(!blocked("mà gọi 0912345678", "0912345678"));
    }

    fn right_before(text: &str, number: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let n: Vec<char> = number.chars().collect();
        let start = chars
            .windows(n.len())
            .position(|w| w == n.as_slice())
            .unwrap();
        announced_right_before(&chars, start)
    }

    #[test]
    fn a_phone_word_labels_the_number_right_after_it() {
        assert!(right_before("sđt 0521234567", "0521234567"));
        assert!(right_before("zalo của chị là: 0521234567", "0521234567"));
        assert!(right_before("số e 0521234567", "0521234567"));
        assert!(right_before("SĐT người nhận: 0521234567", "0521234567"));
        assert!(right_before("Tên: Lan\nSĐT:\n0521234567", "0521234567"));
        // Another number between: the word labelled that one.
        assert!(!right_before(
            "sđt 0912345678, mẫu 0521234567",
            "0521234567"
        ));
        assert!(!right_before("sđt 2 vợ chồng 0521234567", "0521234567"));
        // A nearer account or code word, or none at all.
        assert!(!right_before("sđt hay stk 0521234567", "0521234567"));
        assert!(!right_before("zalo rồi. Mã 0521234567", "0521234567"));
        assert!(!right_before("giao 0521234567", "0521234567"));
    }
}

//! The Vietnamese numbering plan, reproduced by hand from libphonenumber's `VN` metadata
//! (version 9.0.x: `PhoneNumberMetadata.xml`, territory `VN`, and the carrier file `84.txt`).
//!
//! Everything here works on *national significant numbers*: the digits after the trunk `0` (or
//! after the country code 84), as values 0..=9. A mobile number has 9 of them, a landline 10.
//!
//! A mobile whose sub-prefix these tables do not list yet, in a block of which they list others
//! (052x, 055x, 089x, 0992), is read by [`classify_unlisted`] and flagged; the scanner asks for it
//! only right after a phone word.
//!
//! Deliberately left out of libphonenumber's mobile pattern: `121[0-3]\d{5}` and `1[46]0\d{6}`
//! (M2M/IoT ranges). No buyer sends them, and in chat a 10-digit `0121…`/`0140…`/`0160…` is far
//! more likely an old 11-digit number with a digit missing than one of those.

use super::{Carrier, PhoneKind};

/// A national significant number that the plan accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Classified {
    pub kind: PhoneKind,
    pub carrier: Option<Carrier>,
    /// The current national form with its trunk `0`: 10 digits for mobiles, 11 for landlines.
    pub number: String,
    /// The old 11-digit mobile form (`01xx…`) when the input was one and it was converted.
    pub converted_from: Option<String>,
    /// The prefix is not in the tables (see [`classify_unlisted`]).
    pub unverified_prefix: bool,
}

/// Classifies a national significant number (digit values, no trunk 0), or `None` when the
/// current plan has no such number.
pub(crate) fn classify(national: &[u8]) -> Option<Classified> {
    match national.len() {
        9 => {
            let carrier = mobile_carrier(national)?;
            Some(Classified {
                kind: PhoneKind::Mobile,
                carrier,
                number: with_trunk(national),
                converted_from: None,
                unverified_prefix: false,
            })
        }
        10 if national[0] == 2 => {
            if !is_landline(national) {
                return None;
            }
            Some(Classified {
                kind: PhoneKind::Landline,
                carrier: None,
                number: with_trunk(national),
                converted_from: None,
                unverified_prefix: false,
            })
        }
        10 if national[0] == 1 => {
            let (a, b) = old_mobile_prefix(national[1], national[2])?;
            let mut current = [0u8; 9];
            current[0] = a;
            current[1] = b;
            current[2..].copy_from_slice(&national[3..]);
            let carrier = mobile_carrier(&current)?;
            Some(Classified {
                kind: PhoneKind::Mobile,
                carrier,
                number: with_trunk(&current),
                converted_from: Some(with_trunk(national)),
                unverified_prefix: false,
            })
        }
        _ => None,
    }
}

/// Reads a national significant number that the tables reject but that has the shape of a
/// current mobile whose sub-prefix is not listed yet: 9 digits, in a 3-digit block (`052`,
/// `055`, `089`, `099`) of which the tables list other sub-prefixes. Blocks are allocated whole
/// to a carrier, which opens sub-prefixes in it over time (0520, 0551, 0890…) before the tables
/// list them; a block with no listed sub-prefix at all (`050`, `071`, `080`: unallocated, or the
/// government's own network) is no carrier's, and a number there is a typo or something else.
/// Returns the mobile without carrier, flagged [`Classified::unverified_prefix`]; `None` for a
/// number the tables accept (that is [`classify`]'s) and for any other shape. Only for a number a
/// phone word announces: on its own such a number is as likely a code or a mistyped phone.
pub(crate) fn classify_unlisted(national: &[u8]) -> Option<Classified> {
    if national.len() != 9 || classify(national).is_some() {
        return None;
    }
    let mut sibling = [0u8; 9];
    sibling[..2].copy_from_slice(&national[..2]);
    let block_in_use = (0..=9).any(|d| {
        sibling[2] = d;
        mobile_carrier(&sibling).is_some()
    });
    if !block_in_use {
        return None;
    }
    Some(Classified {
        kind: PhoneKind::Mobile,
        carrier: None,
        number: with_trunk(national),
        converted_from: None,
        unverified_prefix: true,
    })
}

fn with_trunk(national: &[u8]) -> String {
    let mut s = String::with_capacity(national.len() + 1);
    s.push('0');
    for &d in national {
        s.push(char::from(b'0' + d));
    }
    s
}

/// The mobile ranges of libphonenumber's pattern
/// `(?:(?:3\d|7[06-9])\d|5(?:[1689]\d|2[238]|59)|8(?:[1-8]\d|9[6-9])|9(?:[0-8]\d|9[013-9]))\d{6}`
/// (minus the M2M ranges, see the module docs). Returns `None` when the number is not a mobile,
/// `Some(carrier)` when it is; the carrier is the one the prefix was allocated to, which is not
/// proof of the current network since number portability (2019).
fn mobile_carrier(n: &[u8]) -> Option<Option<Carrier>> {
    use Carrier::*;
    debug_assert_eq!(n.len(), 9);
    let carrier = match (n[0], n[1], n[2]) {
        (3, 0, _) => Some(MobiFone),
        (3, _, _) => Some(Viettel),
        (5, 1, _) => Some(MobiFone),
        (5, 2, 2 | 3 | 8) => Some(Vietnamobile),
        (5, 5, 9) => Some(Wintel),
        (5, 6 | 8, _) => Some(Vietnamobile),
        (5, 9, _) => Some(Gmobile),
        (7, 0 | 6..=9, _) => Some(MobiFone),
        (8, 1..=5 | 8, _) => Some(Vinaphone),
        (8, 6, _) => Some(Viettel),
        (8, 7, _) => Some(Itel),
        (8, 9, 6..=9) => Some(MobiFone),
        (9, 0 | 3, _) => Some(MobiFone),
        (9, 1 | 4, _) => Some(Vinaphone),
        (9, 2, _) => Some(Vietnamobile),
        // 095 was S-Fone's (closed 2012); the plan still lists it as mobile.
        (9, 5, _) => None,
        (9, 6..=8, _) => Some(Viettel),
        (9, 9, 0 | 1 | 3..=7) => Some(Gmobile),
        (9, 9, 8 | 9) => Some(Itel),
        _ => return None,
    };
    Some(carrier)
}

/// libphonenumber's fixed-line pattern: `2(?:0[3-9]|1[0-689]|2[0-25-9]|[38][2-9]|4[2-8]|
/// 5[124-9]|6[0-39]|7[0-7]|9[0-4679])\d{7}` (area code 2x or 2xx, then the subscriber number).
fn is_landline(n: &[u8]) -> bool {
    debug_assert!(n.len() == 10 && n[0] == 2);
    matches!(
        (n[1], n[2]),
        (0, 3..=9)
            | (1, 0..=6 | 8 | 9)
            | (2, 0..=2 | 5..=9)
            | (3 | 8, 2..=9)
            | (4, 2..=8)
            | (5, 1 | 2 | 4..=9)
            | (6, 0..=3 | 9)
            | (7, 0..=7)
            | (9, 0..=4 | 6 | 7 | 9)
    )
}

/// The official conversion of 11-digit mobiles (MIC, 15/09/2018 to 15/11/2018): the old
/// prefix `01xy` became the two digits returned, the last 7 digits stayed. Returns `None` for
/// any other `01xy`, which never was a subscriber prefix.
fn old_mobile_prefix(x: u8, y: u8) -> Option<(u8, u8)> {
    Some(match (x, y) {
        // Viettel: 0162..0169 -> 032..039
        (6, 2..=9) => (3, y),
        // MobiFone
        (2, 0) => (7, 0),
        (2, 1) => (7, 9),
        (2, 2) => (7, 7),
        (2, 6) => (7, 6),
        (2, 8) => (7, 8),
        // Vinaphone
        (2, 3) => (8, 3),
        (2, 4) => (8, 4),
        (2, 5) => (8, 5),
        (2, 7) => (8, 1),
        (2, 9) => (8, 2),
        // Vietnamobile
        (8, 6) => (5, 6),
        (8, 8) => (5, 8),
        // Gmobile
        (9, 9) => (5, 9),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    fn number(s: &str) -> Option<String> {
        classify(&digits(s)).map(|c| c.number)
    }

    #[test]
    fn mobile_prefixes_follow_the_plan() {
        for ok in [
            "912345678",
            "321234567",
            "861234567",
            "522123456",
            "559123456",
            "896123456",
            "993123456",
        ] {
            assert!(number(ok).is_some(), "{ok}");
        }
        for bad in [
            "112345678",
            "201234567",
            "401234567",
            "521234567",
            "551234567",
            "601234567",
            "711234567",
            "801234567",
            "891234567",
            "992123456",
        ] {
            assert!(number(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn every_old_prefix_is_converted() {
        let table = [
            ("162", "032"),
            ("163", "033"),
            ("164", "034"),
            ("165", "035"),
            ("166", "036"),
            ("167", "037"),
            ("168", "038"),
            ("169", "039"),
            ("120", "070"),
            ("121", "079"),
            ("122", "077"),
            ("126", "076"),
            ("128", "078"),
            ("123", "083"),
            ("124", "084"),
            ("125", "085"),
            ("127", "081"),
            ("129", "082"),
            ("186", "056"),
            ("188", "058"),
            ("199", "059"),
        ];
        for (old, new) in table {
            let c = classify(&digits(&format!("{old}1234567"))).unwrap();
            assert_eq!(c.number, format!("{new}1234567"));
            assert_eq!(c.converted_from.unwrap(), format!("0{old}1234567"));
        }
        assert!(number("1611234567").is_none());
        assert!(number("1301234567").is_none());
    }

    #[test]
    fn landlines_need_a_real_area_code() {
        assert_eq!(number("2438234567").unwrap(), "02438234567");
        assert_eq!(number("2838234567").unwrap(), "02838234567");
        assert_eq!(number("2363821234").unwrap(), "02363821234");
        assert!(number("2418234567").is_none());
        assert!(number("2021234567").is_none());
        assert!(number("243823456").is_none());
    }

    #[test]
    fn unlisted_sub_prefixes_are_read_only_in_blocks_in_use() {
        for unlisted in [
            "521234567",
            "551234567",
            "891234567",
            "992123456",
            "520111999",
        ] {
            let c = classify_unlisted(&digits(unlisted)).unwrap();
            assert!(c.unverified_prefix && c.carrier.is_none(), "{unlisted}");
            assert_eq!(c.number, format!("0{unlisted}"));
            assert_eq!(c.kind, PhoneKind::Mobile);
        }
        // Listed numbers are classify's, never flagged.
        assert!(classify_unlisted(&digits("912345678")).is_none());
        assert!(!classify(&digits("912345678")).unwrap().unverified_prefix);
        // Blocks no carrier holds (080 is the government's network), outside the mobile blocks,
        // or not 9 digits: no mobile at all.
        for other in [
            "801234567",
            "501234567",
            "711234567",
            "741234567",
            "123456789",
            "202123456",
            "401234567",
            "601234567",
            "52123456",
            "5212345678",
        ] {
            assert!(classify_unlisted(&digits(other)).is_none(), "{other}");
        }
    }
}

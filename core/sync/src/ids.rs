//! Ids and times as the server spells them.
//!
//! The server keys customers and notes by UUID; the extension's records have [`Id`]s of the form
//! `tttttttttttt-rrrrrrrrrr` (12 hex digits of creation time, 10 of randomness). [`uuid_of`]
//! embeds such an id in a UUID without loss (version 8, "custom", with the fixed tail
//! `6e6f6269`, "nobi" in ASCII) and [`id_of`] takes it out again, so a record keeps one id on
//! every agent's machine. A UUID made by the server (a conversation, a user) comes back as an
//! [`Id`] holding the UUID itself, and an [`Id`] that already is a UUID goes out unchanged.

use nobi_crm::{Id, Millis};

const TAIL: &str = "6e6f6269";

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The server's UUID for a local id, or `None` when the id has neither the local shape nor a
/// UUID's (such a record cannot be synced: see [`crate::outgoing::NotSynced::BadId`]).
pub fn uuid_of(id: &Id) -> Option<String> {
    let s = id.as_str().to_ascii_lowercase();
    if is_uuid(&s) {
        return Some(s);
    }
    let (t, r) = s.split_once('-')?;
    if t.len() != 12 || r.len() != 10 || !is_hex(t) || !is_hex(r) {
        return None;
    }
    Some(format!(
        "{}-{}-8{}-8{}-{}{TAIL}",
        &t[..8],
        &t[8..],
        &r[..3],
        &r[3..6],
        &r[6..]
    ))
}

/// The local id of a server UUID (the inverse of [`uuid_of`]).
pub fn id_of(uuid: &str) -> Id {
    let u = uuid.to_ascii_lowercase();
    if is_uuid(&u) && &u[14..15] == "8" && &u[19..20] == "8" && u.ends_with(TAIL) {
        return Id(format!(
            "{}{}-{}{}{}",
            &u[..8],
            &u[9..13],
            &u[15..18],
            &u[20..23],
            &u[24..28]
        ));
    }
    Id(u)
}

/// Unix milliseconds of an RFC 3339 time as the server writes it (`2026-05-01T10:00:00.123456Z`
/// or `…+07:00`); `None` for anything else.
pub fn parse_time(text: &str) -> Option<Millis> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b[13] != b':' || b[16] != b':' || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut i = 19;
    let mut ms = 0;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &text[start..i];
        if frac.is_empty() {
            return None;
        }
        let three: String = frac.chars().chain("000".chars()).take(3).collect();
        ms = three.parse().ok()?;
    }
    let offset_min = match text.get(i..)? {
        "Z" | "z" => 0,
        tz if tz.len() == 6
            && matches!(tz.get(..1), Some("+" | "-"))
            && tz.get(3..4) == Some(":") =>
        {
            let m = num(i + 1..i + 3)? * 60 + num(i + 4..i + 6)?;
            if tz.get(..1) == Some("-") {
                -m
            } else {
                m
            }
        }
        _ => return None,
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi - offset_min) * 60_000 + s * 1000 + ms)
}

/// FNV-1a, 64 bits: the fingerprint of a value the server is known to have (see
/// [`crate::outgoing::Base`]). Stable across builds and platforms, unlike `std`'s hasher.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_ids_round_trip_through_uuids() {
        let id = Id::new(1_796_612_400_000, 0xab_cdef_0123);
        let u = uuid_of(&id).unwrap();
        assert!(is_uuid(&u), "{u}");
        assert_eq!(&u[14..15], "8");
        assert_eq!(id_of(&u), id);
        // A server UUID stays itself both ways.
        let server = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assert_eq!(id_of(server), Id(server.into()));
        assert_eq!(uuid_of(&Id(server.into())).as_deref(), Some(server));
        assert_eq!(
            uuid_of(&Id("0F8FAD5B-D9CB-469F-A165-70867728950E".into())).as_deref(),
            Some(server)
        );
        for bad in [
            "c1",
            "",
            "ig:1234",
            "0193a1b2c3d4-zzzzzzzzzz",
            "0193a1b2c3d4-abc",
        ] {
            assert_eq!(uuid_of(&Id(bad.into())), None, "{bad}");
        }
    }

    #[test]
    fn server_times_read_as_unix_milliseconds() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_time("2026-05-01T10:00:00.123456Z"),
            Some(1_777_629_600_123)
        );
        assert_eq!(
            parse_time("2026-05-01T17:00:00.123+07:00"),
            Some(1_777_629_600_123)
        );
        assert_eq!(
            parse_time("2024-02-29T00:00:01+00:00"),
            Some(1_709_164_801_000)
        );
        for bad in [
            "",
            "2026-05-01",
            "2026-13-01T00:00:00Z",
            "2026-05-01T10:00:00",
            "x026-05-01T10:00:00Z",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}

//! When a message was written, from the time label the page shows above it.
//!
//! Chat pages show times as words, not instants: "09:41", "3:08 PM", "Hôm nay 09:41", "Yesterday
//! at 21:05", "Th 3 10:15", "Mon 10:15", "12/05/2026 08:00", "Nov 28, 2026, 3:08 PM", "28 tháng
//! 11, 2026", "28 thg 11 năm 2025 15:08". [`message_time`] turns such a label into milliseconds,
//! given the time of reading and the shop's time zone. A label with a word it does not know is
//! not read at all (`None`), rather than read as today.
//!
//! Note that a page writes one time above a group of messages: the label of a message is its
//! group's, so the instant returned is the latest the *label* can mean, and a message later in a
//! group may be later still.
//!
//! # Contract
//!
//! [`message_time`] returns the **latest** instant the label can mean: the end of its minute, or
//! the end of its day when the label has no clock. A campaign asks "did the buyer write after the
//! campaign started?", and when a label cannot tell, answering yes (skipping a buyer who is
//! talking anyway) is the safe error; a 24-hour window computed from it closes at most a minute
//! late. It returns `None` for a label it cannot read, and never a time after `now_ms` by more
//! than that rounding (a label in the future is a misreading).
//!
//! # Decisions
//!
//! - A weekday alone ("Mon 10:15", "Th 3 10:15") is the latest such day before today: pages show
//!   weekdays for the last week only, and today is written as a clock time alone.
//! - Numeric dates are day/month unless the label is English (an AM/PM or an English word), then
//!   month/day, as Meta writes them; a first number above 12 is a day whatever the language.
//! - Two-digit years are 20xx; a date without a year is this year's, or last year's if that would
//!   be in the future.

/// Milliseconds since the Unix epoch.
pub type Millis = u64;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number of [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if month <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        month,
        day,
    )
}

/// What a label says about the day.
enum DayWord {
    Today,
    Yesterday,
    /// 0 = Monday … 6 = Sunday.
    Weekday(i64),
    Date {
        year: Option<i64>,
        month: u32,
        day: u32,
    },
}

/// The latest instant `label` can mean, read at `now_ms` in a zone `utc_offset_minutes` east of
/// UTC; `None` if it is not a time label (see the module docs).
pub fn message_time(label: &str, now_ms: Millis, utc_offset_minutes: i32) -> Option<Millis> {
    // Hand-made lowercase: `str::to_lowercase` would bring the Unicode case tables into the
    // panel's first module.
    let lower: String = label
        .trim()
        .chars()
        .map(nobi_text::fold::vi_lower)
        .collect();
    if lower.is_empty() || lower.chars().count() > 48 {
        return None;
    }
    let english = lower.contains(" am")
        || lower.contains(" pm")
        || lower.ends_with("am")
        || lower.ends_with("pm")
        || lower
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| ENGLISH_WORDS.contains(&w) || month_name(w).is_some());
    if !only_known_words(&lower) {
        return None;
    }
    let clock = clock_of(&lower);
    let day = day_of(&lower, english);
    if clock.is_none() && day.is_none() {
        return None;
    }
    let offset = i64::from(utc_offset_minutes) * MINUTE_MS;
    let local_now = now_ms as i64 + offset;
    let today = local_now.div_euclid(DAY_MS);
    let (this_year, _, _) = civil_from_days(today);
    let day_number = match day {
        None | Some(DayWord::Today) => today,
        Some(DayWord::Yesterday) => today - 1,
        Some(DayWord::Weekday(wd)) => {
            // 1970-01-01 was a Thursday (3 when Monday is 0).
            let today_wd = (today + 3).rem_euclid(7);
            let back = (today_wd - wd).rem_euclid(7);
            today - if back == 0 { 7 } else { back }
        }
        Some(DayWord::Date { year, month, day }) => {
            if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
                return None;
            }
            let at = |y: i64| days_from_civil(y, month, day);
            match year {
                Some(y) => at(y),
                None if at(this_year) > today => at(this_year - 1),
                None => at(this_year),
            }
        }
    };
    let end_local = match clock {
        Some(minute) => day_number * DAY_MS + minute * MINUTE_MS + MINUTE_MS - 1,
        None => day_number * DAY_MS + DAY_MS - 1,
    };
    let end = end_local - offset;
    // A clock time alone that is later than now is a misreading (or yesterday's, which pages
    // write with a day): refused rather than guessed.
    if end - MINUTE_MS >= now_ms as i64 || end < 0 {
        return None;
    }
    Some(end as Millis)
}

/// Words a time label may have besides numbers, dates and clocks.
const KNOWN_WORDS: &[&str] = &[
    "hôm",
    "nay",
    "qua",
    "lúc",
    "ngày",
    "tháng",
    "thg",
    "năm",
    "thứ",
    "th",
    "t",
    "chủ",
    "nhật",
    "cn",
    "hai",
    "ba",
    "tư",
    "sáu",
    "bảy",
    "sa",
    "ch",
    "today",
    "yesterday",
    "at",
    "am",
    "pm",
    "a.m.",
    "p.m.",
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
    "on",
];

/// Returns true if and only if every word of `lower` is a number, a date, a clock or a word a
/// time label has ("hôm nay", "lúc", a weekday, a month name…).
fn only_known_words(lower: &str) -> bool {
    lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .all(|w| {
            let bare = w.trim_end_matches('.');
            // Letters without the Unicode tables: ASCII ones, and Latin ones from U+00C0 on.
            !w.chars().any(|c| c.is_ascii_alphabetic() || c as u32 >= 0xC0)
                || KNOWN_WORDS.contains(&w)
                || KNOWN_WORDS.contains(&bare)
                || month_name(bare).is_some()
                // "T2" … "T7", "3:08pm"
                || (bare.starts_with('t') && bare[1..].chars().all(|c| c.is_ascii_digit()))
                || (bare.contains(':')
                    && ["am", "pm", "sa", "ch"].iter().any(|s| bare.ends_with(s)))
        })
}

const ENGLISH_WORDS: &[&str] = &[
    "today",
    "yesterday",
    "at",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
];

/// Minutes after midnight of the label's clock ("09:41", "3:08 pm", "21h05"), if it has one.
fn clock_of(lower: &str) -> Option<i64> {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        let (h, m, suffix) = if let Some((h, rest)) = w.split_once(':') {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (h, digits.clone(), rest[digits.len()..].to_owned())
        } else {
            continue;
        };
        if !(1..=2).contains(&h.len()) || m.len() != 2 {
            continue;
        }
        let (Ok(h), Ok(m)) = (h.parse::<i64>(), m.parse::<i64>()) else {
            continue;
        };
        if m > 59 || h > 23 {
            continue;
        }
        let meridiem = if !suffix.is_empty() {
            suffix
        } else {
            words.get(i + 1).map(|s| s.to_string()).unwrap_or_default()
        };
        let h = match meridiem.trim_matches('.') {
            "am" | "sa" if h == 12 => 0,
            "pm" | "ch" if h < 12 => h + 12,
            _ => h,
        };
        return Some(h * 60 + m);
    }
    None
}

fn month_name(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| word.starts_with(m) && (word.len() == 3 || "january february march april may june july august september october november december sept".split(' ').any(|full| full == word)))
        .map(|i| i as u32 + 1)
}

fn weekday_of(words: &[&str]) -> Option<i64> {
    for (i, w) in words.iter().enumerate() {
        let english = match *w {
            "mon" | "monday" => Some(0),
            "tue" | "tues" | "tuesday" => Some(1),
            "wed" | "wednesday" => Some(2),
            "thu" | "thur" | "thurs" | "thursday" => Some(3),
            "fri" | "friday" => Some(4),
            "sat" | "saturday" => Some(5),
            "sun" | "sunday" => Some(6),
            "cn" => Some(6),
            _ => None,
        };
        if english.is_some() {
            return english;
        }
        if *w == "chủ" && words.get(i + 1) == Some(&"nhật") {
            return Some(6);
        }
        if *w == "th" || *w == "thứ" || *w == "t" {
            let next = words.get(i + 1).copied().unwrap_or("");
            let n = match next {
                "2" | "hai" => Some(0),
                "3" | "ba" => Some(1),
                "4" | "tư" => Some(2),
                "5" | "năm" => Some(3),
                "6" | "sáu" => Some(4),
                "7" | "bảy" => Some(5),
                _ => None,
            };
            if n.is_some() {
                return n;
            }
        }
        // "T2" … "T7"
        if let Some(d) = w.strip_prefix('t').and_then(|d| d.parse::<i64>().ok()) {
            if (2..=7).contains(&d) && w.len() == 2 {
                return Some(d - 2);
            }
        }
    }
    None
}

fn year_of(n: i64) -> i64 {
    if n < 100 {
        2000 + n
    } else {
        n
    }
}

fn day_of(lower: &str, english: bool) -> Option<DayWord> {
    if lower.contains("hôm nay") || lower.contains("today") {
        return Some(DayWord::Today);
    }
    if lower.contains("hôm qua") || lower.contains("yesterday") {
        return Some(DayWord::Yesterday);
    }
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    // Numeric: 12/05/2026, 12/5/26, 12/05, 2026-12-05.
    for w in &words {
        let w = w.trim_end_matches('.');
        if let [y, m, d] = w.split('-').collect::<Vec<_>>()[..] {
            if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i64>(), m.parse(), d.parse()) {
                if y > 1900 {
                    return Some(DayWord::Date {
                        year: Some(y),
                        month: m,
                        day: d,
                    });
                }
            }
        }
        let parts: Vec<&str> = w.split('/').collect();
        if (2..=3).contains(&parts.len()) {
            let nums: Option<Vec<i64>> = parts.iter().map(|p| p.parse::<i64>().ok()).collect();
            let Some(nums) = nums else { continue };
            let (mut first, mut second) = (nums[0], nums[1]);
            let year = nums.get(2).map(|&y| year_of(y));
            // Vietnamese pages write day/month; English ones month/day.
            let (mut day, mut month) = if english {
                (second, first)
            } else {
                (first, second)
            };
            if month > 12 && day <= 12 {
                std::mem::swap(&mut day, &mut month);
            }
            first = day;
            second = month;
            return Some(DayWord::Date {
                year,
                month: second as u32,
                day: first as u32,
            });
        }
    }
    // "28 tháng 11, 2026", "ngày 28 tháng 11", "28 thg 11 năm 2025".
    if let Some(i) = words.iter().position(|w| *w == "tháng" || *w == "thg") {
        let day = i.checked_sub(1).and_then(|j| words[j].parse::<u32>().ok());
        let month = words.get(i + 1).and_then(|w| w.parse::<u32>().ok());
        let year_at = if words.get(i + 2) == Some(&"năm") {
            i + 3
        } else {
            i + 2
        };
        let year = words
            .get(year_at)
            .and_then(|w| w.parse::<i64>().ok())
            .filter(|y| *y > 1900);
        if let (Some(day), Some(month)) = (day, month) {
            return Some(DayWord::Date { year, month, day });
        }
    }
    // "Nov 28, 2026", "28 Nov 2026", "November 28".
    if let Some(i) = words
        .iter()
        .position(|w| month_name(w.trim_end_matches('.')).is_some())
    {
        let month = month_name(words[i].trim_end_matches('.'))?;
        let number = |j: usize| words.get(j).and_then(|w| w.parse::<i64>().ok());
        let (day, year) = match (i.checked_sub(1).and_then(number), number(i + 1)) {
            (Some(d), y) if d <= 31 => (d, y.filter(|y| *y > 1900)),
            (_, Some(d)) if d <= 31 => (d, number(i + 2).filter(|y| *y > 1900)),
            _ => return None,
        };
        return Some(DayWord::Date {
            year,
            month,
            day: day as u32,
        });
    }
    weekday_of(&words).map(DayWord::Weekday)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VN: i32 = 420;

    /// 2026-12-05 (a Saturday) at `h:m` Vietnam time, in Unix ms.
    fn vn(day: u32, h: i64, m: i64) -> Millis {
        ((days_from_civil(2026, 12, day) * DAY_MS + (h * 60 + m) * MINUTE_MS)
            - i64::from(VN) * MINUTE_MS) as Millis
    }

    fn end_of_minute(at: Millis) -> Millis {
        at + MINUTE_MS as Millis - 1
    }

    #[test]
    fn civil_days_round_trip() {
        for days in [-1000, 0, 19_000, 20_427, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2026, 12, 5)), (2026, 12, 5));
    }

    #[test]
    fn clock_times_today_and_yesterday() {
        let now = vn(5, 15, 0);
        assert_eq!(
            message_time("09:41", now, VN),
            Some(end_of_minute(vn(5, 9, 41)))
        );
        assert_eq!(message_time("3:08 PM", now, VN), None, "later than now");
        assert_eq!(
            message_time("2:08 PM", now, VN),
            Some(end_of_minute(vn(5, 14, 8)))
        );
        assert_eq!(
            message_time("12:05 AM", now, VN),
            Some(end_of_minute(vn(5, 0, 5)))
        );
        assert_eq!(
            message_time("Hôm nay 09:41", now, VN),
            Some(end_of_minute(vn(5, 9, 41)))
        );
        assert_eq!(
            message_time("Hôm nay lúc 9:41", now, VN),
            Some(end_of_minute(vn(5, 9, 41)))
        );
        assert_eq!(
            message_time("Today at 09:41", now, VN),
            Some(end_of_minute(vn(5, 9, 41)))
        );
        assert_eq!(
            message_time("Hôm qua 21:05", now, VN),
            Some(end_of_minute(vn(4, 21, 5)))
        );
        assert_eq!(
            message_time("Yesterday at 9:05 PM", now, VN),
            Some(end_of_minute(vn(4, 21, 5)))
        );
    }

    #[test]
    fn a_clock_later_than_now_is_refused() {
        let now = vn(5, 15, 0);
        assert_eq!(message_time("16:30", now, VN), None);
        // The same minute as now is allowed (the label rounds to the minute).
        assert_eq!(
            message_time("15:00", now, VN),
            Some(end_of_minute(vn(5, 15, 0)))
        );
    }

    #[test]
    fn weekdays_are_the_last_such_day_before_today() {
        // 2026-12-05 is a Saturday.
        let now = vn(5, 15, 0);
        let monday = end_of_minute(vn(5, 10, 15) - 5 * DAY_MS as Millis);
        assert_eq!(message_time("Mon 10:15", now, VN), Some(monday));
        assert_eq!(message_time("Th 2 10:15", now, VN), Some(monday));
        assert_eq!(message_time("Thứ Hai 10:15", now, VN), Some(monday));
        assert_eq!(
            message_time("Thứ Sáu 08:00", now, VN),
            Some(end_of_minute(vn(4, 8, 0)))
        );
        assert_eq!(
            message_time("T7 08:00", now, VN),
            Some(end_of_minute(vn(5, 8, 0) - 7 * DAY_MS as Millis))
        );
        assert_eq!(
            message_time("CN 20:00", now, VN),
            Some(end_of_minute(vn(5, 20, 0) - 6 * DAY_MS as Millis))
        );
        assert_eq!(
            message_time("Chủ Nhật 20:00", now, VN),
            Some(end_of_minute(vn(5, 20, 0) - 6 * DAY_MS as Millis))
        );
    }

    #[test]
    fn dates_day_first_in_vietnamese_month_first_in_english() {
        let now = vn(5, 15, 0);
        let nov_12 = |h, m| vn(5, h, m) - 23 * DAY_MS as Millis;
        assert_eq!(
            message_time("12/11/2026 08:00", now, VN),
            Some(end_of_minute(nov_12(8, 0)))
        );
        assert_eq!(
            message_time("11/12/26, 8:00 AM", now, VN),
            Some(end_of_minute(nov_12(8, 0)))
        );
        assert_eq!(
            message_time("Nov 12, 2026, 8:00 AM", now, VN),
            Some(end_of_minute(nov_12(8, 0)))
        );
        assert_eq!(
            message_time("12 tháng 11, 2026 08:00", now, VN),
            Some(end_of_minute(nov_12(8, 0)))
        );
        assert_eq!(
            message_time("2026-11-12 08:00", now, VN),
            Some(end_of_minute(nov_12(8, 0)))
        );
        // No clock: the end of that day.
        let end_of_day = vn(5, 0, 0) - 23 * DAY_MS as Millis + DAY_MS as Millis - 1;
        assert_eq!(message_time("12/11/2026", now, VN), Some(end_of_day));
        // No year: this year's, or last year's when that would be in the future.
        assert_eq!(
            message_time("12/11 08:00", now, VN),
            Some(end_of_minute(nov_12(8, 0)))
        );
        let last_year = message_time("24/12 08:00", now, VN).unwrap();
        assert!(last_year < now - 300 * DAY_MS as Millis);
        // A first number above 12 is a day, whatever the language.
        assert_eq!(
            message_time("13/11/2026 08:00 AM", now, VN),
            Some(end_of_minute(nov_12(8, 0) + DAY_MS as Millis))
        );
    }

    #[test]
    fn facebook_vietnamese_short_months_and_years() {
        let now = vn(5, 15, 0);
        let nov_28 = end_of_minute(vn(5, 15, 8) - 7 * DAY_MS as Millis);
        assert_eq!(
            message_time("28 thg 11, 2026, 15:08", now, VN),
            Some(nov_28)
        );
        assert_eq!(
            message_time("28 tháng 11 năm 2026 15:08", now, VN),
            Some(nov_28)
        );
        let year_before = message_time("28 tháng 11 năm 2025 15:08", now, VN).unwrap();
        assert!(year_before < nov_28 - 360 * DAY_MS as Millis);
        assert_eq!(
            message_time("2:08pm", now, VN),
            Some(end_of_minute(vn(5, 14, 8)))
        );
    }

    #[test]
    fn not_time_labels() {
        let now = vn(5, 15, 0);
        for label in [
            "",
            "Đã xem",
            "Seen",
            "Chị ơi còn hàng không",
            "99:99",
            "32/13/2026",
            "28 thứ gì đó 15:08",
            "Đã gửi lúc 15:08 bởi Lan",
        ] {
            assert_eq!(message_time(label, now, VN), None, "{label}");
        }
    }
}

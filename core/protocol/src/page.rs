//! Rules for reading a messaging page that need only the strings the page shows, not the page:
//! the buyer's name from the labels that name them, delivery states, time separators, profile
//! links, whether the pane on screen is a new thread's, and what the layout report may keep.
//!
//! The content script finds elements by roles, attributes and layout (`extension/content`), then
//! asks these functions what the strings mean. Everything worded is a *hint*: a page whose wording
//! is in none of the tables below must still work, from structure alone (e.g. the name is what two
//! labels have in common). The tables make the adapter surer, never able to work at all.

use crate::protocol::{Delivery, Platform};

/// Prefixes that pages put before a buyer's name in a label (English as quoted by public sources
/// of 2025–2026, Vietnamese as best known). Hints only: see [`name_from_labels`].
const NAME_PREFIXES: &[&str] = &[
    "Write to ",
    "Reply to ",
    "Conversation with ",
    "Conversation titled ",
    "Messages in conversation with ",
    "Messages in conversation titled ",
    "Messages in chat with ",
    "Open the profile page of ",
    "Nhắn tin cho ",
    "Nhắn tin với ",
    "Viết cho ",
    "Gửi tin nhắn cho ",
    "Cuộc trò chuyện với ",
    "Cuộc trò chuyện có tên ",
    "Tin nhắn trong cuộc trò chuyện với ",
    "Tin nhắn trong cuộc trò chuyện có tên ",
    "Mở trang cá nhân của ",
];

/// Words that join a label's wording to the name ("… with <name>"), stripped from the front of a
/// common suffix. Hints only.
const CONNECTORS: &[&str] = &[
    "with", "to", "of", "titled", "for", "với", "cho", "của", "tên", "có", "tới", "đến",
];

/// Returns the buyer's name that the page's `labels` have in common (the composer's "Write to
/// Lan", the pane's "Conversation with Lan", the list's "Messages in conversation with Lan").
///
/// Works without knowing the wording: the name is the longest run of whole words that ends every
/// label (of all of them, else of the pair with the shortest such run), less connecting words.
/// With a single label, or labels with nothing in common, a known prefix is stripped instead. A
/// marketplace suffix (`" · <listing>"`) is dropped first. Returns `None` when nothing looks like a
/// name (no letter, or only wording).
pub fn name_from_labels(labels: &[&str]) -> Option<String> {
    common_name(labels).or_else(|| name_after_prefix(labels))
}

/// The name two or more `labels` have in common (see [`name_from_labels`]), without falling back
/// to known prefixes: what no table is needed for.
pub fn common_name(labels: &[&str]) -> Option<String> {
    name_in(labels, false)
}

/// The name after a known prefix in one of `labels` ("Write to Lan"): a hint, for when nothing
/// else names the buyer.
pub fn name_after_prefix(labels: &[&str]) -> Option<String> {
    name_in(labels, true)
}

fn name_in(labels: &[&str], by_prefix: bool) -> Option<String> {
    let labels: Vec<Vec<&str>> = labels
        .iter()
        .map(|l| {
            // A marketplace suffix (" · <listing>") is not part of the name.
            let before_suffix = nobi_text::find(l, " · ").map_or(*l, |at| &l[..at]);
            before_suffix.split_whitespace().collect()
        })
        .filter(|words: &Vec<&str>| !words.is_empty())
        .collect();
    let mut distinct: Vec<&Vec<&str>> = Vec::new();
    for l in &labels {
        if !distinct.contains(&l) {
            distinct.push(l);
        }
    }
    let common = |a: &[&str], b: &[&str]| -> usize {
        a.iter()
            .rev()
            .zip(b.iter().rev())
            .take_while(|(x, y)| x == y)
            .count()
    };
    let mut suffix: Option<Vec<&str>> = None;
    if distinct.len() >= 2 {
        let all = distinct
            .iter()
            .skip(1)
            .map(|l| common(distinct[0], l))
            .min()
            .unwrap_or(0);
        let pick = if all > 0 {
            Some((distinct[0], all))
        } else {
            // The shortest non-empty common run over all pairs.
            let mut best: Option<(&Vec<&str>, usize)> = None;
            for (i, a) in distinct.iter().enumerate() {
                for b in distinct.iter().skip(i + 1) {
                    let n = common(a, b);
                    if n > 0 && best.is_none_or(|(_, m)| n < m) {
                        best = Some((a, n));
                    }
                }
            }
            best
        };
        if let Some((label, n)) = pick {
            // A run that starts inside a longer name ("Write to Ngọc Anh", "Conversation with
            // Tuấn Anh" share "Anh"): the labels name different people, so no name.
            let cuts_a_name = distinct.iter().any(|l| {
                let n = common(label, l).min(n);
                l.len() > n && starts_upper(l[l.len() - n - 1])
            });
            let mut words = &label[label.len() - n..];
            // Two labels worded alike ("Conversation with X", "Messages in conversation with X")
            // share wording as well as the name: drop joining words, and lowercase wording
            // before the first capitalised word (display names are capitalised).
            while words.len() > 1
                && !starts_upper(words[0])
                && (is_connector(words[0]) || words[1..].iter().any(|w| starts_upper(w)))
            {
                words = &words[1..];
            }
            if !cuts_a_name {
                suffix = Some(words.to_vec());
            }
        }
    }
    let candidate = if !by_prefix {
        suffix.map(|w| w.join(" ")).filter(|n| plausible_name(n))
    } else {
        labels.iter().find_map(|words| {
            let label = words.join(" ");
            NAME_PREFIXES.iter().find_map(|p| {
                let rest = strip_prefix_ignoring_case(&label, p)?;
                plausible_name(rest).then(|| rest.to_owned())
            })
        })
    }?;
    // A name that is itself a known prefix's wording is no name.
    let folded = nobi_text::lower(&candidate);
    let is_wording = NAME_PREFIXES
        .iter()
        .any(|p| nobi_text::lower(p.trim()) == folded)
        || COMPOSER_WORDS.iter().any(|w| nobi_text::lower(w) == folded);
    (!is_wording).then_some(candidate)
}

/// Words that label an empty composer everywhere ("Message", "Aa"): never a buyer's name.
const COMPOSER_WORDS: &[&str] = &[
    "Message",
    "Message...",
    "Aa",
    "Tin nhắn",
    "Nhắn tin",
    "Nhắn tin...",
];

/// Returns true if and only if `word` starts with an uppercase letter (English or Vietnamese).
fn starts_upper(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| nobi_text::lower(&c.to_string()) != c.to_string())
}

fn is_connector(word: &str) -> bool {
    let w = nobi_text::lower(word);
    CONNECTORS.contains(&w.as_str())
}

fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    (nobi_text::lower(head) == nobi_text::lower(prefix)).then(|| text.get(prefix.len()..))?
}

/// Returns true if and only if `text` could be a person's or page's display name: it has a
/// letter, is at most 80 characters, and is not a time.
fn plausible_name(text: &str) -> bool {
    let text = text.trim();
    // A letter: any non-ASCII character counts (Vietnamese names), which spares the content
    // script the Unicode alphabetic tables.
    !text.is_empty()
        && text.chars().count() <= 80
        && text
            .chars()
            .any(|c| c.is_ascii_alphabetic() || (!c.is_ascii() && !c.is_whitespace()))
        && !looks_like_time(text)
}

/// Delivery words, lowercase, matched at the start of a status text. English as quoted by
/// public sources; Vietnamese as best known (the notes say no source shows it). Hints only.
const ACCEPTED: &[&str] = &[
    "sent",
    "delivered",
    "seen",
    "read",
    "đã gửi",
    "đã xem",
    "đã nhận",
    "đã chuyển",
    "đã đọc",
    "đã giao",
    "đã được gửi",
    "đã được xem",
];
/// Failure words, lowercase, matched anywhere in a status text.
const FAILED: &[&str] = &[
    "failed to send",
    "not sent",
    "couldn't send",
    "could not send",
    "can't send",
    "unable to send",
    "message failed",
    "không gửi được",
    "không thể gửi",
    "chưa gửi được",
    "gửi không thành công",
    "gửi thất bại",
    "chưa được gửi",
    "không được gửi",
    "lỗi gửi",
];

/// What a short text near an outgoing bubble says about its delivery, if it says anything.
///
/// A failure ("Failed to send", "Không gửi được") wins over everything; an accepted state is a
/// text that starts with a delivery word ("Sent", "Seen by Lan", "Đã xem"), or a short one that
/// has "sent", "delivered" or "seen" as a word ("Message sent"). Vietnamese past
/// tense ("Đã …") with no negation is read as accepted even when the verb is not in the table,
/// since Vietnamese statuses are worded that way; a Vietnamese negation ("không", "chưa") or
/// "lỗi" (error) is read as failed. Anything longer than 60 characters is not a status.
pub fn classify_status(text: &str) -> Option<Delivery> {
    let t = nobi_text::lower(text.trim());
    if t.is_empty() || t.chars().count() > 60 {
        return None;
    }
    if FAILED.iter().any(|f| nobi_text::contains(&t, f)) {
        return Some(Delivery::Failed);
    }
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c.is_ascii_punctuation() || c == '…')
        .filter(|w| !w.is_empty())
        .collect();
    // A sender label ("You sent", "Bạn đã gửi") names who wrote, not what became of it.
    if matches!(words.first(), Some(&("you" | "bạn" | "me" | "tôi"))) {
        return None;
    }
    let has = |set: &[&str]| words.iter().any(|w| set.contains(w));
    let negation = has(&[
        "not", "no", "never", "failed", "failure", "error", "unable", "couldn",
    ]);
    let vietnamese_negation = has(&["không", "chưa", "lỗi"]);
    let delivery_verb = has(&["sent", "send", "delivered", "gửi", "chuyển", "nhận"]);
    if (negation || vietnamese_negation) && (delivery_verb || words.len() <= 2) {
        return Some(Delivery::Failed);
    }
    if negation || vietnamese_negation || has(&["hủy", "thu", "xóa", "unsent", "removed"]) {
        // A negation without a delivery word ("Đã xảy ra lỗi" aside), or a recalled message:
        // not a state this adapter can vouch for.
        return has(&["lỗi", "error", "failed"]).then_some(Delivery::Failed);
    }
    let starts_with_word = |w: &str| {
        t.strip_prefix(w).is_some_and(|rest| {
            rest.chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation() || c == '…')
        })
    };
    if ACCEPTED.iter().any(|w| starts_with_word(w)) {
        return Some(Delivery::Accepted);
    }
    // English puts the participle last as often as first ("Message sent", "Message delivered").
    if words.len() <= 4
        && words
            .iter()
            .any(|w| matches!(*w, "sent" | "delivered" | "seen"))
    {
        return Some(Delivery::Accepted);
    }
    if words.first() == Some(&"đã") && words.len() <= 5 {
        return Some(Delivery::Accepted);
    }
    None
}

/// Returns true if and only if `text` is a time or date as chat separators write them
/// ("09:41", "Today 09:41", "Hôm qua 21:05", "3:08 AM", "12/05/2026"): it has a clock time or a
/// numeric date and at most four words besides.
pub fn looks_like_time(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 40 {
        return false;
    }
    let has_clock = t.split_whitespace().any(|w| {
        let w = w.trim_end_matches([',', '.']);
        let mut parts = w.split(':');
        matches!(
            (parts.next(), parts.next(), parts.next()),
            (Some(h), Some(m), None)
                if (1..=2).contains(&h.len())
                    && h.bytes().all(|b| b.is_ascii_digit())
                    && m.len() == 2
                    && m.bytes().all(|b| b.is_ascii_digit())
        )
    });
    let has_date = t.split_whitespace().any(|w| {
        let parts: Vec<&str> = w.trim_end_matches([',', '.']).split('/').collect();
        parts.len() >= 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
    });
    (has_clock || has_date) && t.split_whitespace().count() <= 6
}

/// The username in a link to a buyer's profile on `platform`, or `None` when `href` is not a
/// profile link (a thread, a post, a settings page, another site). Relative hrefs are read as
/// on the platform's own host.
///
/// Instagram: `/<username>/`. Facebook: `https://www.facebook.com/<username>` or
/// `/profile.php?id=<id>` (then the id).
/// Returns true if and only if `name` follows Instagram's username grammar: 1–30 letters,
/// digits, periods and underscores, not starting or ending with a period, no two periods in a
/// row. An identity is taken only from a link that passes it (issue 13, point 15): a line of
/// header text ("Đang hoạt động", shared by many threads) can never become a username.
pub fn is_instagram_username(name: &str) -> bool {
    (1..=30).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_'))
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
}

pub fn profile_username(platform: Platform, href: &str) -> Option<String> {
    let (host, rest) = match href.strip_prefix("https://") {
        Some(rest) => match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        },
        None if href.starts_with('/') && !href.starts_with("//") => ("", href),
        None => return None,
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let valid = |name: &str| {
        !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_'))
    };
    match platform {
        Platform::Instagram => {
            if !matches!(host, "" | "www.instagram.com" | "instagram.com") {
                return None;
            }
            const RESERVED: &[&str] = &[
                "direct",
                "explore",
                "reels",
                "reel",
                "p",
                "stories",
                "accounts",
                "about",
                "legal",
                "developer",
                "tv",
                "web",
                "emails",
                "challenge",
            ];
            match segments.as_slice() {
                [name] if is_instagram_username(name) && !RESERVED.contains(name) => {
                    Some((*name).to_owned())
                }
                _ => None,
            }
        }
        Platform::Facebook | Platform::Messenger | Platform::BusinessSuite => {
            if !matches!(
                host,
                "" | "www.facebook.com" | "facebook.com" | "web.facebook.com"
            ) {
                return None;
            }
            const RESERVED: &[&str] = &[
                "messages",
                "marketplace",
                "groups",
                "watch",
                "gaming",
                "events",
                "pages",
                "settings",
                "notifications",
                "friends",
                "help",
                "policies",
                "privacy",
                "login",
                "photo",
                "photos",
                "stories",
                "reel",
                "latest",
                "business",
            ];
            match segments.as_slice() {
                ["profile.php"] => query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("id="))
                    .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
                    .map(str::to_owned),
                [name] if valid(name) && !RESERVED.contains(name) && !name.ends_with(".php") => {
                    Some((*name).to_owned())
                }
                _ => None,
            }
        }
    }
}

/// The signals of one conversation pane that change with the thread, as strings. Each is
/// optional: pages differ in what they offer, and any one may be missing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signature {
    /// The composer's `aria-label` ("Write to Lan").
    pub composer_label: Option<String>,
    /// The labels of the pane around the composer and of the message list, joined.
    pub pane_label: Option<String>,
    /// The name in the header (a heading in the profile link, at any depth).
    pub header_name: Option<String>,
    /// The header's link to the buyer's profile.
    pub profile_href: Option<String>,
    /// The buyer's name as read from all of the above.
    pub name: Option<String>,
}

/// Facts about elements, which only the page can tell (by node identity).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeFacts {
    /// The composer on screen is not the node that was there before the switch.
    pub composer_replaced: bool,
    /// The previous thread had messages on screen, and none of those nodes is still on the page.
    pub old_messages_gone: bool,
    /// The previous pane had no composer (an end-to-end encryption notice) and this one has.
    pub composer_appeared: bool,
}

/// Whether the pane on screen belongs to the thread in the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaneVerdict {
    /// The new thread's pane: safe to read and type.
    Ready,
    /// Still the previous thread's pane, or nothing shows that it changed yet.
    Stale,
    /// A visible signal names a buyer other than the one this thread is known to have.
    OtherBuyer,
}

impl Signature {
    fn texts(&self) -> [(&'static str, Option<&str>); 4] {
        [
            ("composer_label", self.composer_label.as_deref()),
            ("pane_label", self.pane_label.as_deref()),
            ("header_name", self.header_name.as_deref()),
            ("profile_href", self.profile_href.as_deref()),
        ]
    }

    /// The names of the signals present, for the field diagnostic.
    pub fn present(&self) -> Vec<&'static str> {
        self.texts()
            .into_iter()
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| k)
            .collect()
    }

    /// Returns true if and only if no signal at all is present.
    pub fn is_empty(&self) -> bool {
        self.texts().iter().all(|(_, v)| v.is_none())
    }
}

/// Decides whether the pane `now` on screen is the new thread's, after a switch away from a
/// thread whose pane read `old` (`None` on a page's first thread: nothing to mistake it for).
/// `expected_name` is the buyer this thread was seen with before, if it was.
///
/// - A visible name that differs from `expected_name` → [`PaneVerdict::OtherBuyer`].
/// - A signal still equal to the old pane's, where the old value named the old buyer → stale
///   (never type while a visible signal names the previous buyer), unless the new thread is
///   known to have a buyer of the same name.
/// - Otherwise ready once any signal present in both differs, or the old messages are all gone,
///   or a composer appeared where there was none, or — when the two share no signal at all —
///   the composer is a new node.
pub fn pane_verdict(
    old: Option<&Signature>,
    now: &Signature,
    facts: NodeFacts,
    expected_name: Option<&str>,
) -> PaneVerdict {
    if let (Some(expected), Some(name)) = (expected_name, now.name.as_deref()) {
        if expected != name {
            return PaneVerdict::OtherBuyer;
        }
    }
    let Some(old) = old else {
        return if now.is_empty() && !facts.composer_replaced {
            PaneVerdict::Stale
        } else {
            PaneVerdict::Ready
        };
    };
    let old_name = old.name.as_deref().filter(|n| !n.is_empty());
    let same_name_known = old_name.is_some() && old_name == expected_name;
    let mut shared = 0;
    let mut differs = false;
    for ((_, was), (_, is)) in old.texts().into_iter().zip(now.texts()) {
        let (Some(was), Some(is)) = (was, is) else {
            continue;
        };
        shared += 1;
        let names_old = !same_name_known && old_name.is_some_and(|n| mentions(is, n));
        if was == is && names_old {
            return PaneVerdict::Stale;
        }
        // A change counts only if the new value no longer names the previous buyer (a label
        // that lost a part while the old pane is still up is not a new thread).
        if was != is && !names_old {
            differs = true;
        }
    }
    if differs
        || facts.old_messages_gone
        || facts.composer_appeared
        || (shared == 0 && facts.composer_replaced)
    {
        PaneVerdict::Ready
    } else {
        PaneVerdict::Stale
    }
}

/// Returns false if and only if the page's own links to the URL's thread (its row in the thread
/// list: `rows`, their texts) name someone else than the pane's buyer `name`: the positive
/// match of a pane with the URL's thread (issue 13, point 4). After two quick switches a late
/// pane of the middle thread differs from the remembered one, but its name is not in the row
/// of the thread the URL shows. No row, or no name, is no evidence either way (`true`).
/// Compared without case and with white space folded, at the start of one of the row's lines;
/// the row may hold more (snippet, time), glued to the name without spaces.
pub fn row_names(rows: &[String], name: Option<&str>) -> bool {
    // nobi_text's lower: the content script cannot afford Rust's Unicode case tables.
    let fold = |t: &str| nobi_text::lower(&t.split_whitespace().collect::<String>());
    let Some(name) = name.map(fold).filter(|n| !n.is_empty()) else {
        return true;
    };
    // The name leads its line of the row (the snippet and time follow it, or are lines of their
    // own): a short name inside another ("Anh" in "Trần Minh Anh") or quoted in the snippet
    // is not the row's.
    let lines: Vec<String> = rows
        .iter()
        .flat_map(|r| r.lines())
        .map(fold)
        .filter(|l| !l.is_empty())
        .collect();
    lines.is_empty() || lines.iter().any(|l| l.starts_with(&name))
}

#[cfg(test)]
mod row_tests {
    use super::row_names;

    #[test]
    fn a_pane_whose_buyer_is_not_in_the_threads_row_is_not_that_threads() {
        let row = vec!["Trần Minh AnhBạn: Dạ vâng · 2 giờ".to_string()];
        assert!(row_names(&row, Some("Trần Minh Anh")));
        assert!(row_names(&row, Some("trần  minh anh")));
        assert!(
            !row_names(&row, Some("Nguyễn Thị Hồng")),
            "the middle thread's late pane"
        );
        assert!(
            row_names(&[], Some("Nguyễn Thị Hồng")),
            "no row: no evidence"
        );
        assert!(row_names(&row, None), "no name: no evidence");
        assert!(row_names(&[String::new()], Some("Lan")));
        // A short name inside the row's name, or in its snippet, is not the row's.
        let row = vec!["Trần Minh Anh\nBạn: Anh ơi, shop gửi ạ".to_string()];
        assert!(!row_names(&row, Some("Anh")));
        assert!(!row_names(&row, Some("Minh Anh")));
        assert!(row_names(&row, Some("Trần Minh Anh")));
    }
}

/// Returns true if and only if `text` contains `name` as whole words.
fn mentions(text: &str, name: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let name: Vec<&str> = name.split_whitespace().collect();
    !name.is_empty() && words.windows(name.len()).any(|w| w == name.as_slice())
}

/// ARIA roles the layout report may name: a fixed vocabulary, so a page cannot smuggle text
/// into the report through a `role` attribute.
const ARIA_ROLES: &[&str] = &[
    "alert",
    "alertdialog",
    "application",
    "article",
    "banner",
    "button",
    "cell",
    "checkbox",
    "columnheader",
    "combobox",
    "complementary",
    "contentinfo",
    "dialog",
    "document",
    "feed",
    "figure",
    "form",
    "grid",
    "gridcell",
    "group",
    "heading",
    "img",
    "link",
    "list",
    "listbox",
    "listitem",
    "log",
    "main",
    "menu",
    "menubar",
    "menuitem",
    "navigation",
    "none",
    "option",
    "presentation",
    "progressbar",
    "region",
    "row",
    "rowgroup",
    "rowheader",
    "scrollbar",
    "search",
    "separator",
    "status",
    "switch",
    "tab",
    "table",
    "tablist",
    "tabpanel",
    "textbox",
    "timer",
    "toolbar",
    "tooltip",
    "tree",
    "treeitem",
];

/// Returns true if and only if a message queued for `queued` may go out from a page that acts
/// as `acting`: false only when both are known and differ (usernames and page ids compared
/// without case). A page that does not tell its account is not refused: the adapters read it
/// from one avatar, and a redesign must not stop every send; the queue-time account came from
/// the same reading.
pub fn same_account(queued: Option<&str>, acting: Option<&str>) -> bool {
    match (queued, acting) {
        (Some(queued), Some(acting)) => queued.trim().eq_ignore_ascii_case(acting.trim()),
        _ => true,
    }
}

#[cfg(test)]
mod account_tests {
    use super::same_account;

    /// Issue 13, point 14: a message queued as the shop's account never goes out from another.
    #[test]
    fn a_message_goes_out_only_from_its_own_account() {
        assert!(same_account(Some("hoamai.shop"), Some("HoaMai.Shop")));
        assert!(!same_account(Some("hoamai.shop"), Some("nguyen.van.a")));
        assert!(!same_account(Some("1098"), Some("2201")));
        assert!(same_account(None, Some("nguyen.van.a")));
        assert!(same_account(Some("hoamai.shop"), None));
    }
}

/// The role as the layout report may show it: an ARIA role, else `"?"`.
pub fn report_role(role: &str) -> &'static str {
    ARIA_ROLES
        .iter()
        .find(|r| **r == role)
        .copied()
        .unwrap_or("?")
}

/// Returns true if and only if the layout report may show this tag or attribute name: lowercase
/// ASCII letters, digits and `-`, starting with a letter, at most 32 characters, and no digit run
/// longer than 2 (ids hidden in attribute names such as `data-100087654321`).
pub fn report_name_ok(name: &str) -> bool {
    let mut digits = 0;
    name.len() <= 32
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.bytes().all(|b| {
            digits = if b.is_ascii_digit() { digits + 1 } else { 0 };
            digits <= 2 && (b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(labels: &[&str]) -> Option<String> {
        name_from_labels(labels)
    }

    #[test]
    fn the_name_is_what_the_labels_have_in_common_in_any_wording() {
        assert_eq!(
            name(&["Write to Vũ Thị Lan", "Conversation with Vũ Thị Lan"]).as_deref(),
            Some("Vũ Thị Lan")
        );
        // Wordings in no table.
        assert_eq!(
            name(&["Soạn gửi tới Vũ Thị Lan", "Khung chat: Vũ Thị Lan"]).as_deref(),
            Some("Vũ Thị Lan")
        );
        // Two labels worded alike share "with" as well.
        assert_eq!(
            name(&["Conversation with Han", "Messages in conversation with Han"]).as_deref(),
            Some("Han")
        );
        // Three labels: what all three share.
        assert_eq!(
            name(&[
                "Write to Bùi Ngọc Hân",
                "Conversation with Bùi Ngọc Hân",
                "Messages in conversation with Bùi Ngọc Hân"
            ])
            .as_deref(),
            Some("Bùi Ngọc Hân")
        );
        // Marketplace: the listing after " · " is not the name.
        assert_eq!(
            name(&["Write to Lan · Áo len", "Conversation with Lan"]).as_deref(),
            Some("Lan")
        );
    }

    #[test]
    fn labels_worded_alike_or_naming_two_people() {
        assert_eq!(
            name(&[
                "Cuộc trò chuyện với Lan",
                "Tin nhắn trong cuộc trò chuyện với Lan"
            ])
            .as_deref(),
            Some("Lan")
        );
        assert_eq!(
            name(&["Write to To Thi Lan", "Conversation with To Thi Lan"]).as_deref(),
            Some("To Thi Lan")
        );
        assert_eq!(
            common_name(&["Write to Ngọc Anh", "Conversation with Tuấn Anh"]),
            None,
            "mid-switch: two people"
        );
    }

    #[test]
    fn a_single_label_needs_a_known_prefix() {
        assert_eq!(name(&["Write to Lan"]).as_deref(), Some("Lan"));
        assert_eq!(name(&["write to Lan"]).as_deref(), Some("Lan"));
        assert_eq!(name(&["Cuộc trò chuyện với Hân"]).as_deref(), Some("Hân"));
        assert_eq!(
            name(&["Gõ cho Lan"]),
            None,
            "unknown wording, nothing to compare"
        );
        assert_eq!(name(&["Message"]), None);
        assert_eq!(name(&[]), None);
    }

    #[test]
    fn wording_and_times_are_not_names() {
        assert_eq!(name(&["Message", "Message"]), None);
        assert_eq!(name(&["Tin nhắn", "Tin nhắn"]), None);
        assert_eq!(name(&["Sent at 09:41", "Seen 09:41"]), None);
        assert_eq!(name(&["Write to 12", "Conversation with 12"]), None);
    }

    #[test]
    fn delivery_states_in_known_and_unknown_wordings() {
        use Delivery::*;
        for (text, want) in [
            ("Sent", Some(Accepted)),
            ("Delivered", Some(Accepted)),
            ("Seen", Some(Accepted)),
            ("Seen by Lan", Some(Accepted)),
            ("Seen just now", Some(Accepted)),
            ("Message sent", Some(Accepted)),
            ("Message delivered", Some(Accepted)),
            ("Đã gửi", Some(Accepted)),
            ("Đã xem", Some(Accepted)),
            ("Đã chuyển đi", Some(Accepted)),
            ("Failed to send", Some(Failed)),
            ("Not sent. Tap to try again.", Some(Failed)),
            ("Couldn't send. Tap to retry.", Some(Failed)),
            ("Không gửi được", Some(Failed)),
            ("Chưa chuyển được. Nhấn để thử lại", Some(Failed)),
            ("Lỗi: tin chưa gửi", Some(Failed)),
            ("Sending…", None),
            ("Not delivered", Some(Failed)),
            ("Message not delivered", Some(Failed)),
            ("Sending failed", Some(Failed)),
            ("Failed", Some(Failed)),
            ("Đã xảy ra lỗi", Some(Failed)),
            ("Đã thu hồi", None),
            ("Đã hủy gửi", None),
            ("You sent", None),
            ("Bạn đã gửi", None),
            ("Đang gửi…", None),
            ("Active now", None),
            ("Typing", None),
            ("Sentence of a long message that mentions nothing", None),
            ("", None),
        ] {
            assert_eq!(classify_status(text), want, "{text}");
        }
    }

    #[test]
    fn times_as_separators_write_them() {
        for t in [
            "09:41",
            "Today 09:41",
            "Hôm qua 21:05",
            "3:08 AM",
            "Thứ Hai 07:30",
            "12/05/2026",
        ] {
            assert!(looks_like_time(t), "{t}");
        }
        for t in ["Dạ 350.000đ ạ", "sdt 0912 345 678", "Size M còn ạ", "1:1"] {
            assert!(!looks_like_time(t), "{t}");
        }
    }

    #[test]
    fn profile_links_by_platform() {
        use Platform::*;
        assert_eq!(
            profile_username(Instagram, "/hong.nguyen.92/").as_deref(),
            Some("hong.nguyen.92")
        );
        assert_eq!(
            profile_username(Instagram, "https://www.instagram.com/hong.nguyen.92/").as_deref(),
            Some("hong.nguyen.92")
        );
        assert_eq!(profile_username(Instagram, "/direct/t/1234/"), None);
        assert_eq!(profile_username(Instagram, "/explore/"), None);
        for bad in [
            "/.hong/",
            "/hong./",
            "/ho..ng/",
            "/a_username_that_is_far_too_long_x/",
            "/Đang%20hoạt%20động/",
        ] {
            assert_eq!(profile_username(Instagram, bad), None, "{bad}");
        }
        assert_eq!(profile_username(Instagram, "https://evil.example/x/"), None);
        assert_eq!(
            profile_username(Facebook, "https://www.facebook.com/lan.vu.5682").as_deref(),
            Some("lan.vu.5682")
        );
        assert_eq!(
            profile_username(Facebook, "/profile.php?id=100087654321001").as_deref(),
            Some("100087654321001")
        );
        assert_eq!(
            profile_username(Facebook, "https://www.facebook.com/messages/t/1/"),
            None
        );
        assert_eq!(profile_username(Facebook, "javascript:alert(1)"), None);
        assert_eq!(profile_username(Facebook, "//evil.example/x"), None);
    }

    fn sig(composer: Option<&str>, pane: Option<&str>, name: Option<&str>) -> Signature {
        Signature {
            composer_label: composer.map(Into::into),
            pane_label: pane.map(Into::into),
            header_name: None,
            profile_href: None,
            name: name.map(Into::into),
        }
    }

    #[test]
    fn the_old_composer_label_keeps_the_pane_stale() {
        let old = sig(
            Some("Write to Lan"),
            Some("Conversation with Lan"),
            Some("Lan"),
        );
        // The pane label changed first, the old composer is still there: not ready.
        let mixed = sig(Some("Write to Lan"), Some("Conversation with Hân"), None);
        assert_eq!(
            pane_verdict(Some(&old), &mixed, NodeFacts::default(), None),
            PaneVerdict::Stale
        );
        let new = sig(
            Some("Write to Hân"),
            Some("Conversation with Hân"),
            Some("Hân"),
        );
        assert_eq!(
            pane_verdict(Some(&old), &new, NodeFacts::default(), None),
            PaneVerdict::Ready
        );
        // Unchanged, even with the old messages gone (a spinner): the old composer names Lan.
        assert_eq!(
            pane_verdict(
                Some(&old),
                &old,
                NodeFacts {
                    composer_replaced: true,
                    old_messages_gone: true,
                    composer_appeared: false,
                },
                None
            ),
            PaneVerdict::Stale
        );
    }

    #[test]
    fn a_label_that_changed_but_still_names_the_old_buyer_is_no_change() {
        let old = sig(
            Some("Message"),
            Some("Conversation with Lan | Messages in conversation with Lan"),
            Some("Lan"),
        );
        let flapped = sig(Some("Message"), Some("Conversation with Lan"), Some("Lan"));
        assert_eq!(
            pane_verdict(Some(&old), &flapped, NodeFacts::default(), None),
            PaneVerdict::Stale
        );
    }

    #[test]
    fn constant_labels_do_not_block_and_nodes_decide_when_nothing_else_can() {
        // Instagram: the composer's label is the same in every thread.
        let old = Signature {
            composer_label: Some("Message".into()),
            header_name: Some("Lan".into()),
            name: Some("Lan".into()),
            ..Signature::default()
        };
        let new = Signature {
            composer_label: Some("Message".into()),
            header_name: Some("Hân".into()),
            name: Some("Hân".into()),
            ..Signature::default()
        };
        assert_eq!(
            pane_verdict(Some(&old), &new, NodeFacts::default(), None),
            PaneVerdict::Ready
        );
        // Nothing in common to compare: a new composer node, or the old messages gone.
        let bare = Signature::default();
        assert_eq!(
            pane_verdict(Some(&bare), &bare, NodeFacts::default(), None),
            PaneVerdict::Stale
        );
        assert_eq!(
            pane_verdict(
                Some(&bare),
                &bare,
                NodeFacts {
                    composer_replaced: true,
                    ..NodeFacts::default()
                },
                None
            ),
            PaneVerdict::Ready
        );
    }

    #[test]
    fn a_visible_name_other_than_the_known_buyer_refuses() {
        let now = sig(Some("Write to Lan"), None, Some("Lan"));
        assert_eq!(
            pane_verdict(None, &now, NodeFacts::default(), Some("Hân")),
            PaneVerdict::OtherBuyer
        );
        assert_eq!(
            pane_verdict(None, &now, NodeFacts::default(), Some("Lan")),
            PaneVerdict::Ready
        );
    }

    #[test]
    fn two_buyers_with_one_name_are_told_apart_by_what_else_changes() {
        let old = Signature {
            composer_label: Some("Write to Lan".into()),
            profile_href: Some("https://www.facebook.com/lan.1".into()),
            name: Some("Lan".into()),
            ..Signature::default()
        };
        let new = Signature {
            profile_href: Some("https://www.facebook.com/lan.2".into()),
            ..old.clone()
        };
        assert_eq!(
            pane_verdict(Some(&old), &new, NodeFacts::default(), Some("Lan")),
            PaneVerdict::Ready
        );
        assert_eq!(
            pane_verdict(Some(&old), &old, NodeFacts::default(), Some("Lan")),
            PaneVerdict::Stale
        );
    }

    #[test]
    fn an_encryption_notice_that_becomes_the_same_buyers_chat_is_ready_once_the_composer_comes() {
        let notice = sig(None, Some("Conversation with Lan"), Some("Lan"));
        let chat = sig(
            Some("Write to Lan"),
            Some("Conversation with Lan"),
            Some("Lan"),
        );
        let appeared = NodeFacts {
            composer_appeared: true,
            ..NodeFacts::default()
        };
        // Same buyer, vouched for by the caller: the composer's arrival is the change.
        assert_eq!(
            pane_verdict(Some(&notice), &chat, appeared, Some("Lan")),
            PaneVerdict::Ready
        );
        // Not vouched for: the unchanged label names the previous buyer.
        assert_eq!(
            pane_verdict(Some(&notice), &chat, appeared, None),
            PaneVerdict::Stale
        );
    }

    #[test]
    fn the_report_keeps_only_vocabulary() {
        assert_eq!(report_role("button"), "button");
        assert_eq!(report_role("Nguyễn Thị Hồng"), "?");
        assert!(report_name_ok("aria-roledescription"));
        assert!(report_name_ok("h2"));
        assert!(report_name_ok("data-lexical-editor"));
        assert!(!report_name_ok("data-100087654321"));
        assert!(!report_name_ok("Lan"));
        assert!(!report_name_ok(""));
    }
}

//! The audience filter against a deliberately naive reimplementation of its documented contract
//! (written from the field docs, not from the code: plain loops, a sort for the thread to write
//! to, signed arithmetic for the window), on random customers and filters whose times cluster
//! around the edges (exactly 24 hours, range ends). Then the edges one by one.

use std::collections::HashSet;

use nobi_campaign::audience::{
    audience, Audience, Candidate, ConversationFacts, DateRange, Facts, Filter, OrderFacts, Reach,
    Unreachable, WINDOW_MS,
};
use nobi_protocol::{Platform, ThreadRef};
use proptest::prelude::*;
use proptest::sample::select;

/// 2026-12-07 10:00 in Vietnam.
const NOW: u64 = 1_796_612_400_000;
const DAY: u64 = WINDOW_MS;

const TAGS: [&str; 6] = ["t0", "t1", "t2", "t3", "t4", "t5"];
const GENDERS: [&str; 4] = ["female", "male", "other", " "];
const STATUSES: [&str; 7] = [
    "new",
    "confirmed",
    "packing",
    "shipping",
    "delivered",
    "returned",
    "cancelled",
];
const PLATFORMS: [Platform; 4] = [
    Platform::Instagram,
    Platform::Facebook,
    Platform::Messenger,
    Platform::BusinessSuite,
];
const ACCOUNTS: [&str; 2] = ["shop_a", "shop_b"];

// ---------------------------------------------------------------------------------------------
// The naive filter.

fn non_blank(values: &[String]) -> bool {
    values.iter().filter(|v| !v.trim().is_empty()).count() > 0
}

fn in_range(range: &DateRange, at: u64) -> bool {
    let after_start = match range.from {
        Some(from) => at >= from,
        None => true,
    };
    let before_end = match range.to {
        Some(to) => at <= to,
        None => true,
    };
    after_start && before_end
}

fn naive_on_channel(filter: &Filter, c: &ConversationFacts) -> bool {
    if let Some(platform) = filter.platform {
        if c.to.platform != platform {
            return false;
        }
    }
    if let Some(account) = &filter.account {
        if c.account.as_ref() != Some(account) {
            return false;
        }
    }
    true
}

fn naive_matches(filter: &Filter, f: &Facts, now: u64) -> bool {
    if !filter.tags_any.is_empty() {
        let mut found = false;
        for tag in &f.tags {
            if filter.tags_any.contains(tag) {
                found = true;
            }
        }
        if !found {
            return false;
        }
    }
    for tag in &f.tags {
        if filter.tags_none.contains(tag) {
            return false;
        }
    }
    if let Some(want) = filter.has_phone {
        if non_blank(&f.phones) != want {
            return false;
        }
    }
    if let Some(want) = filter.has_email {
        if non_blank(&f.emails) != want {
            return false;
        }
    }
    let gender: Option<String> = f.gender.clone().filter(|g| !g.trim().is_empty());
    if let Some(want) = filter.has_gender {
        if gender.is_some() != want {
            return false;
        }
    }
    if !filter.genders.is_empty() {
        match &gender {
            Some(g) if filter.genders.contains(g) => {}
            _ => return false,
        }
    }
    if let Some(range) = &filter.last_interaction {
        match f.last_interaction {
            Some(at) if in_range(range, at) => {}
            _ => return false,
        }
    }
    if let Some(range) = &filter.first_contact {
        if !in_range(range, f.created_at) {
            return false;
        }
    }
    if filter.window_closed {
        let mut closed = false;
        for c in &f.conversations {
            if let Some(at) = c.last_message_at {
                let age = now as i128 - at as i128;
                if naive_on_channel(filter, c) && !c.replied && age >= DAY as i128 {
                    closed = true;
                }
            }
        }
        if !closed {
            return false;
        }
    }
    if let Some(want) = filter.has_order {
        let has_orders = !f.orders.is_empty();
        if has_orders != want {
            return false;
        }
    }
    if !filter.order_status.is_empty() {
        let mut found = false;
        for o in &f.orders {
            if filter.order_status.contains(&o.status) {
                found = true;
            }
        }
        if !found {
            return false;
        }
    }
    true
}

fn naive_reach(filter: &Filter, f: &Facts) -> Reach {
    if f.conversations.is_empty() {
        return Reach::Unreachable {
            why: Unreachable::NoConversation,
        };
    }
    let mut on_channel: Vec<&ConversationFacts> = f
        .conversations
        .iter()
        .filter(|c| naive_on_channel(filter, c))
        .collect();
    // Stable: among equal times the first listed stays first; unknown times sort last.
    on_channel.sort_by_key(|c| std::cmp::Reverse(c.last_message_at));
    match on_channel.first() {
        Some(c) => Reach::Thread {
            to: c.to.clone(),
            account: c.account.clone(),
        },
        None => Reach::Unreachable {
            why: Unreachable::NotOnChosenChannel,
        },
    }
}

fn naive_audience(
    filter: &Filter,
    facts: &[Facts],
    only: Option<&HashSet<String>>,
    excluded: &HashSet<String>,
    do_not_message: &HashSet<String>,
    now: u64,
) -> Audience {
    let mut out = Audience::default();
    for f in facts {
        if let Some(only) = only {
            if !only.contains(&f.customer_id) {
                continue;
            }
        }
        if !naive_matches(filter, f, now) {
            continue;
        }
        if do_not_message.contains(&f.customer_id) {
            out.do_not_message += 1;
        } else if excluded.contains(&f.customer_id) {
            out.excluded += 1;
        } else {
            out.candidates.push(Candidate {
                customer_id: f.customer_id.clone(),
                name: f.name.clone(),
                reach: naive_reach(filter, f),
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Generators: small alphabets so that filters and customers meet, times on the edges often.

fn time() -> impl Strategy<Value = u64> {
    prop_oneof![
        select(vec![
            NOW - 2 * DAY,
            NOW - DAY - 1,
            NOW - DAY,
            NOW - DAY + 1,
            NOW - 1,
            NOW,
            NOW + 1,
        ]),
        (NOW - 4 * DAY)..(NOW + DAY),
    ]
}

fn strings(alphabet: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(select(alphabet).prop_map(String::from), 0..=max)
}

fn conversation() -> impl Strategy<Value = ConversationFacts> {
    (
        select(&PLATFORMS[..]),
        0u8..4,
        proptest::option::of(select(&ACCOUNTS[..])),
        proptest::option::weighted(0.85, time()),
        any::<bool>(),
    )
        .prop_map(
            |(platform, thread, account, last_message_at, replied)| ConversationFacts {
                to: ThreadRef {
                    platform,
                    thread_id: format!("thread{thread}"),
                },
                account: account.map(String::from),
                last_message_at,
                replied,
            },
        )
}

fn facts(index: usize) -> impl Strategy<Value = Facts> {
    (
        strings(&TAGS, 3),
        strings(&["0912345678", "", " "], 2),
        strings(&["lan@gmail.com", ""], 2),
        proptest::option::of(select(&GENDERS[..]).prop_map(String::from)),
        time(),
        proptest::option::of(time()),
        proptest::collection::vec(conversation(), 0..4),
        proptest::collection::vec(
            (select(&STATUSES[..]), time()).prop_map(|(s, at)| OrderFacts {
                status: s.to_owned(),
                created_at: at,
            }),
            0..3,
        ),
    )
        .prop_map(
            move |(tags, phones, emails, gender, created_at, last, conversations, orders)| Facts {
                customer_id: format!("c{index}"),
                name: format!("Khách {index}"),
                tags,
                phones,
                emails,
                gender,
                created_at,
                last_interaction: last,
                conversations,
                orders,
            },
        )
}

fn shop() -> impl Strategy<Value = Vec<Facts>> {
    (0usize..25).prop_flat_map(|n| (0..n).map(facts).collect::<Vec<_>>())
}

fn range() -> impl Strategy<Value = DateRange> {
    (proptest::option::of(time()), proptest::option::of(time()))
        .prop_map(|(from, to)| DateRange { from, to })
}

/// A condition's list: mostly unset, so that several conditions set at once still match someone.
fn list(alphabet: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        3 => Just(Vec::new()),
        1 => proptest::collection::vec(select(alphabet).prop_map(String::from), 1..=2),
    ]
}

/// A tag list, now and then longer than the short-list path of the prepared filter.
fn tag_list() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        6 => list(&TAGS),
        1 => proptest::collection::vec(select(&TAGS[..]).prop_map(String::from), 17..24),
    ]
}

fn yes_no() -> impl Strategy<Value = Option<bool>> {
    proptest::option::weighted(0.25, any::<bool>())
}

fn filter() -> impl Strategy<Value = Filter> {
    let who = (
        tag_list(),
        tag_list(),
        yes_no(),
        yes_no(),
        yes_no(),
        list(&GENDERS[..3]),
    );
    let when = (
        proptest::option::weighted(0.25, range()),
        proptest::option::weighted(0.25, range()),
        proptest::option::weighted(0.4, select(&PLATFORMS[..])),
        proptest::option::weighted(0.3, select(&ACCOUNTS[..]).prop_map(String::from)),
        proptest::bool::weighted(0.3),
        yes_no(),
        list(&STATUSES),
    );
    (who, when).prop_map(
        |(
            (tags_any, tags_none, has_phone, has_email, has_gender, genders),
            (
                last_interaction,
                first_contact,
                platform,
                account,
                window_closed,
                has_order,
                order_status,
            ),
        )| Filter {
            tags_any,
            tags_none,
            has_phone,
            has_email,
            has_gender,
            genders,
            last_interaction,
            first_contact,
            platform,
            account,
            window_closed,
            has_order,
            order_status,
        },
    )
}

/// Mostly now; sometimes a clock within the first day of the epoch, when no message can be 24
/// hours old yet.
fn now() -> impl Strategy<Value = u64> {
    prop_oneof![4 => Just(NOW), 1 => 0..(2 * DAY)]
}

fn subset(facts: &[Facts], picks: &[bool]) -> HashSet<String> {
    facts
        .iter()
        .zip(picks.iter().cycle())
        .filter(|(_, &pick)| pick)
        .map(|(f, _)| f.customer_id.clone())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn matches_is_the_documented_contract(
        f in facts(0),
        filter in filter(),
        now in now(),
    ) {
        prop_assert_eq!(filter.matches(&f, now), naive_matches(&filter, &f, now));
        prop_assert_eq!(filter.prepare(now).reach(&f), naive_reach(&filter, &f));
    }

    #[test]
    fn audience_is_the_naive_audience(
        shop in shop(),
        filter in filter(),
        now in now(),
        only in proptest::option::of(proptest::collection::vec(proptest::bool::weighted(0.7), 1..8)),
        excluded in proptest::collection::vec(proptest::bool::weighted(0.2), 1..8),
        do_not_message in proptest::collection::vec(proptest::bool::weighted(0.2), 1..8),
    ) {
        let only = only.map(|picks| subset(&shop, &picks));
        let excluded = subset(&shop, &excluded);
        let do_not_message = subset(&shop, &do_not_message);
        let fast = audience(&filter, &shop, only.as_ref(), &excluded, &do_not_message, now);
        let naive = naive_audience(&filter, &shop, only.as_ref(), &excluded, &do_not_message, now);
        prop_assert_eq!(&fast, &naive);
        // Every matching customer is accounted for exactly once.
        let matching = shop
            .iter()
            .filter(|f| only.as_ref().is_none_or(|o| o.contains(&f.customer_id)))
            .filter(|f| naive_matches(&filter, f, now))
            .count();
        prop_assert_eq!(fast.candidates.len() + fast.excluded + fast.do_not_message, matching);
    }

    #[test]
    fn the_filter_survives_json(filter in filter()) {
        let json = serde_json::to_string(&filter).unwrap();
        prop_assert_eq!(serde_json::from_str::<Filter>(&json).unwrap(), filter);
    }
}

// ---------------------------------------------------------------------------------------------
// Edges.

fn thread(platform: Platform, id: &str) -> ThreadRef {
    ThreadRef {
        platform,
        thread_id: id.to_owned(),
    }
}

fn talk(
    platform: Platform,
    id: &str,
    account: &str,
    at: Option<u64>,
    replied: bool,
) -> ConversationFacts {
    ConversationFacts {
        to: thread(platform, id),
        account: Some(account.to_owned()),
        last_message_at: at,
        replied,
    }
}

fn customer(conversations: Vec<ConversationFacts>) -> Facts {
    Facts {
        customer_id: "c1".into(),
        name: "Chị Lan".into(),
        created_at: NOW - 30 * DAY,
        conversations,
        ..Facts::default()
    }
}

fn window_closed() -> Filter {
    Filter {
        window_closed: true,
        ..Filter::default()
    }
}

#[test]
fn the_window_closes_exactly_24_hours_after_the_buyers_last_message() {
    let at = |t| {
        customer(vec![talk(
            Platform::Instagram,
            "t1",
            "shop_a",
            Some(t),
            false,
        )])
    };
    assert!(
        window_closed().matches(&at(NOW - DAY), NOW),
        "exactly 24 h: closed"
    );
    assert!(window_closed().matches(&at(NOW - DAY - 1), NOW));
    assert!(
        !window_closed().matches(&at(NOW - DAY + 1), NOW),
        "1 ms short of 24 h: open"
    );
    assert!(
        !window_closed().matches(&at(NOW + 5), NOW),
        "a clock ahead is not closed"
    );
    assert!(
        !window_closed().matches(&at(0), DAY - 1),
        "nothing is 24 h old on day one"
    );
    assert!(window_closed().matches(&at(0), DAY));
}

#[test]
fn an_answered_or_undated_conversation_or_one_off_the_channel_does_not_close_the_window() {
    let answered = customer(vec![talk(
        Platform::Instagram,
        "t1",
        "shop_a",
        Some(NOW - 3 * DAY),
        true,
    )]);
    assert!(!window_closed().matches(&answered, NOW));
    let undated = customer(vec![talk(Platform::Instagram, "t1", "shop_a", None, false)]);
    assert!(!window_closed().matches(&undated, NOW));
    let elsewhere = customer(vec![
        talk(
            Platform::Facebook,
            "f1",
            "shop_a",
            Some(NOW - 3 * DAY),
            false,
        ),
        talk(
            Platform::Instagram,
            "i1",
            "shop_b",
            Some(NOW - 3 * DAY),
            false,
        ),
        talk(
            Platform::Instagram,
            "i2",
            "shop_a",
            Some(NOW - 1_000),
            false,
        ),
    ]);
    let on_instagram_shop_a = Filter {
        platform: Some(Platform::Instagram),
        account: Some("shop_a".into()),
        ..window_closed()
    };
    assert!(!on_instagram_shop_a.matches(&elsewhere, NOW));
    assert!(
        window_closed().matches(&elsewhere, NOW),
        "any channel when none is chosen"
    );
}

#[test]
fn date_ranges_include_both_ends() {
    let mut f = customer(Vec::new());
    f.created_at = NOW - 10 * DAY;
    f.last_interaction = Some(NOW - DAY);
    let first = |from, to| Filter {
        first_contact: Some(DateRange { from, to }),
        ..Filter::default()
    };
    let created = f.created_at;
    assert!(
        first(Some(created), Some(created)).matches(&f, NOW),
        "one instant"
    );
    assert!(first(Some(created), None).matches(&f, NOW));
    assert!(first(None, Some(created)).matches(&f, NOW));
    assert!(!first(Some(created + 1), None).matches(&f, NOW));
    assert!(!first(None, Some(created - 1)).matches(&f, NOW));
    assert!(first(None, None).matches(&f, NOW), "open both ways");

    let last = |from, to| Filter {
        last_interaction: Some(DateRange { from, to }),
        ..Filter::default()
    };
    assert!(last(Some(NOW - DAY), Some(NOW - DAY)).matches(&f, NOW));
    assert!(!last(Some(NOW - DAY + 1), None).matches(&f, NOW));
    f.last_interaction = None;
    assert!(
        !last(None, None).matches(&f, NOW),
        "a range asks for a known last interaction"
    );
}

#[test]
fn reach_names_the_latest_thread_of_the_channel_or_why_there_is_none() {
    let everyone = Filter::default();
    let never_seen = customer(Vec::new());
    assert_eq!(
        everyone.prepare(NOW).reach(&never_seen),
        Reach::Unreachable {
            why: Unreachable::NoConversation
        }
    );

    let f = customer(vec![
        talk(
            Platform::Facebook,
            "f1",
            "shop_a",
            Some(NOW - 5 * DAY),
            false,
        ),
        talk(
            Platform::Instagram,
            "i1",
            "shop_a",
            Some(NOW - 2 * DAY),
            false,
        ),
        talk(
            Platform::Instagram,
            "i2",
            "shop_b",
            Some(NOW - 2 * DAY),
            true,
        ),
        talk(Platform::Instagram, "i3", "shop_b", None, false),
    ]);
    let thread_of = |filter: &Filter| match filter.prepare(NOW).reach(&f) {
        Reach::Thread { to, .. } => Some(to.thread_id),
        Reach::Unreachable { .. } => None,
    };
    assert_eq!(
        thread_of(&everyone).as_deref(),
        Some("i1"),
        "latest; first of a tie"
    );
    let facebook = Filter {
        platform: Some(Platform::Facebook),
        ..Filter::default()
    };
    assert_eq!(thread_of(&facebook).as_deref(), Some("f1"));
    let shop_b = Filter {
        account: Some("shop_b".into()),
        ..Filter::default()
    };
    assert_eq!(
        thread_of(&shop_b).as_deref(),
        Some("i2"),
        "a dated one before an undated one"
    );
    assert_eq!(
        Filter {
            platform: Some(Platform::Facebook),
            account: Some("shop_a".into()),
            ..Filter::default()
        }
        .prepare(NOW)
        .reach(&f),
        Reach::Thread {
            to: thread(Platform::Facebook, "f1"),
            account: Some("shop_a".into()),
        }
    );
    let messenger = Filter {
        platform: Some(Platform::Messenger),
        ..Filter::default()
    };
    assert!(
        messenger.matches(&f, NOW),
        "the channel drops nobody by itself"
    );
    assert_eq!(
        messenger.prepare(NOW).reach(&f),
        Reach::Unreachable {
            why: Unreachable::NotOnChosenChannel
        }
    );
}

#[test]
fn excluded_and_do_not_message_customers_are_counted_not_listed() {
    let shop: Vec<Facts> = (0..5)
        .map(|n| Facts {
            customer_id: format!("c{n}"),
            name: format!("Khách {n}"),
            ..Facts::default()
        })
        .collect();
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<HashSet<_>>();
    let a = audience(
        &Filter::default(),
        &shop,
        Some(&set(&["c0", "c1", "c2", "c4"])),
        &set(&["c1", "c2"]),
        &set(&["c2", "c3"]),
        NOW,
    );
    let ids: Vec<&str> = a
        .candidates
        .iter()
        .map(|c| c.customer_id.as_str())
        .collect();
    assert_eq!(ids, ["c0", "c4"], "input order, only the phone list");
    assert_eq!(a.excluded, 1, "c1");
    assert_eq!(
        a.do_not_message, 1,
        "c2 (also excluded); c3 is not in the list"
    );
    assert_eq!(a.reachable(), 0);
    assert_eq!(a.unreachable(Unreachable::NoConversation), 2);
}

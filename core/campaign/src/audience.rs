//! Who a campaign goes to: filters over what the extension knows of each customer, and whether
//! each one can be reached.
//!
//! # Contract
//!
//! - [`Filter::matches`] returns true if and only if the customer meets **every** condition the
//!   filter sets (each field's doc says exactly when it holds); [`Filter::default`] sets none and
//!   matches everyone.
//! - [`audience`] returns, in input order, every customer that matches, is in the phone list when
//!   one is given, and is neither excluded by the agent nor on the do-not-message list; those two
//!   are only counted. Each candidate is [`Reach::Thread`] (the thread a message would be typed
//!   into) or [`Reach::Unreachable`] with why: nobody is silently dropped for lack of a thread,
//!   the agent sees who the campaign cannot reach.
//!
//! # Decisions
//!
//! - **Platform and account choose the channel; they do not drop customers.** They decide which
//!   conversations count, for the window rule and for the thread to write to. A matching customer
//!   with no conversation there stays in the list as [`Unreachable::NotOnChosenChannel`], so that
//!   an uploaded phone list or a tag shows who the chosen account cannot reach, instead of a
//!   smaller count with no explanation. The run only takes reachable candidates.
//! - **The 24-hour window** is closed from exactly 24 hours after the buyer's last message
//!   ([`WINDOW_MS`]): the window is 24 hours long, and at its end it has run out.
//! - **Date ranges include both ends**, in milliseconds; the panel turns the days the agent picks
//!   into the first and last millisecond of those days in the shop's time zone.
//! - Tag ids, gender codes (`female`, `male`, `other`, as `nobi-crm` writes them), order statuses
//!   (`new` … `cancelled`, as `nobi-order` writes them) and accounts are ids, compared exactly:
//!   nothing to fold.
//! - It does not depend on `nobi-crm` or `nobi-order`: the panel builds [`Facts`] from its
//!   records, which keeps this crate below them and the filter testable on plain data.
//!
//! # Speed
//!
//! [`audience`] prepares the filter once ([`Filter::prepare`]: the window's cutoff, large id lists
//! sorted) and then allocates nothing per customer but the candidate it keeps. 50,000 customers
//! take a few milliseconds natively (target: 50 ms); [`bench_shop`] and [`bench_filters`] are what
//! `nobi bench` measures.

use crate::Millis;
use nobi_protocol::{Platform, ThreadRef};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How long after the buyer's last message the shop may still write: 24 hours.
pub const WINDOW_MS: Millis = 24 * 60 * 60 * 1000;

/// One customer as the panel knows it, built from its records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub customer_id: String,
    pub name: String,
    /// Tag ids.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Normalised national form ("0912345678").
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    /// `nobi-crm`'s gender code (`female`, `male`, `other`), when known.
    #[serde(default)]
    pub gender: Option<String>,
    /// First contact: when the customer was first recorded.
    pub created_at: Millis,
    /// The customer's last message to the shop, on any platform.
    #[serde(default)]
    pub last_interaction: Option<Millis>,
    #[serde(default)]
    pub conversations: Vec<ConversationFacts>,
    #[serde(default)]
    pub orders: Vec<OrderFacts>,
}

/// One conversation of the customer that the extension has seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationFacts {
    pub to: ThreadRef,
    /// The shop account the thread belongs to, when the page told.
    #[serde(default)]
    pub account: Option<String>,
    /// The buyer's last message in this thread.
    #[serde(default)]
    pub last_message_at: Option<Millis>,
    /// The shop answered after the buyer's last message.
    #[serde(default)]
    pub replied: bool,
}

/// One order of the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFacts {
    /// `nobi-order`'s status code (`new`, `confirmed`, `packing`, `shipping`, `delivered`,
    /// `returned`, `cancelled`).
    pub status: String,
    pub created_at: Millis,
}

/// Milliseconds from `from` to `to`, both included; a missing end is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    #[serde(default)]
    pub from: Option<Millis>,
    #[serde(default)]
    pub to: Option<Millis>,
}

impl DateRange {
    /// Returns true if and only if `from <= at <= to` (a missing end does not limit).
    pub fn contains(&self, at: Millis) -> bool {
        self.from.is_none_or(|from| from <= at) && self.to.is_none_or(|to| at <= to)
    }
}

/// Which customers a campaign goes to. Every field is a condition; an empty list, `None` or
/// `false` sets none. [`Filter::matches`] holds when every condition set holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Holds when the customer has at least one of these tags (empty: no condition).
    pub tags_any: Vec<String>,
    /// Holds when the customer has none of these tags.
    pub tags_none: Vec<String>,
    /// `Some(true)`: at least one non-blank phone; `Some(false)`: none.
    pub has_phone: Option<bool>,
    /// `Some(true)`: at least one non-blank e-mail; `Some(false)`: none.
    pub has_email: Option<bool>,
    /// `Some(true)`: a gender is known; `Some(false)`: none is.
    pub has_gender: Option<bool>,
    /// Holds when the customer's gender is one of these codes (empty: no condition).
    pub genders: Vec<String>,
    /// Holds when the last interaction is known and in the range.
    pub last_interaction: Option<DateRange>,
    /// Holds when the first contact (`created_at`) is in the range.
    pub first_contact: Option<DateRange>,
    /// The channel: only conversations on this platform count (for `window_closed` and for the
    /// thread to write to). Drops nobody by itself (see the module docs).
    pub platform: Option<Platform>,
    /// The channel: only conversations of this shop account count, like `platform`.
    pub account: Option<String>,
    /// Holds when some conversation of the channel has a buyer's last message at least
    /// [`WINDOW_MS`] old at `now` and not answered since: the free window has closed.
    pub window_closed: bool,
    /// `Some(true)`: at least one order; `Some(false)`: none.
    pub has_order: Option<bool>,
    /// Holds when some order's status is one of these (empty: no condition).
    pub order_status: Vec<String>,
}

impl Filter {
    /// Returns true if and only if `facts` meets every condition of the filter at `now` (see each
    /// field). To test many customers, [`Filter::prepare`] once and use [`Prepared::matches`].
    pub fn matches(&self, facts: &Facts, now: Millis) -> bool {
        self.prepare(now).matches(facts)
    }

    /// The filter ready to test many customers at `now`: what depends only on the filter is
    /// computed here, once.
    pub fn prepare(&self, now: Millis) -> Prepared<'_> {
        Prepared {
            filter: self,
            tags_any: IdSet::new(&self.tags_any),
            tags_none: IdSet::new(&self.tags_none),
            genders: IdSet::new(&self.genders),
            order_status: IdSet::new(&self.order_status),
            account: self.account.as_deref(),
            // A buyer's message at or before this instant is at least 24 hours old; before the
            // first day of the epoch nothing can be.
            closed_at_or_before: now.checked_sub(WINDOW_MS),
        }
    }
}

/// A set of ids borrowed from a filter. Filters name a handful of tags or statuses, which a
/// linear scan finds fastest; a long list (an agent ticking forty tags) is sorted once so that
/// 50,000 customers do not each scan it.
enum IdSet<'f> {
    Few(&'f [String]),
    Many(Vec<&'f str>),
}

impl<'f> IdSet<'f> {
    const FEW: usize = 16;

    fn new(ids: &'f [String]) -> Self {
        if ids.len() <= Self::FEW {
            IdSet::Few(ids)
        } else {
            let mut sorted: Vec<&str> = ids.iter().map(String::as_str).collect();
            sorted.sort_unstable();
            sorted.dedup();
            IdSet::Many(sorted)
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            IdSet::Few(ids) => ids.is_empty(),
            IdSet::Many(ids) => ids.is_empty(),
        }
    }

    fn contains(&self, id: &str) -> bool {
        match self {
            IdSet::Few(ids) => ids.iter().any(|x| x == id),
            IdSet::Many(ids) => ids.binary_search(&id).is_ok(),
        }
    }
}

/// A [`Filter`] prepared for one `now` ([`Filter::prepare`]).
pub struct Prepared<'f> {
    filter: &'f Filter,
    tags_any: IdSet<'f>,
    tags_none: IdSet<'f>,
    genders: IdSet<'f>,
    order_status: IdSet<'f>,
    account: Option<&'f str>,
    closed_at_or_before: Option<Millis>,
}

fn has_non_blank(values: &[String]) -> bool {
    values.iter().any(|v| !v.trim().is_empty())
}

impl Prepared<'_> {
    /// Returns true if and only if `facts` meets every condition of the filter (see
    /// [`Filter`]'s fields).
    pub fn matches(&self, facts: &Facts) -> bool {
        let f = self.filter;
        if !self.tags_any.is_empty() && !facts.tags.iter().any(|t| self.tags_any.contains(t)) {
            return false;
        }
        if !self.tags_none.is_empty() && facts.tags.iter().any(|t| self.tags_none.contains(t)) {
            return false;
        }
        if f.has_phone
            .is_some_and(|want| has_non_blank(&facts.phones) != want)
        {
            return false;
        }
        if f.has_email
            .is_some_and(|want| has_non_blank(&facts.emails) != want)
        {
            return false;
        }
        let gender = facts.gender.as_deref().filter(|g| !g.trim().is_empty());
        if f.has_gender.is_some_and(|want| gender.is_some() != want) {
            return false;
        }
        if !self.genders.is_empty() && !gender.is_some_and(|g| self.genders.contains(g)) {
            return false;
        }
        if let Some(range) = &f.last_interaction {
            if !facts.last_interaction.is_some_and(|at| range.contains(at)) {
                return false;
            }
        }
        if f.first_contact
            .is_some_and(|range| !range.contains(facts.created_at))
        {
            return false;
        }
        if f.window_closed
            && !facts
                .conversations
                .iter()
                .any(|c| self.window_has_closed(c))
        {
            return false;
        }
        if f.has_order
            .is_some_and(|want| facts.orders.is_empty() == want)
        {
            return false;
        }
        if !self.order_status.is_empty()
            && !facts
                .orders
                .iter()
                .any(|o| self.order_status.contains(&o.status))
        {
            return false;
        }
        true
    }

    /// Returns true if and only if the conversation is on the chosen platform and account (each
    /// when set).
    pub fn on_channel(&self, conversation: &ConversationFacts) -> bool {
        self.filter
            .platform
            .is_none_or(|p| conversation.to.platform == p)
            && self
                .account
                .is_none_or(|a| conversation.account.as_deref() == Some(a))
    }

    /// Returns true if and only if the conversation is on the channel, unanswered, and the
    /// buyer's last message is at least [`WINDOW_MS`] old. A conversation with no known last
    /// message is not counted: nothing says the buyer wrote.
    fn window_has_closed(&self, conversation: &ConversationFacts) -> bool {
        let Some(cutoff) = self.closed_at_or_before else {
            return false;
        };
        !conversation.replied
            && conversation.last_message_at.is_some_and(|at| at <= cutoff)
            && self.on_channel(conversation)
    }

    /// Where a message to this customer would be typed: the channel's conversation with the
    /// latest buyer message (one with none known counts as oldest; on a tie, the first listed).
    pub fn reach(&self, facts: &Facts) -> Reach {
        let mut best: Option<&ConversationFacts> = None;
        for c in facts.conversations.iter().filter(|c| self.on_channel(c)) {
            // `>` keeps the first of equals; `Some(_) > None` puts unknown times last.
            if best.is_none_or(|b| c.last_message_at > b.last_message_at) {
                best = Some(c);
            }
        }
        match best {
            Some(c) => Reach::Thread {
                to: c.to.clone(),
                account: c.account.clone(),
            },
            None if facts.conversations.is_empty() => Reach::Unreachable {
                why: Unreachable::NoConversation,
            },
            None => Reach::Unreachable {
                why: Unreachable::NotOnChosenChannel,
            },
        }
    }
}

/// Whether a candidate can be written to, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reach", rename_all = "snake_case")]
pub enum Reach {
    /// The thread to type into, and the shop account it belongs to.
    Thread {
        to: ThreadRef,
        account: Option<String>,
    },
    Unreachable {
        why: Unreachable,
    },
}

/// Why a candidate cannot be written to. The extension only types into threads it has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unreachable {
    /// The extension has seen no conversation with this customer (an imported customer, or one
    /// known from an order only).
    NoConversation,
    /// Conversations exist, none on the chosen platform and account.
    NotOnChosenChannel,
}

/// One customer of the audience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub customer_id: String,
    pub name: String,
    pub reach: Reach,
}

/// The audience as the agent sees it before sending: the list, and the counts of who was left
/// out on purpose.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// Matching customers, in input order, reachable or not.
    pub candidates: Vec<Candidate>,
    /// Matching customers the agent excluded by hand (not on the do-not-message list).
    pub excluded: usize,
    /// Matching customers on the do-not-message list (counted here even if also excluded).
    pub do_not_message: usize,
}

impl Audience {
    /// How many candidates can be written to.
    pub fn reachable(&self) -> usize {
        self.candidates
            .iter()
            .filter(|c| matches!(c.reach, Reach::Thread { .. }))
            .count()
    }

    /// How many candidates cannot be written to for this reason.
    pub fn unreachable(&self, why: Unreachable) -> usize {
        self.candidates
            .iter()
            .filter(|c| c.reach == Reach::Unreachable { why })
            .count()
    }
}

/// The audience of `filter` among `facts` at `now`.
///
/// A customer is a candidate if and only if it matches the filter, is in `only` when given (the
/// customers of an uploaded phone list, [`crate::phone_list`]), is not in `do_not_message` and not
/// in `excluded`. Matching customers (in `only`) that are in `do_not_message` are counted in
/// [`Audience::do_not_message`]; the others in `excluded` are counted in [`Audience::excluded`].
/// Candidates keep the order of `facts`.
pub fn audience(
    filter: &Filter,
    facts: &[Facts],
    only: Option<&HashSet<String>>,
    excluded: &HashSet<String>,
    do_not_message: &HashSet<String>,
    now: Millis,
) -> Audience {
    let prepared = filter.prepare(now);
    let mut out = Audience::default();
    for customer in facts {
        let id = customer.customer_id.as_str();
        // Cheapest first; empty sets are not hashed into at all.
        if only.is_some_and(|only| !only.contains(id)) || !prepared.matches(customer) {
            continue;
        }
        if !do_not_message.is_empty() && do_not_message.contains(id) {
            out.do_not_message += 1;
            continue;
        }
        if !excluded.is_empty() && excluded.contains(id) {
            out.excluded += 1;
            continue;
        }
        out.candidates.push(Candidate {
            customer_id: customer.customer_id.clone(),
            name: customer.name.clone(),
            reach: prepared.reach(customer),
        });
    }
    out
}

/// A synthetic shop of `customers` customers at `now`, the same every time, shaped like a real
/// one (most with a phone, a third tagged, a few orders, conversations on two platforms and three
/// accounts, interactions over a year): what `nobi bench` times [`audience`] on.
pub fn bench_shop(customers: usize, now: Millis) -> Vec<Facts> {
    const DAY: Millis = WINDOW_MS;
    const STATUSES: [&str; 7] = [
        "new",
        "confirmed",
        "packing",
        "shipping",
        "delivered",
        "returned",
        "cancelled",
    ];
    // A linear congruential generator: deterministic, and no dependency for a benchmark.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |below: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % below.max(1)
    };
    (0..customers)
        .map(|n| {
            let created_at = now.saturating_sub(next(365) * DAY + next(DAY));
            let last = created_at + next(now.saturating_sub(created_at).max(1));
            let mut tags = Vec::new();
            for _ in 0..next(5) {
                if next(2) == 0 {
                    tags.push(format!("tag{}", next(12)));
                }
            }
            let phones = if next(10) < 7 {
                vec![format!("09{:08}", n)]
            } else {
                Vec::new()
            };
            let emails = if next(10) == 0 {
                vec![format!("khach{n}@gmail.com")]
            } else {
                Vec::new()
            };
            let gender = match next(4) {
                0 => Some("female".to_owned()),
                1 => Some("male".to_owned()),
                _ => None,
            };
            let conversations = (0..next(3))
                .map(|k| ConversationFacts {
                    to: ThreadRef {
                        platform: if next(2) == 0 {
                            Platform::Instagram
                        } else {
                            Platform::Facebook
                        },
                        thread_id: format!("{n}-{k}"),
                    },
                    account: Some(format!("shop{}", next(3))),
                    last_message_at: Some(last.saturating_sub(next(30) * DAY)),
                    replied: next(3) != 0,
                })
                .collect();
            let orders = (0..next(3).saturating_sub(1))
                .map(|_| OrderFacts {
                    status: STATUSES[next(7) as usize].to_owned(),
                    created_at: last,
                })
                .collect();
            Facts {
                customer_id: format!("c{n:06}"),
                name: format!("Khách hàng {n}"),
                tags,
                phones,
                emails,
                gender,
                created_at,
                last_interaction: Some(last),
                conversations,
                orders,
            }
        })
        .collect()
}

/// The filters `nobi bench` times on [`bench_shop`], named: everyone (a candidate for every
/// customer), the usual campaign to buyers whose window closed on one account, and one that sets
/// every kind of condition at once.
pub fn bench_filters(now: Millis) -> Vec<(&'static str, Filter)> {
    let window_closed = Filter {
        platform: Some(Platform::Instagram),
        account: Some("shop1".into()),
        window_closed: true,
        ..Filter::default()
    };
    let everything = Filter {
        tags_any: (0..6).map(|n| format!("tag{n}")).collect(),
        tags_none: vec!["tag7".into()],
        has_phone: Some(true),
        has_email: Some(false),
        has_gender: Some(true),
        genders: vec!["female".into(), "male".into()],
        last_interaction: Some(DateRange {
            from: Some(now.saturating_sub(180 * WINDOW_MS)),
            to: Some(now),
        }),
        first_contact: Some(DateRange {
            from: None,
            to: Some(now.saturating_sub(7 * WINDOW_MS)),
        }),
        platform: Some(Platform::Instagram),
        account: None,
        window_closed: true,
        has_order: Some(true),
        order_status: ["confirmed", "packing", "shipping", "delivered", "returned"]
            .map(String::from)
            .to_vec(),
    };
    vec![
        ("everyone", Filter::default()),
        ("window closed on one account", window_closed),
        ("every condition", everything),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_filter_matches_everyone_and_serde_defaults_every_field() {
        let facts = Facts::default();
        assert!(Filter::default().matches(&facts, 0));
        let parsed: Filter = serde_json::from_str("{}").unwrap();
        assert_eq!(parsed, Filter::default());
        let parsed: Filter = serde_json::from_str(r#"{"platform":"instagram"}"#).unwrap();
        assert_eq!(parsed.platform, Some(Platform::Instagram));
    }

    #[test]
    fn a_long_tag_list_matches_like_a_short_one() {
        let many: Vec<String> = (0..40).map(|n| format!("t{n}")).collect();
        let facts = Facts {
            tags: vec!["t33".into()],
            ..Facts::default()
        };
        let filter = Filter {
            tags_any: many.clone(),
            ..Filter::default()
        };
        assert!(filter.matches(&facts, 0));
        let filter = Filter {
            tags_none: many,
            ..Filter::default()
        };
        assert!(!filter.matches(&facts, 0));
    }

    #[test]
    fn the_bench_shop_is_stable_and_finds_someone_with_every_condition() {
        let now = 1_796_612_400_000;
        let shop = bench_shop(5_000, now);
        assert_eq!(shop, bench_shop(5_000, now));
        for (name, filter) in bench_filters(now) {
            let found = audience(&filter, &shop, None, &HashSet::new(), &HashSet::new(), now);
            assert!(!found.candidates.is_empty(), "{name}");
        }
    }
}

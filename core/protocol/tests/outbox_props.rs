//! Property tests of the outbox state machine: for any sequence of events, against a model of
//! what the page really received.
//!
//! The model plays the page and the worker: a `Finish` with `Sent` puts the message on the page;
//! `Unconfirmed` and a restart during a send put it there or not (a coin from the test input);
//! a `Checked` reports what the page really shows. Then, whatever the order of events:
//! - no message reaches the page twice, and nothing leaves `Sent`;
//! - no message starts while another of its account is `Sending`, or while another of its thread
//!   is `Sending` or `NeedsCheck`;
//! - a message that may be on the page (after `Unconfirmed` or a restart mid-send) is never
//!   started again before a check says it is not there;
//! - nothing is lost: an event changes only the message it names (a restart only turns
//!   `Sending` into `NeedsCheck`; a resume only re-queues that account's blocked failures);
//! - pacing gaps and caps hold; `next_ready` can always be started; `next_wake` is honest;
//! - a check that cannot look at the page is bounded: after `MAX_CHECKS` the message needs the
//!   agent, who marks it sent or sends it again from what the page shows;
//! - the outbox survives a JSON round trip at every step;
//! - afterwards, with every account resumed and every send succeeding, following `next_ready` and
//!   `next_wake` alone sends every queued message (none is stuck), still at most once.

use nobi_protocol::outbox::{
    AccountKey, ItemState, NewItem, Outbox, Pacing, PageCheck, RetryPolicy, Settings,
};
use nobi_protocol::{FailReason, Platform, SendOutcome, ThreadRef};
use proptest::prelude::*;
use std::collections::HashMap;

const HOUR: u64 = 3_600_000;

#[derive(Debug, Clone)]
enum Op {
    Enqueue {
        thread: u8,
        account: u8,
        delay: Option<u32>,
    },
    Tick(u32),
    BigTick,
    StartNext,
    StartAny(usize),
    Finish {
        pick: usize,
        outcome: u8,
        coin: bool,
    },
    Restart {
        coin: bool,
    },
    Check(usize),
    CheckFails(usize),
    /// The agent resolves a message that needs them, by looking at the page.
    AgentDecides(usize),
    Retry(usize),
    Cancel(usize),
    Resume(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u8..4, 0u8..2, prop::option::weighted(0.2, 0u32..20_000))
            .prop_map(|(thread, account, delay)| Op::Enqueue { thread, account, delay }),
        3 => (0u32..3_000).prop_map(Op::Tick),
        1 => Just(Op::BigTick),
        4 => Just(Op::StartNext),
        1 => any::<usize>().prop_map(Op::StartAny),
        2 => any::<usize>().prop_map(Op::CheckFails),
        1 => any::<usize>().prop_map(Op::AgentDecides),
        4 => (any::<usize>(), 0u8..14, any::<bool>())
            .prop_map(|(pick, outcome, coin)| Op::Finish { pick, outcome, coin }),
        1 => any::<bool>().prop_map(|coin| Op::Restart { coin }),
        2 => any::<usize>().prop_map(Op::Check),
        1 => any::<usize>().prop_map(Op::Retry),
        1 => any::<usize>().prop_map(Op::Cancel),
        1 => (0u8..2).prop_map(Op::Resume),
    ]
}

fn settings() -> impl Strategy<Value = Settings> {
    prop_oneof![
        Just(Pacing::disabled()),
        Just(Pacing {
            enabled: true,
            min_gap_ms: 1_000,
            jitter_ms: 500,
            per_hour: Some(6),
            per_day: Some(15),
        }),
    ]
    .prop_map(|pacing| Settings {
        pacing,
        retry: RetryPolicy {
            max_attempts: 3,
            base_ms: 100,
            cap_ms: 1_000,
        },
    })
}

fn account(n: u8) -> AccountKey {
    AccountKey {
        platform: Platform::Instagram,
        account: Some(format!("shop{n}")),
    }
}

/// Outcomes 0..11 are the fail reasons, the rest "sent" (so that sends succeed often).
fn outcome(n: u8) -> SendOutcome {
    match FailReason::ALL.get(n as usize) {
        Some(&reason) => SendOutcome::Failed { reason },
        None => SendOutcome::Sent,
    }
}

fn pick(ob: &Outbox, n: usize, pred: impl Fn(&ItemState) -> bool) -> Option<String> {
    let matching: Vec<&str> = ob
        .items()
        .iter()
        .filter(|i| pred(&i.state))
        .map(|i| i.id.as_str())
        .collect();
    (!matching.is_empty()).then(|| matching[n % matching.len()].to_owned())
}

#[derive(Default)]
struct Model {
    /// Times each message really reached the page.
    on_page: HashMap<String, u32>,
    /// Messages that may be on the page and were not checked since.
    uncertain: HashMap<String, bool>,
    /// Start times per account, in order.
    starts: HashMap<AccountKey, Vec<u64>>,
    enqueued: Vec<String>,
}

impl Model {
    /// What a look at the page finds of message `id`: the truth (the model plays the page).
    fn page_check(&self, id: &str) -> PageCheck {
        if self.on_page.get(id).copied().unwrap_or(0) > 0 {
            PageCheck::Sent
        } else {
            PageCheck::Absent
        }
    }
}

fn run(settings: Settings, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut ob = Outbox::new(settings.clone());
    let mut m = Model::default();
    let mut now: u64 = 1_763_690_400_000;
    let mut next_id = 0;
    for (step, op) in ops.into_iter().enumerate() {
        let random = (step as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let before = ob.clone();
        // The id the op names, and what else it may legitimately change.
        let mut named: Option<String> = None;
        let mut restart = false;
        let mut resumed: Option<AccountKey> = None;
        let mut started: Option<String> = None;
        match op {
            Op::Enqueue {
                thread,
                account,
                delay,
            } => {
                let id = format!("m{next_id}");
                next_id += 1;
                ob.enqueue(
                    NewItem {
                        id: id.clone(),
                        to: ThreadRef {
                            platform: Platform::Instagram,
                            thread_id: format!("t{thread}"),
                        },
                        account: Some(format!("shop{account}")),
                        text: format!("tin {id}"),
                        attachments: vec![],
                        not_before: delay.map(|d| now + u64::from(d)),
                    },
                    now,
                )
                .unwrap();
                m.enqueued.push(id.clone());
                named = Some(id);
            }
            Op::Tick(d) => now += u64::from(d),
            Op::BigTick => now += HOUR,
            Op::StartNext => {
                if let Some(id) = ob.next_ready(now).map(|i| i.id.clone()) {
                    prop_assert_eq!(ob.start(&id, now, random), Ok(()), "next_ready must start");
                    started = Some(id.clone());
                    named = Some(id);
                }
            }
            Op::StartAny(n) => {
                if let Some(id) = pick(&ob, n, |_| true) {
                    if ob.start(&id, now, random).is_ok() {
                        started = Some(id.clone());
                    }
                    named = Some(id);
                }
            }
            Op::Finish {
                pick: n,
                outcome: o,
                coin,
            } => {
                if let Some(id) = pick(&ob, n, |s| matches!(s, ItemState::Sending { .. })) {
                    let outcome = outcome(o);
                    ob.finish(&id, outcome.clone(), now, random).unwrap();
                    match outcome {
                        SendOutcome::Sent => *m.on_page.entry(id.clone()).or_default() += 1,
                        SendOutcome::Failed {
                            reason: FailReason::Unconfirmed,
                        } => {
                            if coin {
                                *m.on_page.entry(id.clone()).or_default() += 1;
                            }
                            m.uncertain.insert(id.clone(), true);
                        }
                        SendOutcome::Failed { .. } => {}
                    }
                    named = Some(id);
                }
            }
            Op::Restart { coin } => {
                // The worker dies: a message being typed may or may not have been sent.
                for item in ob.items() {
                    if matches!(item.state, ItemState::Sending { .. }) {
                        if coin {
                            *m.on_page.entry(item.id.clone()).or_default() += 1;
                        }
                        m.uncertain.insert(item.id.clone(), true);
                    }
                }
                let json = serde_json::to_string(&ob).unwrap();
                ob = serde_json::from_str(&json).unwrap();
                ob.restarted();
                restart = true;
            }
            Op::Check(n) => {
                if let Some(id) = pick(&ob, n, |s| matches!(s, ItemState::NeedsCheck { .. })) {
                    ob.checked(&id, m.page_check(&id), now).unwrap();
                    m.uncertain.remove(&id);
                    named = Some(id);
                }
            }
            Op::CheckFails(n) => {
                if let Some(id) = pick(&ob, n, |s| matches!(s, ItemState::NeedsCheck { .. })) {
                    ob.check_failed(&id, FailReason::NotLoggedIn, now).unwrap();
                    named = Some(id);
                }
            }
            Op::AgentDecides(n) => {
                if let Some(id) = pick(&ob, n, |s| matches!(s, ItemState::NeedsAgent { .. })) {
                    if m.page_check(&id) == PageCheck::Sent {
                        ob.mark_sent(&id, now).unwrap();
                    } else {
                        ob.send_again(&id).unwrap();
                    }
                    m.uncertain.remove(&id);
                    named = Some(id);
                }
            }
            Op::Retry(n) => {
                if let Some(id) = pick(&ob, n, |_| true) {
                    let failed = matches!(ob.item(&id).unwrap().state, ItemState::Failed { .. });
                    prop_assert_eq!(ob.retry(&id).is_ok(), failed, "retry only from Failed");
                    named = Some(id);
                }
            }
            Op::Cancel(n) => {
                if let Some(id) = pick(&ob, n, |_| true) {
                    let _ = ob.cancel(&id, now);
                    named = Some(id);
                }
            }
            Op::Resume(a) => {
                ob.resume(&account(a));
                resumed = Some(account(a));
            }
        }

        if let Some(id) = &started {
            // Never typed again while it may already be on the page.
            prop_assert!(
                !m.uncertain.get(id).copied().unwrap_or(false),
                "{} started again without a check",
                id
            );
            // Nothing goes into a thread while another message there is typed or unchecked.
            let to = &ob.item(id).unwrap().to;
            prop_assert!(
                !before.items().iter().any(|i| &i.to == to
                    && i.id != *id
                    && matches!(
                        i.state,
                        ItemState::Sending { .. } | ItemState::NeedsCheck { .. }
                    )),
                "{} started beside an unfinished message of its thread",
                id
            );
            let key = ob.item(id).unwrap().account_key();
            let starts = m.starts.entry(key).or_default();
            starts.push(now);
            let p = &settings.pacing;
            if p.enabled {
                if let [.., prev, last] = starts.as_slice() {
                    prop_assert!(last - prev >= p.min_gap_ms, "gap {}", last - prev);
                }
                let in_hour = starts.iter().filter(|&&s| s + HOUR > now).count();
                let in_day = starts.iter().filter(|&&s| s + 24 * HOUR > now).count();
                prop_assert!(in_hour <= p.per_hour.unwrap() as usize);
                prop_assert!(in_day <= p.per_day.unwrap() as usize);
            }
        }

        // At most once on the page.
        for (id, n) in &m.on_page {
            prop_assert!(*n <= 1, "{} reached the page {} times", id, n);
        }

        // One Sending per account.
        let mut sending: HashMap<AccountKey, u32> = HashMap::new();
        for item in ob.items() {
            if matches!(item.state, ItemState::Sending { .. }) {
                *sending.entry(item.account_key()).or_default() += 1;
            }
        }
        prop_assert!(sending.values().all(|&n| n <= 1), "{:?}", sending);

        // Nothing lost; nothing changed but what the event names.
        prop_assert_eq!(ob.items().len(), m.enqueued.len());
        for old in before.items() {
            let new = ob.item(&old.id).expect("never lost");
            if let ItemState::Sent { .. } = old.state {
                prop_assert_eq!(&new.state, &old.state, "left Sent");
            }
            if Some(&old.id) == named.as_ref() || new.state == old.state {
                continue;
            }
            let allowed = match (&old.state, &new.state) {
                (ItemState::Sending { .. }, ItemState::NeedsCheck { .. }) => restart,
                (
                    ItemState::Failed {
                        reason: FailReason::BlockedByPlatform,
                        ..
                    },
                    ItemState::Queued,
                ) => resumed.as_ref() == Some(&old.account_key()),
                _ => false,
            };
            prop_assert!(
                allowed,
                "{} changed from {:?} to {:?}",
                old.id,
                old.state,
                new.state
            );
        }

        // The alarm time is honest: at that time something may start.
        if let Some(wake) = ob.next_wake(now) {
            prop_assert!(wake > now);
            prop_assert!(
                ob.next_ready(wake).is_some(),
                "woken at {} for nothing",
                wake
            );
        }

        let json = serde_json::to_string(&ob).unwrap();
        let back: Outbox = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &ob);
    }

    // Then the agent resumes every account, the pages answer and every send succeeds: each
    // queued message goes out, exactly once, by following `next_ready` and `next_wake` alone.
    for a in 0..2 {
        ob.resume(&account(a));
    }
    for _ in 0..10_000 {
        let sending: Vec<String> = ob
            .items()
            .iter()
            .filter(|i| matches!(i.state, ItemState::Sending { .. }))
            .map(|i| i.id.clone())
            .collect();
        for id in sending {
            ob.finish(&id, SendOutcome::Sent, now, 0).unwrap();
            *m.on_page.entry(id).or_default() += 1;
        }
        let to_decide: Vec<String> = ob
            .items()
            .iter()
            .filter(|i| matches!(i.state, ItemState::NeedsAgent { .. }))
            .map(|i| i.id.clone())
            .collect();
        for id in to_decide {
            if m.page_check(&id) == PageCheck::Sent {
                ob.mark_sent(&id, now).unwrap();
            } else {
                ob.send_again(&id).unwrap();
            }
        }
        let to_check: Vec<String> = ob.needs_check().map(|i| i.id.clone()).collect();
        for id in to_check {
            ob.checked(&id, m.page_check(&id), now).unwrap();
        }
        if let Some(id) = ob.next_ready(now).map(|i| i.id.clone()) {
            ob.start(&id, now, 0).unwrap();
        } else if let Some(wake) = ob.next_wake(now) {
            now = wake;
        } else {
            break;
        }
    }
    for item in ob.items() {
        prop_assert!(
            matches!(
                item.state,
                ItemState::Sent { .. } | ItemState::Failed { .. } | ItemState::Cancelled { .. }
            ),
            "{} stuck in {:?}",
            item.id,
            item.state
        );
    }
    for (id, n) in &m.on_page {
        prop_assert!(*n <= 1, "{} reached the page {} times", id, n);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_sequence_of_events_keeps_the_rules(
        settings in settings(),
        ops in prop::collection::vec(op(), 1..120),
    ) {
        run(settings, ops)?;
    }
}

//! One test per rule of the outbox state machine (`nobi_protocol::outbox`).

use nobi_protocol::outbox::{
    file_key, AccountKey, Event, ItemState, NewItem, Outbox, Pacing, PageCheck, Rejected,
    RetryPolicy, Settings, TeamLimit, Wait, KEEP_DONE_COUNT, KEEP_DONE_MS, MAX_CHECKS,
};
use nobi_protocol::{FailReason, Platform, SendOutcome, ThreadRef};

const T0: u64 = 1_763_690_400_000;

fn thread(n: u32) -> ThreadRef {
    ThreadRef {
        platform: Platform::Instagram,
        thread_id: format!("t{n}"),
    }
}

fn new(id: &str, to: u32) -> NewItem {
    NewItem {
        id: id.into(),
        to: thread(to),
        account: Some("hoamai.shop".into()),
        text: format!("Dạ chị ơi {id}"),
        attachments: vec![],
        not_before: None,
    }
}

fn shop() -> AccountKey {
    AccountKey {
        platform: Platform::Instagram,
        account: Some("hoamai.shop".into()),
    }
}

fn unpaced() -> Outbox {
    Outbox::new(Settings {
        pacing: Pacing::disabled(),
        retry: RetryPolicy::default(),
    })
}

fn failed(reason: FailReason) -> SendOutcome {
    SendOutcome::Failed { reason }
}

fn state(ob: &Outbox, id: &str) -> ItemState {
    ob.item(id).unwrap().state.clone()
}

#[test]
fn enqueue_records_intent_once() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    assert_eq!(state(&ob, "a"), ItemState::Queued);
    assert_eq!(ob.item("a").unwrap().created_at, T0);
    // The same request again (a panel retrying after a worker restart) is a no-op.
    ob.enqueue(new("a", 1), T0 + 5).unwrap();
    assert_eq!(ob.items().len(), 1);
    let mut other = new("a", 1);
    other.text = "khác".into();
    assert_eq!(ob.enqueue(other, T0), Err(Rejected::DuplicateId));
    let mut empty = new("b", 1);
    empty.text = "  ".into();
    assert_eq!(ob.enqueue(empty.clone(), T0), Err(Rejected::Empty));
    empty.attachments = vec!["img-1".into()];
    ob.enqueue(empty, T0).unwrap();
}

#[test]
fn a_message_is_sent_once() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    assert_eq!(ob.next_ready(T0).unwrap().id, "a");
    ob.start("a", T0, 0).unwrap();
    assert_eq!(
        state(&ob, "a"),
        ItemState::Sending {
            attempt: 1,
            started_at: T0
        }
    );
    ob.finish("a", SendOutcome::Sent, T0 + 900, 0).unwrap();
    assert_eq!(state(&ob, "a"), ItemState::Sent { at: T0 + 900 });
    assert!(ob.next_ready(T0 + 1000).is_none());
    assert!(matches!(
        ob.finish("a", SendOutcome::Sent, T0 + 1000, 0),
        Err(Rejected::WrongState { .. })
    ));
    assert!(matches!(
        ob.start("a", T0 + 1000, 0),
        Err(Rejected::WrongState { .. })
    ));
    assert_eq!(ob.start("zz", T0, 0), Err(Rejected::UnknownId));
}

#[test]
fn one_message_at_a_time_per_account() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    ob.enqueue(new("b", 2), T0).unwrap();
    let mut other_account = new("c", 3);
    other_account.account = Some("other.shop".into());
    ob.enqueue(other_account, T0).unwrap();
    ob.start("a", T0, 0).unwrap();
    assert_eq!(
        ob.why_waiting("b", T0).unwrap(),
        Some(Wait::AccountBusy { id: "a".into() })
    );
    assert!(matches!(
        ob.start("b", T0, 0),
        Err(Rejected::NotReady {
            wait: Wait::AccountBusy { .. }
        })
    ));
    // Another account is not held back.
    assert_eq!(ob.next_ready(T0).unwrap().id, "c");
    ob.finish("a", SendOutcome::Sent, T0 + 1, 0).unwrap();
    assert_eq!(ob.next_ready(T0 + 1).unwrap().id, "b");
}

#[test]
fn messages_to_one_thread_keep_their_order_even_through_a_retry() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    ob.enqueue(new("b", 1), T0).unwrap();
    assert_eq!(
        ob.why_waiting("b", T0).unwrap(),
        Some(Wait::EarlierInThread { id: "a".into() })
    );
    ob.start("a", T0, 0).unwrap();
    ob.finish("a", failed(FailReason::Timeout), T0 + 10, 0)
        .unwrap();
    // "a" is in backoff: "b" still waits for it.
    assert!(ob.next_ready(T0 + 20).is_none());
    assert_eq!(
        ob.why_waiting("b", T0 + 20).unwrap(),
        Some(Wait::EarlierInThread { id: "a".into() })
    );
    let wake = ob.next_wake(T0 + 20).unwrap();
    assert_eq!(ob.next_ready(wake).unwrap().id, "a");
}

#[test]
fn a_failed_message_does_not_hold_its_thread() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    ob.enqueue(new("b", 1), T0).unwrap();
    ob.start("a", T0, 0).unwrap();
    ob.finish("a", failed(FailReason::WrongConversation), T0, 0)
        .unwrap();
    assert_eq!(ob.next_ready(T0).unwrap().id, "b");
}

#[test]
fn scheduled_messages_wait_for_their_time() {
    let mut ob = unpaced();
    let mut later = new("later", 1);
    later.not_before = Some(T0 + 60_000);
    ob.enqueue(later, T0).unwrap();
    // A message written after the scheduling but due earlier goes first.
    ob.enqueue(new("now", 1), T0 + 1).unwrap();
    assert_eq!(
        ob.why_waiting("later", T0 + 1).unwrap(),
        Some(Wait::EarlierInThread { id: "now".into() })
    );
    assert_eq!(ob.next_ready(T0 + 1).unwrap().id, "now");
    ob.start("now", T0 + 1, 0).unwrap();
    ob.finish("now", SendOutcome::Sent, T0 + 2, 0).unwrap();
    assert_eq!(
        ob.why_waiting("later", T0 + 2).unwrap(),
        Some(Wait::Scheduled { until: T0 + 60_000 })
    );
    assert_eq!(ob.next_wake(T0 + 2), Some(T0 + 60_000));
    assert!(ob.next_ready(T0 + 59_999).is_none());
    assert_eq!(ob.next_ready(T0 + 60_000).unwrap().id, "later");
    assert_eq!(ob.next_wake(T0 + 60_000), None);
}

#[test]
fn pacing_keeps_a_jittered_gap_per_account() {
    let mut ob = Outbox::new(Settings::default());
    let pacing = Pacing::default();
    for (i, id) in ["a", "b"].iter().enumerate() {
        ob.enqueue(new(id, i as u32), T0).unwrap();
    }
    let mut elsewhere = new("c", 9);
    elsewhere.to.platform = Platform::Facebook;
    ob.enqueue(elsewhere, T0).unwrap();
    ob.start("a", T0, 1_234).unwrap();
    ob.finish("a", SendOutcome::Sent, T0 + 500, 0).unwrap();
    let until = T0 + pacing.min_gap_ms + 1_234;
    assert_eq!(
        ob.why_waiting("b", T0 + 500).unwrap(),
        Some(Wait::Gap { until })
    );
    // Another account (here: another platform) has its own pacing.
    assert_eq!(ob.next_ready(T0 + 500).unwrap().id, "c");
    ob.start("c", T0 + 500, 0).unwrap();
    ob.finish("c", SendOutcome::Sent, T0 + 600, 0).unwrap();
    assert_eq!(ob.next_wake(T0 + 600), Some(until));
    assert!(ob.next_ready(until - 1).is_none());
    assert_eq!(ob.next_ready(until).unwrap().id, "b");
    // The jitter never exceeds its setting.
    let mut ob = Outbox::new(Settings::default());
    ob.enqueue(new("x", 1), T0).unwrap();
    ob.enqueue(new("y", 2), T0).unwrap();
    ob.start("x", T0, u64::MAX).unwrap();
    ob.finish("x", SendOutcome::Sent, T0, 0).unwrap();
    let Some(Wait::Gap { until }) = ob.why_waiting("y", T0).unwrap() else {
        panic!()
    };
    assert!(until - T0 >= pacing.min_gap_ms && until - T0 <= pacing.min_gap_ms + pacing.jitter_ms);
}

#[test]
fn hourly_and_daily_caps_hold() {
    let settings = Settings {
        pacing: Pacing {
            enabled: true,
            min_gap_ms: 0,
            jitter_ms: 0,
            per_hour: Some(3),
            per_day: Some(5),
        },
        retry: RetryPolicy::default(),
    };
    let mut ob = Outbox::new(settings);
    for i in 0..7 {
        ob.enqueue(new(&format!("m{i}"), i), T0).unwrap();
    }
    let mut now = T0;
    for i in 0..3 {
        let id = ob.next_ready(now).unwrap().id.clone();
        assert_eq!(id, format!("m{i}"));
        ob.start(&id, now, 0).unwrap();
        ob.finish(&id, SendOutcome::Sent, now + 100, 0).unwrap();
        now += 1_000;
    }
    assert_eq!(
        ob.why_waiting("m3", now).unwrap(),
        Some(Wait::HourlyCap {
            until: T0 + 3_600_000
        })
    );
    assert_eq!(ob.next_wake(now), Some(T0 + 3_600_000));
    now = T0 + 3_600_000;
    for _ in 0..2 {
        let id = ob.next_ready(now).unwrap().id.clone();
        ob.start(&id, now, 0).unwrap();
        ob.finish(&id, SendOutcome::Sent, now, 0).unwrap();
        now += 1_000;
    }
    assert_eq!(
        ob.why_waiting("m5", now).unwrap(),
        Some(Wait::DailyCap {
            until: T0 + 86_400_000
        })
    );
    assert!(ob.next_ready(T0 + 86_400_000 - 1).is_none());
    assert!(ob.next_ready(T0 + 86_400_000).is_some());
}

#[test]
fn disabled_pacing_sends_back_to_back() {
    let mut ob = unpaced();
    for i in 0..100 {
        ob.enqueue(new(&format!("m{i}"), i), T0).unwrap();
    }
    let mut sent = 0;
    while let Some(item) = ob.next_ready(T0) {
        let id = item.id.clone();
        ob.start(&id, T0, 7).unwrap();
        ob.finish(&id, SendOutcome::Sent, T0, 7).unwrap();
        sent += 1;
    }
    assert_eq!(sent, 100);
    assert!(ob
        .items()
        .iter()
        .all(|i| matches!(i.state, ItemState::Sent { .. })));
}

#[test]
fn retryable_failures_back_off_then_fail() {
    let mut ob = unpaced();
    let policy = RetryPolicy::default();
    ob.enqueue(new("a", 1), T0).unwrap();
    let mut now = T0;
    for attempt in 1..policy.max_attempts {
        ob.start("a", now, 0).unwrap();
        ob.finish("a", failed(FailReason::TabUnreachable), now, 99)
            .unwrap();
        let item = ob.item("a").unwrap();
        assert_eq!(item.state, ItemState::Queued);
        assert_eq!(item.attempts, attempt);
        assert_eq!(item.last_failure, Some(FailReason::TabUnreachable));
        let delay = item.retry_at.unwrap() - now;
        assert_eq!(delay, policy.delay(attempt, 99));
        assert_eq!(
            ob.why_waiting("a", now).unwrap(),
            Some(Wait::Backoff { until: now + delay })
        );
        now += delay;
    }
    ob.start("a", now, 0).unwrap();
    ob.finish("a", failed(FailReason::TabUnreachable), now, 0)
        .unwrap();
    assert_eq!(
        state(&ob, "a"),
        ItemState::Failed {
            reason: FailReason::TabUnreachable,
            at: now,
            attempts: policy.max_attempts
        }
    );
}

#[test]
fn backoff_doubles_with_a_cap_and_jitter() {
    let p = RetryPolicy {
        max_attempts: 10,
        base_ms: 1_000,
        cap_ms: 10_000,
    };
    for r in [0, 1, 499, 500, 12_345, u64::MAX] {
        for (attempt, exp) in [(1, 1_000), (2, 2_000), (3, 4_000), (4, 8_000), (5, 10_000)] {
            let d = p.delay(attempt, r);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempt}: {d}");
        }
        assert!(p.delay(1_000, r) <= 10_000);
    }
    assert_eq!(p.delay(1, 0), 500);
    assert_eq!(p.delay(1, 500), 1_000);
}

#[test]
fn other_failures_are_not_retried() {
    for reason in FailReason::ALL {
        if reason.is_retryable() {
            continue;
        }
        let mut ob = unpaced();
        ob.enqueue(new("a", 1), T0).unwrap();
        ob.start("a", T0, 0).unwrap();
        ob.finish("a", failed(reason), T0 + 1, 0).unwrap();
        assert_eq!(
            state(&ob, "a"),
            ItemState::Failed {
                reason,
                at: T0 + 1,
                attempts: 1
            }
        );
        assert!(ob.next_ready(T0 + 10_000_000).is_none());
        assert_eq!(ob.next_wake(T0), None);
    }
}

#[test]
fn unconfirmed_is_checked_on_the_page_before_any_new_attempt() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    ob.start("a", T0, 0).unwrap();
    ob.finish("a", failed(FailReason::Unconfirmed), T0 + 5, 0)
        .unwrap();
    assert!(ob.next_ready(T0 + 99_999_999).is_none());
    // The agent's retry asks for a check, not for typing.
    ob.retry("a").unwrap();
    assert_eq!(
        state(&ob, "a"),
        ItemState::NeedsCheck {
            attempt: 1,
            started_at: T0 + 5,
            checks: 0
        }
    );
    assert!(ob.next_ready(T0 + 10).is_none());
    ob.checked("a", PageCheck::Absent, T0 + 20).unwrap();
    assert_eq!(ob.next_ready(T0 + 20).unwrap().id, "a");
    // And when the check finds it, it is sent.
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    ob.start("a", T0, 0).unwrap();
    ob.finish("a", failed(FailReason::Unconfirmed), T0 + 5, 0)
        .unwrap();
    ob.retry("a").unwrap();
    ob.checked("a", PageCheck::Sent, T0 + 20).unwrap();
    assert_eq!(state(&ob, "a"), ItemState::Sent { at: T0 + 20 });
}

#[test]
fn the_agent_retries_only_failed_messages() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    assert!(matches!(ob.retry("a"), Err(Rejected::WrongState { .. })));
    ob.start("a", T0, 0).unwrap();
    assert!(matches!(ob.retry("a"), Err(Rejected::WrongState { .. })));
    ob.finish("a", failed(FailReason::ComposerBusy), T0, 0)
        .unwrap();
    ob.retry("a").unwrap();
    let item = ob.item("a").unwrap();
    assert_eq!(item.state, ItemState::Queued);
    assert_eq!(item.attempts, 0, "a fresh attempt budget");
    assert_eq!(item.last_failure, Some(FailReason::ComposerBusy));
    ob.start("a", T0, 0).unwrap();
    ob.finish("a", SendOutcome::Sent, T0, 0).unwrap();
    assert!(matches!(ob.retry("a"), Err(Rejected::WrongState { .. })));
}

#[test]
fn blocked_by_platform_stops_the_account_until_resumed() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    ob.enqueue(new("b", 2), T0).unwrap();
    let mut other = new("c", 3);
    other.account = Some("other.shop".into());
    ob.enqueue(other, T0).unwrap();
    ob.start("a", T0, 0).unwrap();
    ob.finish("a", failed(FailReason::BlockedByPlatform), T0 + 1, 0)
        .unwrap();
    assert_eq!(
        ob.paused(&shop()).unwrap().reason,
        FailReason::BlockedByPlatform
    );
    assert_eq!(
        ob.why_waiting("b", T0 + 2).unwrap(),
        Some(Wait::AccountPaused {
            reason: FailReason::BlockedByPlatform
        })
    );
    assert_eq!(ob.next_ready(T0 + 2).unwrap().id, "c");
    // Time does not resume it; only the agent does.
    assert_eq!(ob.next_wake(T0 + 2), None);
    assert!(ob
        .next_ready(T0 + 86_400_000 * 30)
        .is_some_and(|i| i.id == "c"));
    // A retry of the blocked message waits too.
    ob.retry("a").unwrap();
    assert!(matches!(
        ob.why_waiting("a", T0 + 3).unwrap(),
        Some(Wait::AccountPaused { .. })
    ));
    ob.cancel("a", T0 + 3).unwrap();
    let mut again = new("d", 4);
    again.text = "x".into();
    ob.enqueue(again, T0).unwrap();
    ob.resume(&shop());
    assert!(ob.paused(&shop()).is_none());
    assert_eq!(ob.next_ready(T0 + 4).unwrap().id, "b");
}

#[test]
fn resume_requeues_what_the_block_stopped() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    ob.start("a", T0, 0).unwrap();
    ob.finish("a", failed(FailReason::BlockedByPlatform), T0, 0)
        .unwrap();
    ob.apply(Event::Resume { account: shop() }, T0 + 1, 0)
        .unwrap();
    let item = ob.item("a").unwrap();
    assert_eq!(item.state, ItemState::Queued);
    assert_eq!(item.last_failure, Some(FailReason::BlockedByPlatform));
    assert_eq!(ob.next_ready(T0 + 1).unwrap().id, "a");
}

#[test]
fn after_a_restart_sending_messages_are_checked_not_retried() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    ob.enqueue(new("b", 1), T0).unwrap();
    ob.enqueue(new("c", 2), T0).unwrap();
    ob.start("a", T0, 0).unwrap();
    // The worker dies here; the persisted outbox is loaded again.
    let json = serde_json::to_string(&ob).unwrap();
    let mut ob: Outbox = serde_json::from_str(&json).unwrap();
    assert_eq!(ob.restarted(), ["a"]);
    assert_eq!(
        state(&ob, "a"),
        ItemState::NeedsCheck {
            attempt: 1,
            started_at: T0,
            checks: 0
        }
    );
    assert_eq!(ob.needs_check().count(), 1);
    // Nothing more happens to "a" until it is checked; its thread waits, the account does not.
    assert!(matches!(
        ob.finish("a", SendOutcome::Sent, T0, 0),
        Err(Rejected::WrongState { .. })
    ));
    assert!(matches!(
        ob.start("a", T0, 0),
        Err(Rejected::WrongState { .. })
    ));
    assert_eq!(
        ob.why_waiting("b", T0).unwrap(),
        Some(Wait::EarlierInThread { id: "a".into() })
    );
    assert_eq!(ob.next_ready(T0).unwrap().id, "c");
    ob.checked("a", PageCheck::Sent, T0 + 9).unwrap();
    assert_eq!(state(&ob, "a"), ItemState::Sent { at: T0 + 9 });
    assert!(matches!(
        ob.checked("a", PageCheck::Absent, T0 + 9),
        Err(Rejected::WrongState { .. })
    ));
    assert_eq!(ob.next_ready(T0 + 9).unwrap().id, "b");
    // A message found absent is typed again.
    ob.start("b", T0 + 9, 0).unwrap();
    assert_eq!(ob.restarted(), ["b"]);
    ob.checked("b", PageCheck::Absent, T0 + 10).unwrap();
    assert_eq!(state(&ob, "b"), ItemState::Queued);
    assert_eq!(ob.next_ready(T0 + 10).unwrap().id, "b");
    // A second restart with nothing in flight changes nothing.
    let before = ob.clone();
    assert!(ob.restarted().is_empty());
    assert_eq!(ob, before);
}

#[test]
fn cancel_only_what_is_not_being_or_already_sent() {
    let mut ob = unpaced();
    for (id, to) in [("q", 1), ("s", 2), ("f", 3), ("n", 4), ("done", 5)] {
        ob.enqueue(new(id, to), T0).unwrap();
    }
    ob.start("s", T0, 0).unwrap();
    ob.start("f", T0, 0).unwrap_err(); // one at a time: "f" waits
    ob.finish("s", failed(FailReason::NotLoggedIn), T0, 0)
        .unwrap();
    // "s" is now Failed; use it as the failed one.
    ob.start("n", T0, 0).unwrap();
    ob.restarted();
    ob.start("done", T0, 0).unwrap();
    ob.finish("done", SendOutcome::Sent, T0, 0).unwrap();
    ob.start("f", T0, 0).unwrap();

    for id in ["q", "s", "n"] {
        ob.cancel(id, T0 + 1).unwrap();
        assert_eq!(state(&ob, id), ItemState::Cancelled { at: T0 + 1 });
    }
    ob.cancel("q", T0 + 2).unwrap();
    assert_eq!(state(&ob, "q"), ItemState::Cancelled { at: T0 + 1 });
    assert!(matches!(
        ob.cancel("f", T0),
        Err(Rejected::WrongState { .. })
    ));
    assert!(matches!(
        ob.cancel("done", T0),
        Err(Rejected::WrongState { .. })
    ));
    assert!(matches!(ob.retry("q"), Err(Rejected::WrongState { .. })));
    assert_eq!(ob.cancel("zz", T0), Err(Rejected::UnknownId));
}

#[test]
fn prune_forgets_only_old_finished_messages() {
    let mut ob = unpaced();
    for (id, to) in [("sent", 1), ("cancelled", 2), ("failed", 3), ("queued", 4)] {
        ob.enqueue(new(id, to), T0).unwrap();
    }
    ob.start("sent", T0, 0).unwrap();
    ob.finish("sent", SendOutcome::Sent, T0, 0).unwrap();
    ob.cancel("cancelled", T0).unwrap();
    ob.start("failed", T0, 0).unwrap();
    ob.finish("failed", failed(FailReason::Unconfirmed), T0, 0)
        .unwrap();
    assert_eq!(ob.prune(T0 + 999, 1_000, 10), 0);
    assert_eq!(ob.prune(T0 + 1_000, 1_000, 10), 2);
    let left: Vec<&str> = ob.items().iter().map(|i| i.id.as_str()).collect();
    assert_eq!(left, ["failed", "queued"]);
    // The enqueue order survives pruning.
    ob.enqueue(new("later", 1), T0 + 2_000).unwrap();
    assert!(ob.item("later").unwrap().seq > ob.item("queued").unwrap().seq);
}

#[test]
fn everything_round_trips_through_json() {
    let mut ob = Outbox::new(Settings::default());
    let mut scheduled = new("sched", 9);
    scheduled.not_before = Some(T0 + 1);
    scheduled.attachments = vec!["img-1".into()];
    ob.enqueue(scheduled, T0).unwrap();
    for (id, to) in [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)] {
        ob.enqueue(new(id, to), T0).unwrap();
    }
    let mut now = T0;
    fn step(ob: &mut Outbox, now: &mut u64, id: &str, outcome: Option<SendOutcome>) {
        *now += 100_000;
        ob.start(id, *now, 3).unwrap();
        if let Some(outcome) = outcome {
            ob.finish(id, outcome, *now + 1, 3).unwrap();
        }
    }
    step(&mut ob, &mut now, "a", Some(SendOutcome::Sent));
    step(&mut ob, &mut now, "b", Some(failed(FailReason::Timeout)));
    step(
        &mut ob,
        &mut now,
        "c",
        Some(failed(FailReason::BlockedByPlatform)),
    );
    ob.resume(&shop());
    step(&mut ob, &mut now, "d", None);
    ob.restarted();
    ob.cancel("e", now).unwrap();
    step(&mut ob, &mut now, "sched", None);
    let json = serde_json::to_string(&ob).unwrap();
    let back: Outbox = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ob);
    assert_eq!(
        serde_json::from_str::<Outbox>("{}").unwrap(),
        Outbox::default()
    );

    let events = [
        Event::Enqueue { item: new("x", 1) },
        Event::Start { id: "x".into() },
        Event::Finish {
            id: "x".into(),
            outcome: failed(FailReason::Unconfirmed),
        },
        Event::Restarted,
        Event::Checked {
            id: "x".into(),
            found: PageCheck::Sent,
        },
        Event::Retry { id: "x".into() },
        Event::Cancel { id: "x".into() },
        Event::Resume { account: shop() },
    ];
    for e in events {
        let back: Event = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
    }
    for r in [
        Rejected::NotReady {
            wait: Wait::Gap { until: 5 },
        },
        Rejected::WrongState {
            state: ItemState::Sent { at: 1 },
        },
    ] {
        let back: Rejected = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }
}

#[test]
fn stored_state_names_are_stable() {
    // The store and the panel read these: changing them is a migration.
    let s = |st: ItemState| serde_json::to_string(&st).unwrap();
    assert_eq!(s(ItemState::Queued), r#""queued""#);
    assert_eq!(
        s(ItemState::NeedsCheck {
            attempt: 1,
            started_at: 2,
            checks: 0
        }),
        r#"{"needs_check":{"attempt":1,"started_at":2,"checks":0}}"#
    );
    // A state stored before `checks` existed reads as no failed check yet.
    let old: ItemState =
        serde_json::from_str(r#"{"needs_check":{"attempt":1,"started_at":2}}"#).unwrap();
    assert_eq!(
        old,
        ItemState::NeedsCheck {
            attempt: 1,
            started_at: 2,
            checks: 0
        }
    );
    assert_eq!(
        s(ItemState::NeedsAgent {
            reason: FailReason::PageUnclear,
            at: 3,
            attempts: 1
        }),
        r#"{"needs_agent":{"reason":"page_unclear","at":3,"attempts":1}}"#
    );
    assert_eq!(
        s(ItemState::Failed {
            reason: FailReason::Unconfirmed,
            at: 3,
            attempts: 1
        }),
        r#"{"failed":{"reason":"unconfirmed","at":3,"attempts":1}}"#
    );
}

#[test]
fn apply_is_the_methods() {
    let mut a = unpaced();
    let mut b = unpaced();
    a.enqueue(new("x", 1), T0).unwrap();
    a.start("x", T0, 5).unwrap();
    a.finish("x", failed(FailReason::Timeout), T0, 5).unwrap();
    b.apply(Event::Enqueue { item: new("x", 1) }, T0, 0)
        .unwrap();
    b.apply(Event::Start { id: "x".into() }, T0, 5).unwrap();
    b.apply(
        Event::Finish {
            id: "x".into(),
            outcome: failed(FailReason::Timeout),
        },
        T0,
        5,
    )
    .unwrap();
    assert_eq!(a, b);
    assert_eq!(
        b.apply(Event::Cancel { id: "nope".into() }, T0, 0),
        Err(Rejected::UnknownId)
    );
}

/// Issue 13, point 3: a message the worker cannot check (logged out, composer gone, thread id
/// changed) was looked for every 15–35 s forever, each time opening or navigating a tab, and held
/// its thread. Now the checks are bounded, then the agent decides.
#[test]
fn a_message_that_cannot_be_checked_goes_to_the_agent_after_max_checks() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    ob.enqueue(new("b", 1), T0 + 1).unwrap();
    ob.start("a", T0, 0).unwrap();
    ob.restarted();
    for n in 1..MAX_CHECKS {
        assert_eq!(
            ob.check_failed("a", FailReason::NotLoggedIn, T0 + u64::from(n)),
            Ok(false)
        );
        assert_eq!(
            ob.needs_check().count(),
            1,
            "still checked after {n} failures"
        );
    }
    assert_eq!(
        ob.check_failed("a", FailReason::NotLoggedIn, T0 + 50),
        Ok(true)
    );
    assert_eq!(
        state(&ob, "a"),
        ItemState::NeedsAgent {
            reason: FailReason::NotLoggedIn,
            at: T0 + 50,
            attempts: 1
        }
    );
    // Nothing more is checked, nothing wakes the worker for it, and its thread is free.
    assert_eq!(ob.needs_check().count(), 0);
    assert!(matches!(
        ob.check_failed("a", FailReason::NotLoggedIn, T0 + 51),
        Err(Rejected::WrongState { .. })
    ));
    assert_eq!(ob.next_ready(T0 + 60).unwrap().id, "b");
    // The agent's three answers.
    let mut sent = ob.clone();
    sent.mark_sent("a", T0 + 70).unwrap();
    assert_eq!(state(&sent, "a"), ItemState::Sent { at: T0 + 70 });
    let mut again = ob.clone();
    again.send_again("a").unwrap();
    assert_eq!(state(&again, "a"), ItemState::Queued);
    assert_eq!(again.item("a").unwrap().attempts, 0);
    let mut cancelled = ob.clone();
    cancelled.cancel("a", T0 + 70).unwrap();
    assert_eq!(state(&cancelled, "a"), ItemState::Cancelled { at: T0 + 70 });
    // Only from NeedsAgent.
    assert!(matches!(
        ob.mark_sent("b", T0),
        Err(Rejected::WrongState { .. })
    ));
    assert!(matches!(
        ob.send_again("b"),
        Err(Rejected::WrongState { .. })
    ));
}

#[test]
fn an_unclear_page_goes_to_the_agent_not_to_typing() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    ob.start("a", T0, 0).unwrap();
    ob.restarted();
    ob.checked("a", PageCheck::Unclear, T0 + 5).unwrap();
    assert_eq!(
        state(&ob, "a"),
        ItemState::NeedsAgent {
            reason: FailReason::PageUnclear,
            at: T0 + 5,
            attempts: 1
        }
    );
    assert!(ob.next_ready(T0 + 99_999).is_none());
}

/// Issue 13, point 1: the worker pruned a copy, so the stored outbox kept every message ever
/// sent. `tidy` prunes the outbox itself, by age and by count, and keeps everything unfinished.
#[test]
fn tidy_keeps_the_outbox_bounded_and_every_unfinished_message() {
    let mut ob = unpaced();
    let mut now = T0;
    for n in 0..2_000u32 {
        let id = format!("m{n}");
        ob.enqueue(new(&id, n % 50), now).unwrap();
        ob.start(&id, now, 0).unwrap();
        if n % 100 == 7 {
            ob.finish(&id, failed(FailReason::Unconfirmed), now, 0)
                .unwrap();
        } else {
            ob.finish(&id, SendOutcome::Sent, now, 0).unwrap();
        }
        ob.tidy(now);
        now += 1_000;
    }
    let unfinished = 20;
    assert_eq!(ob.items().len(), KEEP_DONE_COUNT + unfinished);
    // The newest are kept.
    assert!(ob.item("m1999").is_some());
    assert!(
        ob.item("m7").is_some(),
        "a failed message is never forgotten"
    );
    // A week later only the unfinished remain.
    ob.tidy(now + KEEP_DONE_MS);
    assert_eq!(ob.items().len(), unfinished);
}

#[test]
fn file_keys_are_those_of_messages_that_may_still_be_typed() {
    let mut ob = unpaced();
    for (id, to) in [("sent", 1), ("queued", 2), ("cancelled", 3)] {
        let mut item = new(id, to);
        item.attachments = vec![file_key(id, 0), file_key(id, 1)];
        ob.enqueue(item, T0).unwrap();
    }
    ob.start("sent", T0, 0).unwrap();
    ob.finish("sent", SendOutcome::Sent, T0, 0).unwrap();
    ob.cancel("cancelled", T0).unwrap();
    let keys: Vec<&str> = ob.file_keys().into_iter().collect();
    assert_eq!(keys, ["file:queued#0", "file:queued#1"]);
}

/// A message the worker could not store is taken back, so it is never sent from memory; a
/// message that was started is never taken back.
#[test]
fn withdraw_takes_back_only_a_never_started_message() {
    let mut ob = unpaced();
    ob.enqueue(new("a", 1), T0).unwrap();
    ob.enqueue(new("b", 2), T0).unwrap();
    ob.start("b", T0, 0).unwrap();
    assert!(ob.withdraw("a"));
    assert!(ob.item("a").is_none());
    assert!(!ob.withdraw("b"), "being typed");
    assert!(!ob.withdraw("zz"));
}

#[test]
fn the_shared_budget_holds_an_account_even_with_local_pacing_off() {
    let mut ob = unpaced();
    ob.enqueue(new("m0", 0), T0).unwrap();
    ob.team_budget_spent(&shop(), T0 + 60_000, TeamLimit::Daily);
    assert_eq!(
        ob.why_waiting("m0", T0).unwrap(),
        Some(Wait::TeamBudget {
            until: T0 + 60_000,
            limit: TeamLimit::Daily
        })
    );
    assert!(ob.next_ready(T0 + 59_999).is_none());
    assert_eq!(ob.next_wake(T0), Some(T0 + 60_000));
    assert_eq!(ob.team_waits(T0).len(), 1);
    assert!(
        ob.next_ready(T0 + 60_000).is_some(),
        "free again at its time"
    );
    assert!(ob.team_waits(T0 + 60_000).is_empty());
    assert_eq!(TeamLimit::from_server("hourly"), TeamLimit::Hourly);
    assert_eq!(TeamLimit::from_server("something new"), TeamLimit::Gap);
}

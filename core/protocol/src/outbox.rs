//! The outbox: every message the extension is asked to type, from intent to confirmed result.
//!
//! # Design
//!
//! The outbox is a state machine over plain data ([`Outbox`], serde, persisted by the service
//! worker after every change). It does no I/O and owns no clock and no randomness: every call
//! takes `now_ms` (milliseconds since the Unix epoch) and, where jitter is needed, a `random`
//! `u64` from the caller. The same events in the same order give the same outbox, which is what
//! makes the property tests (and a replay of a persisted change log) possible.
//!
//! The worker drives it like this:
//!
//! 1. [`Outbox::enqueue`] records the intent (`Queued`) and the worker persists the outbox
//!    **before** anything is typed. Enqueueing the same id twice is a no-op, so a panel that
//!    re-sends its request after a worker restart does not double the message.
//! 2. [`Outbox::next_ready`] names the message that may be typed now; [`Outbox::start`] marks it
//!    `Sending` (persist again), then the worker orders the content script to type it.
//! 3. [`Outbox::finish`] records the content script's [`SendOutcome`].
//! 4. When the worker starts, it calls [`Outbox::restarted`] first: a message still `Sending`
//!    was being typed when the worker died, and may or may not be on the page. It becomes
//!    `NeedsCheck`; the worker reads the conversation and reports with [`Outbox::checked`]
//!    whether the message is there (then `Sent`) or not (then `Queued` again).
//!    [`Outbox::next_wake`] tells when to set a `chrome.alarms` alarm.
//!
//! ```text
//!            enqueue            start                 finish(Sent)
//!   (none) ─────────▶ Queued ─────────▶ Sending ──────────────────▶ Sent
//!                      ▲  ▲               │ │ finish(retryable, attempts left): Queued + backoff
//!                      │  └───────────────┘ │ finish(other): Failed   restarted: NeedsCheck
//!          retry       │                    ▼                                    │
//!   Failed ────────────┘ (Unconfirmed: retry goes to NeedsCheck)   checked(false)│ checked(true)
//!   cancel: Queued | Failed | NeedsCheck | NeedsAgent ─▶ Cancelled   Queued ◀──────┴──────▶ Sent
//!
//!   NeedsCheck ── check_failed × MAX_CHECKS, or checked(Unclear) ──▶ NeedsAgent
//!   NeedsAgent ── mark_sent ──▶ Sent;  send_again ──▶ Queued;  cancel ──▶ Cancelled
//! ```
//!
//! # Rules
//!
//! - **At most once.** Nothing leaves `Sent`. A message whose send action may have happened is
//!   never typed again without evidence that it is not on the page: `Unconfirmed` is not
//!   retryable ([`FailReason::is_retryable`]), an agent's retry of it goes through `NeedsCheck`,
//!   and so does every message found `Sending` after a restart.
//! - **Never lost.** Only [`Outbox::prune`] removes items, and only `Sent` or `Cancelled` ones.
//! - **One at a time per account.** No message starts while another of the same account
//!   ([`AccountKey`]) is `Sending`: the page has one composer, and a platform judges an account.
//! - **Order per conversation.** Messages to one thread go out in their order (the scheduled
//!   time, else the creation time, then enqueue order): a message waits while an earlier one to
//!   the same thread is queued (even in backoff), sending, or waiting for its check. A `Failed`
//!   message does not hold the thread: the agent sees it and decides.
//! - **Pacing** ([`Pacing`], per account): a minimum gap between two starts plus a random jitter
//!   drawn at start time, and caps per rolling hour and rolling day. Retries count: each start
//!   types into the page. [`Pacing::disabled`] removes gap and caps (benchmarks), not the rules
//!   above.
//! - **Retries** ([`RetryPolicy`]): only for retryable reasons, with exponential backoff, a cap
//!   and jitter, up to a number of attempts; then `Failed`.
//! - **Bounded checks.** A check that cannot read the page ([`Outbox::check_failed`]) is tried
//!   [`MAX_CHECKS`] times in all; then the message `NeedsAgent`, and so does one whose page is
//!   unclear (a new outgoing message with another text: the platform may have rendered ours
//!   differently). The worker touches no tab for it again; the agent looks and decides
//!   ([`Outbox::mark_sent`], [`Outbox::send_again`], [`Outbox::cancel`]). Like `Failed`, it does
//!   not hold its thread.
//! - **Bounded size.** [`Outbox::tidy`] forgets finished messages after [`KEEP_DONE_MS`] and
//!   beyond the newest [`KEEP_DONE_COUNT`]; files live under [`file_key`]s outside the outbox
//!   value, and [`Outbox::file_keys`] tells the worker which ones are still wanted.
//! - **Blocked.** A `BlockedByPlatform` failure pauses the whole account until
//!   [`Outbox::resume`]; resuming re-queues the messages that failed that way (the content script
//!   reports "blocked" only before the send action, so nothing of them was sent).

use crate::protocol::{FailReason, Platform, SendOutcome, ThreadRef};
use serde::{Deserialize, Serialize};

const HOUR_MS: u64 = 3_600_000;
const DAY_MS: u64 = 24 * HOUR_MS;

/// How many times a message left unsure is looked for on the page before the agent is asked:
/// each check may open or navigate a tab, which must not go on by itself forever.
pub const MAX_CHECKS: u32 = 3;
/// Sent and cancelled messages are kept this long for the panel's list, then forgotten.
pub const KEEP_DONE_MS: u64 = 7 * DAY_MS;
/// At most this many sent and cancelled messages are kept, the newest: at the default 800
/// messages a day, a week of them would make the one stored value megabytes long, rewritten at
/// every state change.
pub const KEEP_DONE_COUNT: usize = 300;

/// The storage key of file `n` of message `id`. The worker stores files under these keys, beside
/// the outbox (never inside it), before it stores the message; the same message asked again
/// names the same keys, so a repeated request is the same message.
pub fn file_key(id: &str, n: usize) -> String {
    format!("file:{id}#{n}")
}

/// Returns true if and only if `key` names a stored file (see [`file_key`]).
pub fn is_file_key(key: &str) -> bool {
    key.starts_with("file:")
}

/// The shop account a message is sent from: pacing, caps and "blocked" apply per account.
///
/// When the page did not tell the account name, all such messages of a platform share one key,
/// which paces them together: the safe side.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountKey {
    pub platform: Platform,
    pub account: Option<String>,
}

/// A message to put in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewItem {
    /// Chosen by the caller (the panel's request id): enqueueing it again is a no-op.
    pub id: String,
    pub to: ThreadRef,
    /// The shop account, as [`crate::protocol::Conversation::account`] reported it.
    #[serde(default)]
    pub account: Option<String>,
    pub text: String,
    /// Media library ids, sent in order.
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Send no earlier than this (a scheduled send), ms since the epoch.
    #[serde(default)]
    pub not_before: Option<u64>,
}

/// One message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: String,
    pub to: ThreadRef,
    #[serde(default)]
    pub account: Option<String>,
    pub text: String,
    #[serde(default)]
    pub attachments: Vec<String>,
    pub created_at: u64,
    /// Scheduled time, if any.
    #[serde(default)]
    pub not_before: Option<u64>,
    /// Earliest time of the next automatic retry (backoff), if one is pending.
    #[serde(default)]
    pub retry_at: Option<u64>,
    /// Send attempts started since the message was queued or the agent last retried it.
    #[serde(default)]
    pub attempts: u32,
    /// Why the last attempt failed, while the message is queued for another one (the panel shows
    /// "retrying: …").
    #[serde(default)]
    pub last_failure: Option<FailReason>,
    /// Enqueue order, assigned by the outbox: the tie-break of the sending order.
    pub seq: u64,
    pub state: ItemState,
}

impl OutboxItem {
    /// The account this message is sent from.
    pub fn account_key(&self) -> AccountKey {
        AccountKey {
            platform: self.to.platform,
            account: self.account.clone(),
        }
    }

    /// The sending order among messages of one thread: scheduled time, else creation time, then
    /// enqueue order. A retry keeps its place, so later messages do not overtake it.
    fn order_key(&self) -> (u64, u64) {
        (self.not_before.unwrap_or(self.created_at), self.seq)
    }

    /// Returns true if and only if this message occupies its thread: being typed, or perhaps
    /// typed and not yet checked.
    fn in_flight(&self) -> bool {
        matches!(
            self.state,
            ItemState::Sending { .. } | ItemState::NeedsCheck { .. }
        )
    }
}

/// Where a message is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Waiting to be typed (possibly for its schedule, a backoff or pacing).
    Queued,
    /// Being typed by a content script since `started_at`.
    Sending { attempt: u32, started_at: u64 },
    /// Was `Sending` when the worker stopped (or the agent retried an `Unconfirmed` message): it
    /// may be on the page. The page must be checked before anything else happens to it.
    /// `checks`: looks at the page that could not be made so far.
    NeedsCheck {
        attempt: u32,
        started_at: u64,
        #[serde(default)]
        checks: u32,
    },
    /// May be on the page, and the worker could not tell ([`MAX_CHECKS`] checks failed with
    /// `reason`, or the page was unclear: [`FailReason::PageUnclear`]). Nothing happens to it
    /// until the agent marks it sent, sends it again or cancels it.
    NeedsAgent {
        reason: FailReason,
        at: u64,
        attempts: u32,
    },
    /// Confirmed on the page.
    Sent { at: u64 },
    /// Given up; waits for the agent (retry or cancel).
    Failed {
        reason: FailReason,
        at: u64,
        attempts: u32,
    },
    /// The agent cancelled it: the outbox will not send it (from `NeedsCheck`, it may still have
    /// been sent before).
    Cancelled { at: u64 },
}

/// Per-account pacing, so that a busy shop looks like a person typing, not a bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pacing {
    /// False for benchmarks and tests: no gap, no caps.
    pub enabled: bool,
    /// Minimum time between two starts of one account.
    pub min_gap_ms: u64,
    /// Up to this much more, drawn at random per start (uniform).
    pub jitter_ms: u64,
    /// At most this many starts per rolling hour (`None`: no cap; 0 counts as 1).
    pub per_hour: Option<u32>,
    /// At most this many starts per rolling 24 hours (`None`: no cap; 0 counts as 1).
    pub per_day: Option<u32>,
}

impl Default for Pacing {
    /// Human-like: 6 to 12 s between messages, at most 120 an hour and 800 a day. Guesses from
    /// how fast an agent answers by hand; Meta publishes no limits.
    fn default() -> Self {
        Pacing {
            enabled: true,
            min_gap_ms: 6_000,
            jitter_ms: 6_000,
            per_hour: Some(120),
            per_day: Some(800),
        }
    }
}

impl Pacing {
    /// No pacing at all (benchmarks).
    pub fn disabled() -> Self {
        Pacing {
            enabled: false,
            ..Pacing::default()
        }
    }
}

/// Automatic retries of retryable failures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; after the last one the message is `Failed`.
    pub max_attempts: u32,
    /// Delay before the first retry; doubled for each further one.
    pub base_ms: u64,
    /// The delay never exceeds this.
    pub cap_ms: u64,
}

impl Default for RetryPolicy {
    /// 4 attempts, after about 5 s, 10 s and 20 s: a page that is still loading gets time, and a
    /// dead tab does not hold the conversation for long.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_ms: 5_000,
            cap_ms: 120_000,
        }
    }
}

impl RetryPolicy {
    /// The delay before the retry that follows failed attempt number `attempt` (1-based):
    /// `base · 2^(attempt-1)`, capped, then drawn uniformly from its upper half with `random`
    /// ("equal jitter": never shorter than half, so retries of many messages spread out without
    /// any of them hammering the page).
    pub fn delay(&self, attempt: u32, random: u64) -> u64 {
        let shift = attempt.saturating_sub(1).min(63);
        let exp = self
            .base_ms
            .saturating_mul(1u64 << shift)
            .min(self.cap_ms)
            .max(1);
        let half = exp / 2;
        half + random % (exp - half + 1)
    }
}

/// Everything configurable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub pacing: Pacing,
    #[serde(default)]
    pub retry: RetryPolicy,
}

/// Why an account is stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub reason: FailReason,
    pub at: u64,
}

/// What the outbox remembers about one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct AccountState {
    key: AccountKey,
    /// No start before this (the gap, jitter included, drawn at the previous start).
    #[serde(default)]
    next_start_at: u64,
    /// Start times of the last 24 hours, oldest first (for the caps).
    #[serde(default)]
    starts: Vec<u64>,
    #[serde(default)]
    paused: Option<Pause>,
    /// The shop's shared budget for this account (team server) refused a send: none before
    /// this time, and which limit was spent.
    #[serde(default)]
    team_wait: Option<TeamWait>,
}

/// Which limit of an account's shared budget (the team server's `/v1/pacing/reserve`) is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamLimit {
    /// Too soon after another agent's send from the same account.
    Gap,
    Hourly,
    Daily,
}

impl TeamLimit {
    /// The server's `reason` (`gap`, `hourly`, `daily`); an unknown one counts as `gap`.
    pub fn from_server(reason: &str) -> TeamLimit {
        match reason {
            "daily" => TeamLimit::Daily,
            "hourly" => TeamLimit::Hourly,
            _ => TeamLimit::Gap,
        }
    }
}

/// An account held by its shared budget until `until` (Unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamWait {
    pub until: u64,
    pub limit: TeamLimit,
}

/// Why a queued message is not sent now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wait {
    /// It is not `Queued`.
    NotQueued,
    /// An earlier message to the same conversation is not done (`id`).
    EarlierInThread { id: String },
    /// Another message of the account is being typed (`id`).
    AccountBusy { id: String },
    /// The account is stopped until the agent resumes it.
    AccountPaused { reason: FailReason },
    /// Scheduled for later.
    Scheduled { until: u64 },
    /// Waiting before an automatic retry.
    Backoff { until: u64 },
    /// Pacing: too soon after the account's previous message.
    Gap { until: u64 },
    /// Pacing: the hourly cap is reached.
    HourlyCap { until: u64 },
    /// Pacing: the daily cap is reached.
    DailyCap { until: u64 },
    /// The account's budget shared by the shop's agents (team server) is spent until `until`.
    TeamBudget { until: u64, limit: TeamLimit },
}

impl Wait {
    /// The time at which this reason ends by itself, if it does.
    pub fn until(&self) -> Option<u64> {
        match *self {
            Wait::Scheduled { until }
            | Wait::Backoff { until }
            | Wait::Gap { until }
            | Wait::HourlyCap { until }
            | Wait::DailyCap { until }
            | Wait::TeamBudget { until, .. } => Some(until),
            _ => None,
        }
    }
}

/// Why an event was refused. A refused event changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rejected {
    UnknownId,
    /// The id is taken by a different message.
    DuplicateId,
    /// Neither text nor attachments.
    Empty,
    /// The event does not apply to a message in this state.
    WrongState {
        state: ItemState,
    },
    /// `start` of a message that may not start now.
    NotReady {
        wait: Wait,
    },
}

/// Everything that can happen to the outbox, for callers that log or replay events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Enqueue { item: NewItem },
    Start { id: String },
    Finish { id: String, outcome: SendOutcome },
    Restarted,
    Checked { id: String, found: PageCheck },
    CheckFailed { id: String, reason: FailReason },
    Retry { id: String },
    MarkSent { id: String },
    SendAgain { id: String },
    Cancel { id: String },
    Resume { account: AccountKey },
}

/// The outbox of one browser profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    #[serde(default)]
    settings: Settings,
    #[serde(default)]
    items: Vec<OutboxItem>,
    #[serde(default)]
    accounts: Vec<AccountState>,
    #[serde(default)]
    next_seq: u64,
}

impl Outbox {
    pub fn new(settings: Settings) -> Self {
        Outbox {
            settings,
            ..Outbox::default()
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Takes effect for the next start; gaps already drawn stand.
    pub fn set_settings(&mut self, settings: Settings) {
        self.settings = settings;
    }

    /// Every message, in enqueue order.
    pub fn items(&self) -> &[OutboxItem] {
        &self.items
    }

    pub fn item(&self, id: &str) -> Option<&OutboxItem> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Why `account` is stopped, if it is.
    /// Every account that is stopped, and why.
    pub fn paused_accounts(&self) -> Vec<(AccountKey, Pause)> {
        self.accounts
            .iter()
            .filter_map(|a| a.paused.clone().map(|p| (a.key.clone(), p)))
            .collect()
    }

    pub fn paused(&self, account: &AccountKey) -> Option<&Pause> {
        self.account(account).and_then(|a| a.paused.as_ref())
    }

    /// Applies `event` at `now_ms`; `random` feeds the jitter of starts and retries.
    pub fn apply(&mut self, event: Event, now_ms: u64, random: u64) -> Result<(), Rejected> {
        match event {
            Event::Enqueue { item } => self.enqueue(item, now_ms),
            Event::Start { id } => self.start(&id, now_ms, random),
            Event::Finish { id, outcome } => self.finish(&id, outcome, now_ms, random),
            Event::Restarted => {
                self.restarted();
                Ok(())
            }
            Event::Checked { id, found } => self.checked(&id, found, now_ms),
            Event::CheckFailed { id, reason } => self.check_failed(&id, reason, now_ms).map(|_| ()),
            Event::Retry { id } => self.retry(&id),
            Event::MarkSent { id } => self.mark_sent(&id, now_ms),
            Event::SendAgain { id } => self.send_again(&id),
            Event::Cancel { id } => self.cancel(&id, now_ms),
            Event::Resume { account } => {
                self.resume(&account);
                Ok(())
            }
        }
    }

    /// Records the intent to send `new` (`Queued`). Enqueueing an id again with the same message
    /// is a no-op (`Ok`), so that a repeated request never doubles a message; with a different
    /// message it is [`Rejected::DuplicateId`].
    pub fn enqueue(&mut self, new: NewItem, now_ms: u64) -> Result<(), Rejected> {
        if let Some(existing) = self.item(&new.id) {
            let same = existing.to == new.to
                && existing.account == new.account
                && existing.text == new.text
                && existing.attachments == new.attachments
                && existing.not_before == new.not_before;
            return if same {
                Ok(())
            } else {
                Err(Rejected::DuplicateId)
            };
        }
        if new.text.trim().is_empty() && new.attachments.is_empty() {
            return Err(Rejected::Empty);
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.items.push(OutboxItem {
            id: new.id,
            to: new.to,
            account: new.account,
            text: new.text,
            attachments: new.attachments,
            created_at: now_ms,
            not_before: new.not_before,
            retry_at: None,
            attempts: 0,
            last_failure: None,
            seq,
            state: ItemState::Queued,
        });
        Ok(())
    }

    /// Takes back a message that was never started (`Queued`, no attempt): the caller could not
    /// store it, told the panel so, and must not send it from memory. Returns true if and only
    /// if it was removed.
    pub fn withdraw(&mut self, id: &str) -> bool {
        let before = self.items.len();
        self.items
            .retain(|i| !(i.id == id && i.state == ItemState::Queued && i.attempts == 0));
        self.items.len() != before
    }

    /// Returns why message `id` may not start at `now_ms`, or `Ok(None)` if it may.
    ///
    /// Reasons that an event ends (an earlier message, a busy or paused account) come before
    /// reasons that time ends; among the latter, the one that ends last.
    pub fn why_waiting(&self, id: &str, now_ms: u64) -> Result<Option<Wait>, Rejected> {
        let item = self.item(id).ok_or(Rejected::UnknownId)?;
        if item.state != ItemState::Queued {
            return Ok(Some(Wait::NotQueued));
        }
        if let Some(wait) = self.blocked_by_other(item) {
            return Ok(Some(wait));
        }
        Ok(self
            .time_waits(item, now_ms)
            .into_iter()
            .filter(|w| w.until().is_some_and(|u| u > now_ms))
            .max_by_key(|w| w.until()))
    }

    /// Returns the message that may start now, the first in sending order, or `None`.
    pub fn next_ready(&self, now_ms: u64) -> Option<&OutboxItem> {
        self.items
            .iter()
            .filter(|i| i.state == ItemState::Queued)
            .filter(|i| matches!(self.why_waiting(&i.id, now_ms), Ok(None)))
            .min_by_key(|i| i.order_key())
    }

    /// The shop's shared budget for `account` refused a send (team server): no message of that
    /// account starts before `until`. A later refusal replaces an earlier one.
    pub fn team_budget_spent(&mut self, account: &AccountKey, until: u64, limit: TeamLimit) {
        self.account_mut(account).team_wait = Some(TeamWait { until, limit });
    }

    /// The accounts held by their shared budget at `now_ms`, with until when and why.
    pub fn team_waits(&self, now_ms: u64) -> Vec<(AccountKey, TeamWait)> {
        self.accounts
            .iter()
            .filter_map(|a| Some((a.key.clone(), a.team_wait.filter(|w| w.until > now_ms)?)))
            .collect()
    }

    /// Returns the earliest time after `now_ms` at which a queued message that only waits for
    /// time (schedule, backoff, pacing) may start: when to set the alarm. `None` if no queued
    /// message waits only for time (nothing queued, or everything waits for an event).
    pub fn next_wake(&self, now_ms: u64) -> Option<u64> {
        self.items
            .iter()
            .filter(|i| i.state == ItemState::Queued && self.blocked_by_other(i).is_none())
            .filter_map(|i| {
                self.time_waits(i, now_ms)
                    .iter()
                    .filter_map(Wait::until)
                    .max()
            })
            .filter(|&t| t > now_ms)
            .min()
    }

    /// Marks message `id` as being typed. Refused unless it is `Queued` and may start now (see
    /// [`Outbox::why_waiting`]): the outbox, not the caller, keeps the pacing and ordering rules.
    /// `random` draws the pacing jitter for the account's next start.
    pub fn start(&mut self, id: &str, now_ms: u64, random: u64) -> Result<(), Rejected> {
        let idx = self.index(id)?;
        if let Some(wait) = self.why_waiting(id, now_ms)? {
            return Err(match wait {
                Wait::NotQueued => Rejected::WrongState {
                    state: self.items[idx].state.clone(),
                },
                wait => Rejected::NotReady { wait },
            });
        }
        let pacing = self.settings.pacing.clone();
        let key = self.items[idx].account_key();
        let account = self.account_mut(&key);
        account
            .starts
            .retain(|&s| s.saturating_add(DAY_MS) > now_ms);
        account.starts.push(now_ms);
        account.next_start_at = if pacing.enabled {
            now_ms
                .saturating_add(pacing.min_gap_ms)
                .saturating_add(random % pacing.jitter_ms.saturating_add(1))
        } else {
            now_ms
        };
        let item = &mut self.items[idx];
        item.attempts += 1;
        item.retry_at = None;
        item.state = ItemState::Sending {
            attempt: item.attempts,
            started_at: now_ms,
        };
        Ok(())
    }

    /// Records how the send of `id` ended. Only a `Sending` message can finish.
    ///
    /// Sent → `Sent`. A retryable failure with attempts left → `Queued` again after a backoff
    /// (`random` draws its jitter). `BlockedByPlatform` → `Failed`, and the account pauses. Any
    /// other failure, `Unconfirmed` above all → `Failed`.
    pub fn finish(
        &mut self,
        id: &str,
        outcome: SendOutcome,
        now_ms: u64,
        random: u64,
    ) -> Result<(), Rejected> {
        let idx = self.index(id)?;
        let item = &self.items[idx];
        if !matches!(item.state, ItemState::Sending { .. }) {
            return Err(Rejected::WrongState {
                state: item.state.clone(),
            });
        }
        let reason = match outcome {
            SendOutcome::Sent => {
                let item = &mut self.items[idx];
                item.state = ItemState::Sent { at: now_ms };
                item.last_failure = None;
                return Ok(());
            }
            SendOutcome::Failed { reason } => reason,
        };
        if reason == FailReason::BlockedByPlatform {
            let key = item.account_key();
            self.account_mut(&key).paused = Some(Pause { reason, at: now_ms });
        }
        let retry = self.settings.retry.clone();
        let item = &mut self.items[idx];
        item.last_failure = Some(reason);
        if reason.is_retryable() && item.attempts < retry.max_attempts {
            item.retry_at = Some(now_ms.saturating_add(retry.delay(item.attempts, random)));
            item.state = ItemState::Queued;
        } else {
            item.state = ItemState::Failed {
                reason,
                at: now_ms,
                attempts: item.attempts,
            };
        }
        Ok(())
    }

    /// Call first when the worker starts: every `Sending` message becomes `NeedsCheck` (it may
    /// be on the page; typing it again blindly could double it). Returns their ids, for the worker
    /// to check on the page.
    pub fn restarted(&mut self) -> Vec<String> {
        let mut ids = Vec::new();
        for item in &mut self.items {
            if let ItemState::Sending {
                attempt,
                started_at,
            } = item.state
            {
                item.state = ItemState::NeedsCheck {
                    attempt,
                    started_at,
                    checks: 0,
                };
                ids.push(item.id.clone());
            }
        }
        ids
    }

    /// The messages waiting for a page check.
    pub fn needs_check(&self) -> impl Iterator<Item = &OutboxItem> {
        self.items
            .iter()
            .filter(|i| matches!(i.state, ItemState::NeedsCheck { .. }))
    }

    /// Resolves a `NeedsCheck` with what the page shows ([`check_page`]): `Sent` → `Sent`;
    /// `Absent` → `Queued`, to be typed again; `Unclear` → `NeedsAgent` (`PageUnclear`).
    ///
    /// "Absent" must be evidence, not a failure to look: the caller reports it only after
    /// reading the conversation back past `started_at`. When it cannot look, it reports
    /// [`Outbox::check_failed`].
    pub fn checked(&mut self, id: &str, found: PageCheck, now_ms: u64) -> Result<(), Rejected> {
        let idx = self.index(id)?;
        let item = &mut self.items[idx];
        let ItemState::NeedsCheck { attempt, .. } = item.state else {
            return Err(Rejected::WrongState {
                state: item.state.clone(),
            });
        };
        item.state = match found {
            PageCheck::Sent => ItemState::Sent { at: now_ms },
            PageCheck::Absent => ItemState::Queued,
            PageCheck::Unclear => ItemState::NeedsAgent {
                reason: FailReason::PageUnclear,
                at: now_ms,
                attempts: attempt,
            },
        };
        item.retry_at = None;
        Ok(())
    }

    /// Records that a check of `id` could not look at the page (`reason`). After [`MAX_CHECKS`]
    /// such failures the message `NeedsAgent` with that reason. Returns true if and only if it
    /// now needs the agent.
    pub fn check_failed(
        &mut self,
        id: &str,
        reason: FailReason,
        now_ms: u64,
    ) -> Result<bool, Rejected> {
        let idx = self.index(id)?;
        let item = &mut self.items[idx];
        let ItemState::NeedsCheck {
            attempt,
            started_at,
            checks,
        } = item.state
        else {
            return Err(Rejected::WrongState {
                state: item.state.clone(),
            });
        };
        let checks = checks + 1;
        item.last_failure = Some(reason);
        item.state = if checks >= MAX_CHECKS {
            ItemState::NeedsAgent {
                reason,
                at: now_ms,
                attempts: attempt,
            }
        } else {
            ItemState::NeedsCheck {
                attempt,
                started_at,
                checks,
            }
        };
        Ok(checks >= MAX_CHECKS)
    }

    /// The agent saw the message on the page: `NeedsAgent` → `Sent`.
    pub fn mark_sent(&mut self, id: &str, now_ms: u64) -> Result<(), Rejected> {
        let idx = self.index(id)?;
        let item = &mut self.items[idx];
        if !matches!(item.state, ItemState::NeedsAgent { .. }) {
            return Err(Rejected::WrongState {
                state: item.state.clone(),
            });
        }
        item.state = ItemState::Sent { at: now_ms };
        item.last_failure = None;
        Ok(())
    }

    /// The agent saw that the message is not on the page: `NeedsAgent` → `Queued`, with a fresh
    /// attempt budget, typed without another check.
    pub fn send_again(&mut self, id: &str) -> Result<(), Rejected> {
        let idx = self.index(id)?;
        let item = &mut self.items[idx];
        if !matches!(item.state, ItemState::NeedsAgent { .. }) {
            return Err(Rejected::WrongState {
                state: item.state.clone(),
            });
        }
        item.state = ItemState::Queued;
        item.attempts = 0;
        item.retry_at = None;
        Ok(())
    }

    /// The agent's retry, only from `Failed`. The message goes back to `Queued` with a fresh
    /// attempt budget, except after `Unconfirmed`: it may be on the page, so it goes to
    /// `NeedsCheck` and is typed again only if the check finds it absent.
    pub fn retry(&mut self, id: &str) -> Result<(), Rejected> {
        let idx = self.index(id)?;
        let item = &mut self.items[idx];
        let ItemState::Failed {
            reason,
            at,
            attempts,
        } = item.state
        else {
            return Err(Rejected::WrongState {
                state: item.state.clone(),
            });
        };
        item.last_failure = Some(reason);
        item.retry_at = None;
        if reason == FailReason::Unconfirmed {
            item.state = ItemState::NeedsCheck {
                attempt: attempts,
                started_at: at,
                checks: 0,
            };
        } else {
            item.attempts = 0;
            item.state = ItemState::Queued;
        }
        Ok(())
    }

    /// The agent's cancel, from `Queued`, `Failed`, `NeedsCheck` or `NeedsAgent`. Cancelling a cancelled
    /// message is a no-op; a message being typed or already sent cannot be cancelled.
    pub fn cancel(&mut self, id: &str, now_ms: u64) -> Result<(), Rejected> {
        let idx = self.index(id)?;
        let item = &mut self.items[idx];
        match item.state {
            ItemState::Queued
            | ItemState::Failed { .. }
            | ItemState::NeedsCheck { .. }
            | ItemState::NeedsAgent { .. } => {
                item.state = ItemState::Cancelled { at: now_ms };
                item.retry_at = None;
                Ok(())
            }
            ItemState::Cancelled { .. } => Ok(()),
            ItemState::Sending { .. } | ItemState::Sent { .. } => Err(Rejected::WrongState {
                state: item.state.clone(),
            }),
        }
    }

    /// The agent's resume after a block: the account sends again, and its messages that failed
    /// with `BlockedByPlatform` are queued again (nothing of them was sent).
    pub fn resume(&mut self, account: &AccountKey) {
        if let Some(a) = self.accounts.iter_mut().find(|a| &a.key == account) {
            a.paused = None;
        }
        for item in &mut self.items {
            if matches!(
                item.state,
                ItemState::Failed {
                    reason: FailReason::BlockedByPlatform,
                    ..
                }
            ) && &item.account_key() == account
            {
                item.state = ItemState::Queued;
                item.attempts = 0;
                item.retry_at = None;
                item.last_failure = Some(FailReason::BlockedByPlatform);
            }
        }
    }

    /// Forgets `Sent` and `Cancelled` messages that ended at least `keep_ms` before `now_ms`, and
    /// the oldest of them beyond the newest `keep_count`, so that the stored outbox does not grow
    /// forever. Nothing else is ever removed. Returns how many were removed.
    pub fn prune(&mut self, now_ms: u64, keep_ms: u64, keep_count: usize) -> usize {
        let before = self.items.len();
        let done_at = |i: &OutboxItem| match i.state {
            ItemState::Sent { at } | ItemState::Cancelled { at } => Some(at),
            _ => None,
        };
        // The finished messages young enough, newest first (enqueue order breaks ties).
        let mut young: Vec<(u64, u64)> = self
            .items
            .iter()
            .filter_map(|i| done_at(i).map(|at| (at, i.seq)))
            .filter(|&(at, _)| at.saturating_add(keep_ms) > now_ms)
            .collect();
        young.sort_unstable_by(|a, b| b.cmp(a));
        young.truncate(keep_count);
        let kept: std::collections::BTreeSet<u64> = young.into_iter().map(|(_, seq)| seq).collect();
        self.items
            .retain(|i| done_at(i).is_none() || kept.contains(&i.seq));
        before - self.items.len()
    }

    /// [`Outbox::prune`] with the outbox's own policy ([`KEEP_DONE_MS`], [`KEEP_DONE_COUNT`]).
    /// The worker calls it before every save.
    pub fn tidy(&mut self, now_ms: u64) -> usize {
        self.prune(now_ms, KEEP_DONE_MS, KEEP_DONE_COUNT)
    }

    /// Every stored file key a message still needs: those of messages that may yet be typed
    /// (queued, sending, unsure, failed, or waiting for the agent). A file key of the store that
    /// is not here belongs to a sent, cancelled or forgotten message, or to a message whose
    /// store write never happened: the worker removes it.
    pub fn file_keys(&self) -> std::collections::BTreeSet<&str> {
        self.attachments_in_use()
            .into_iter()
            .filter(|k| is_file_key(k))
            .collect()
    }

    /// Every attachment key named by a message that may still be sent (not sent, not
    /// cancelled): outbox files and campaign files alike.
    pub fn attachments_in_use(&self) -> std::collections::BTreeSet<&str> {
        self.items
            .iter()
            .filter(|i| {
                !matches!(
                    i.state,
                    ItemState::Sent { .. } | ItemState::Cancelled { .. }
                )
            })
            .flat_map(|i| i.attachments.iter().map(String::as_str))
            .collect()
    }

    fn index(&self, id: &str) -> Result<usize, Rejected> {
        self.items
            .iter()
            .position(|i| i.id == id)
            .ok_or(Rejected::UnknownId)
    }

    fn account(&self, key: &AccountKey) -> Option<&AccountState> {
        self.accounts.iter().find(|a| &a.key == key)
    }

    fn account_mut(&mut self, key: &AccountKey) -> &mut AccountState {
        let idx = match self.accounts.iter().position(|a| &a.key == key) {
            Some(idx) => idx,
            None => {
                self.accounts.push(AccountState {
                    key: key.clone(),
                    next_start_at: 0,
                    starts: Vec::new(),
                    paused: None,
                    team_wait: None,
                });
                self.accounts.len() - 1
            }
        };
        &mut self.accounts[idx]
    }

    /// What other messages or the account's state hold `item` back, if anything.
    fn blocked_by_other(&self, item: &OutboxItem) -> Option<Wait> {
        let key = item.account_key();
        if let Some(pause) = self.paused(&key) {
            return Some(Wait::AccountPaused {
                reason: pause.reason,
            });
        }
        let mine = item.order_key();
        for other in &self.items {
            if other.id == item.id {
                continue;
            }
            if other.to == item.to
                && (other.in_flight()
                    || (other.state == ItemState::Queued && other.order_key() < mine))
            {
                return Some(Wait::EarlierInThread {
                    id: other.id.clone(),
                });
            }
            if matches!(other.state, ItemState::Sending { .. }) && other.account_key() == key {
                return Some(Wait::AccountBusy {
                    id: other.id.clone(),
                });
            }
        }
        None
    }

    /// Every time-bound reason that may hold `item` back at `now_ms` (some may already be over).
    fn time_waits(&self, item: &OutboxItem, now_ms: u64) -> Vec<Wait> {
        let mut waits = Vec::new();
        if let Some(until) = item.not_before {
            waits.push(Wait::Scheduled { until });
        }
        if let Some(until) = item.retry_at {
            waits.push(Wait::Backoff { until });
        }
        // The shared budget holds whether or not this browser's own pacing is on.
        if let Some(w) = self
            .account(&item.account_key())
            .and_then(|a| a.team_wait)
            .filter(|w| w.until > now_ms)
        {
            waits.push(Wait::TeamBudget {
                until: w.until,
                limit: w.limit,
            });
        }
        let pacing = &self.settings.pacing;
        if !pacing.enabled {
            return waits;
        }
        let Some(account) = self.account(&item.account_key()) else {
            return waits;
        };
        waits.push(Wait::Gap {
            until: account.next_start_at,
        });
        if let Some(until) = cap_until(&account.starts, pacing.per_hour, HOUR_MS, now_ms) {
            waits.push(Wait::HourlyCap { until });
        }
        if let Some(until) = cap_until(&account.starts, pacing.per_day, DAY_MS, now_ms) {
            waits.push(Wait::DailyCap { until });
        }
        waits
    }
}

/// When the rolling window of `window_ms` ending at `now_ms` will hold fewer than `cap` of
/// `starts` (sorted), if it is full now.
fn cap_until(starts: &[u64], cap: Option<u32>, window_ms: u64, now_ms: u64) -> Option<u64> {
    let cap = cap?.max(1) as usize;
    let in_window: Vec<u64> = starts
        .iter()
        .copied()
        .filter(|&s| s.saturating_add(window_ms) > now_ms)
        .collect();
    if in_window.len() < cap {
        return None;
    }
    // Once the oldest `len - cap + 1` starts leave the window, one more start fits.
    Some(in_window[in_window.len() - cap].saturating_add(window_ms))
}

/// What the conversation showed of a message before it was typed: the check after a worker
/// restart compares the page with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// Outgoing messages with the same text ([`same_text`]), not failed.
    pub count: u32,
    /// Their message ids, where the page exposes ids.
    #[serde(default)]
    pub ids: Vec<String>,
    /// Every outgoing message, whatever its text, not failed (version 3).
    #[serde(default)]
    pub out_count: Option<u32>,
    /// Their ids, where the page exposes ids.
    #[serde(default)]
    pub out_ids: Vec<String>,
    /// The tab that was about to type it: the check reads that tab first (another tab showing
    /// the thread may not have live-updated).
    #[serde(default)]
    pub tab_id: Option<i32>,
}

/// What a check found on the page about a message that may have been sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageCheck {
    /// The page shows it as sent since the baseline.
    Sent,
    /// The page shows nothing new from us since the baseline: it was not sent.
    Absent,
    /// Something new from us is there but does not read as this message (the platform may
    /// render it differently, or the agent typed by hand), or there was no baseline to compare
    /// with: only the agent can tell.
    Unclear,
}

/// The comparable form of a message text: lower case, letters and digits only, or (a text of
/// only emoji and signs) its white space folded. Platforms render links, emoji, quotes and
/// line breaks in their own way; what they keep is the words. (The service worker passes the
/// browser's own version to the `_by` functions: Rust's Unicode tables would be 20 KB of it.)
pub fn skeleton(text: &str) -> String {
    let words: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if words.is_empty() {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        words
    }
}

fn is_ours(message: &crate::protocol::ChatMessage) -> bool {
    message.direction == crate::protocol::Direction::Out
        && message.delivery != crate::protocol::Delivery::Failed
}

/// The comparable form of a text (see [`skeleton`]).
pub type Skeleton<'a> = &'a dyn Fn(&str) -> String;

/// The baseline of `wanted` in `messages`, read before typing it in tab `tab_id`.
pub fn baseline(
    messages: &[crate::protocol::ChatMessage],
    wanted: &str,
    tab_id: Option<i32>,
) -> Baseline {
    baseline_by(messages, wanted, tab_id, &skeleton)
}

/// [`baseline`] with the texts compared in `skeleton`'s form.
pub fn baseline_by(
    messages: &[crate::protocol::ChatMessage],
    wanted: &str,
    tab_id: Option<i32>,
    skeleton: Skeleton<'_>,
) -> Baseline {
    let wanted = skeleton(wanted);
    let same: Vec<_> = messages
        .iter()
        .filter(|m| is_ours(m) && skeleton(&m.text) == wanted)
        .collect();
    let ours: Vec<_> = messages.iter().filter(|m| is_ours(m)).collect();
    Baseline {
        count: same.len() as u32,
        ids: same.iter().filter_map(|m| m.id.clone()).collect(),
        out_count: Some(ours.len() as u32),
        out_ids: ours.iter().filter_map(|m| m.id.clone()).collect(),
        tab_id,
    }
}

/// Compares the page read after a worker restart (`messages`) with `baseline`: whether
/// `wanted` was sent since.
///
/// A bubble the page marks as failed never counts. Where the page exposes message ids, a
/// message with this text and an id the baseline did not have is the evidence (a long thread
/// that unmounted older bubbles cannot fool it); otherwise one more such message than the
/// baseline is. With no such evidence, a new outgoing message of any other text makes it
/// `Unclear`, not `Absent`: typing again could double it. Without a baseline (the agent retried
/// a message whose baseline is gone), a copy on the page is `Unclear` (it may be an older
/// identical reply) and no copy is `Absent`.
pub fn check_page(
    baseline: Option<&Baseline>,
    messages: &[crate::protocol::ChatMessage],
    wanted: &str,
) -> PageCheck {
    check_page_by(baseline, messages, wanted, &skeleton)
}

/// [`check_page`] with the texts compared in `skeleton`'s form.
pub fn check_page_by(
    baseline: Option<&Baseline>,
    messages: &[crate::protocol::ChatMessage],
    wanted: &str,
    skeleton: Skeleton<'_>,
) -> PageCheck {
    let wanted = skeleton(wanted);
    let same: Vec<_> = messages
        .iter()
        .filter(|m| is_ours(m) && skeleton(&m.text) == wanted)
        .collect();
    let Some(baseline) = baseline else {
        return if same.is_empty() {
            PageCheck::Absent
        } else {
            PageCheck::Unclear
        };
    };
    let new_by_id = |found: &[&crate::protocol::ChatMessage], known: &[String], count: u32| {
        let with_ids: Vec<&String> = found.iter().filter_map(|m| m.id.as_ref()).collect();
        if !with_ids.is_empty() && (!known.is_empty() || count == 0) {
            with_ids.iter().any(|id| !known.contains(id))
        } else {
            found.len() as u32 > count
        }
    };
    if new_by_id(&same, &baseline.ids, baseline.count) {
        return PageCheck::Sent;
    }
    let ours: Vec<_> = messages.iter().filter(|m| is_ours(m)).collect();
    match baseline.out_count {
        Some(count) if new_by_id(&ours, &baseline.out_ids, count) => PageCheck::Unclear,
        Some(_) => PageCheck::Absent,
        // A baseline of version 2 did not count other messages: no evidence either way of a
        // differently rendered copy, as before.
        None => PageCheck::Absent,
    }
}

#[cfg(test)]
mod page_check_tests {
    use super::*;
    use crate::protocol::{ChatMessage, Delivery, Direction};

    fn out(text: &str, id: Option<&str>, delivery: Delivery) -> ChatMessage {
        ChatMessage {
            direction: Direction::Out,
            text: text.into(),
            time: None,
            id: id.map(Into::into),
            delivery,
        }
    }

    #[test]
    fn a_failed_bubble_is_never_evidence_of_a_send() {
        let before = baseline(&[], "Dạ", None);
        let after = [out("Dạ", None, Delivery::Failed)];
        assert_eq!(check_page(Some(&before), &after, "Dạ"), PageCheck::Absent);
        assert_eq!(check_page(None, &after, "Dạ"), PageCheck::Absent);
        let after = [
            out("Dạ", None, Delivery::Failed),
            out("Dạ", None, Delivery::Unknown),
        ];
        assert_eq!(check_page(Some(&before), &after, "Dạ"), PageCheck::Sent);
    }

    #[test]
    fn ids_decide_where_the_page_has_them() {
        let page = [out("Dạ vâng", Some("mid.$a"), Delivery::Accepted)];
        let before = baseline(&page, "Dạ  vâng", None);
        assert_eq!(before.ids, vec!["mid.$a".to_string()]);
        // The old bubble was unmounted (long thread) and the new one is there: counting would
        // say "not sent" (1 = 1), the id says sent.
        let after = [out("Dạ vâng", Some("mid.$b"), Delivery::Unknown)];
        assert_eq!(
            check_page(Some(&before), &after, "Dạ vâng"),
            PageCheck::Sent
        );
        // Only the old one: not sent, however it is counted.
        assert_eq!(
            check_page(Some(&before), &page, "Dạ vâng"),
            PageCheck::Absent
        );
    }

    #[test]
    fn without_ids_one_more_identical_message_is_the_evidence() {
        let page = [out("ok", None, Delivery::Unknown)];
        let before = baseline(&page, "ok", None);
        assert_eq!(check_page(Some(&before), &page, "ok"), PageCheck::Absent);
        let after = [
            out("ok", None, Delivery::Unknown),
            out("ok", None, Delivery::Unknown),
        ];
        assert_eq!(check_page(Some(&before), &after, "ok"), PageCheck::Sent);
        let incoming = ChatMessage {
            direction: Direction::In,
            ..out("ok", None, Delivery::Unknown)
        };
        assert_eq!(
            check_page(Some(&before), &[page[0].clone(), incoming], "ok"),
            PageCheck::Absent
        );
    }

    /// Issue 13, point 6: the platform shows our text its own way (a link shortened, an emoji
    /// drawn, quotes curled, a line break dropped). Before, that read as "not sent" and the
    /// message was typed a second time.
    #[test]
    fn a_message_the_platform_renders_differently_is_never_retyped() {
        let wanted = "Dạ shop gửi link: https://shop.vn/sp?id=1 :)";
        let page = [out("Chào chị", Some("m1"), Delivery::Accepted)];
        let before = baseline(&page, wanted, Some(4));
        assert_eq!(before.tab_id, Some(4));
        // Same words, other signs: sent.
        let after = [
            page[0].clone(),
            out(
                "Dạ shop gửi link:\nhttps://shop.vn/sp?id=1 🙂",
                Some("m2"),
                Delivery::Unknown,
            ),
        ];
        assert_eq!(check_page(Some(&before), &after, wanted), PageCheck::Sent);
        // A new message of ours that does not read as this one: the agent decides.
        let after = [
            page[0].clone(),
            out(
                "Dạ shop gửi link: shop.vn/sp",
                Some("m2"),
                Delivery::Unknown,
            ),
        ];
        assert_eq!(
            check_page(Some(&before), &after, wanted),
            PageCheck::Unclear
        );
        // Without ids, counted.
        let page = [out("Chào chị", None, Delivery::Accepted)];
        let before = baseline(&page, wanted, None);
        let after = [page[0].clone(), out("(ảnh)", None, Delivery::Unknown)];
        assert_eq!(
            check_page(Some(&before), &after, wanted),
            PageCheck::Unclear
        );
        assert_eq!(check_page(Some(&before), &page, wanted), PageCheck::Absent);
    }

    /// Issue 13, point 6: an agent's retry of an `Unconfirmed` message whose baseline is gone.
    /// Before, an older identical reply on the page counted as this message sent.
    #[test]
    fn without_a_baseline_an_old_identical_reply_is_not_taken_for_the_message() {
        let page = [out("Dạ vâng ạ", Some("old"), Delivery::Accepted)];
        assert_eq!(check_page(None, &page, "Dạ vâng ạ"), PageCheck::Unclear);
        assert_eq!(check_page(None, &[], "Dạ vâng ạ"), PageCheck::Absent);
    }
}

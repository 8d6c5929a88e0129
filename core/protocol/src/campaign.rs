//! A campaign's run: frozen recipients handed to the outbox a few at a time, each exactly once.
//!
//! It lives beside the outbox (and not in `nobi-campaign`, which builds audiences and messages)
//! because the worker runs it and the panel and the worker exchange its types.
//!
//! # How the worker drives it
//!
//! On every pump (an alarm, or a change), for each campaign:
//!
//! 1. [`Campaign::due`] starts a scheduled campaign whose time has come.
//! 2. [`Campaign::reconcile`] with the outbox as it was loaded: a recipient the campaign thinks is
//!    `Pending` but whose message the outbox has is taken as handed (the worker died after saving
//!    the outbox and before saving the campaign); a handed recipient whose message the outbox no
//!    longer has, with no verdict recorded, is `Lost` (the outbox forgot it): the agent is asked,
//!    it is never handed again.
//! 3. [`Campaign::observe`] copies the outbox's verdicts (sent, failed, waiting for the agent,
//!    cancelled) onto the recipients, and pauses the campaign if a send was blocked.
//! 4. [`Campaign::next_to_hand`] names the recipients that may be handed now (not in quiet hours,
//!    within the caps, a few in flight per account). The worker enqueues them in the outbox
//!    ([`Recipient::new_item`]), **saves the outbox**, then calls [`Campaign::handed`] and saves
//!    the campaign.
//!
//! # Why that order is safe
//!
//! The outbox types a message at most once, and enqueueing an id it has is a no-op. A recipient's
//! message id is fixed ([`message_id`]). So:
//! - killed before the outbox is saved: nothing of this pump happened; the recipient is still
//!   `Pending` and is handed again next time, as the first time;
//! - killed after the outbox and before the campaign is saved: step 2 finds the message in the
//!   outbox and marks the recipient handed; it is not enqueued twice, and even if it were, the
//!   outbox would ignore it;
//! - the outbox's own restart rules (`Sending` → checked on the page) cover a kill while typing.
//!
//! A recipient is never put back to `Pending`, and every handed recipient ends with a verdict
//! (`Sent`, `Failed`, `NeedsAgent`, `Cancelled`, or `Lost`), so none is silently dropped.
//!
//! # Skipping
//!
//! A buyer who writes after the campaign started is skipped ([`Campaign::buyer_wrote`]): the
//! conversation is live again and the agent should answer, not broadcast. So is a customer on
//! the do-not-message list ([`Campaign::opted_out`]). If their message is already in the outbox
//! and not started, the worker cancels it there ([`Campaign::buyer_wrote`] returns its id).

use crate::outbox::{AccountKey, ItemState, NewItem, Outbox, Pacing};
use crate::{FailReason, ThreadRef};

/// Milliseconds since the Unix epoch.
pub type Millis = u64;
use serde::{Deserialize, Serialize};

const MINUTE_MS: u64 = 60_000;
const HOUR_MS: u64 = 60 * MINUTE_MS;
const DAY_MS: u64 = 24 * HOUR_MS;

/// Requests of the panel's campaign screens to the service worker.
///
/// Apart from [`crate::PanelToBackground`] on purpose: the panel's first module decodes and encodes
/// every message of that enum, and would carry the (de)serialisers of every campaign type; these
/// are encoded only by the campaign screens, which load on first use. Same channel, same sender
/// checks; the worker tries this enum when a message is not a `PanelToBackground`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "campaigns")]
pub enum PanelToCampaigns {
    /// Freeze `recipients` and run `campaign` (a draft) now, or at `at`. The worker stores it
    /// before it answers; starting an id it has changes nothing.
    Start {
        campaign: Box<Campaign>,
        recipients: Vec<Recipient>,
        #[serde(default)]
        at: Option<Millis>,
        /// The images the recipients' messages attach, once for the whole campaign: a
        /// recipient's `attachments` name them by `media_id`.
        #[serde(default)]
        files: Vec<CampaignFile>,
    },
    Get,
    Pause {
        id: String,
    },
    Resume {
        id: String,
    },
    Cancel {
        id: String,
    },
    /// The agent's opt-out words (empty: the defaults).
    SetOptOutWords {
        words: Vec<String>,
    },
}

/// The worker's answer to every [`PanelToCampaigns`], also broadcast on every change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "campaigns_reply")]
pub enum CampaignsToPanel {
    Campaigns {
        campaigns: Vec<Campaign>,
        /// Threads whose buyers asked for no more campaigns (`platform:thread_id`).
        do_not_message: Vec<String>,
        #[serde(default)]
        opt_out_words: Vec<String>,
    },
    /// The campaign could not be started (nobody to send to, a customer twice).
    Refused { error: RunError },
}

/// An image of a campaign, sent with [`PanelToCampaigns::Start`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignFile {
    /// The media library id the recipients' `attachments` use.
    pub media_id: String,
    pub file: crate::Attachment,
}

/// Where the worker keeps file `n` of campaign `campaign_id`: one copy for all its recipients,
/// removed when the campaign is over. Not an outbox file key ([`crate::outbox::is_file_key`]),
/// so the outbox neither sweeps it nor forgets it after one recipient's send.
pub fn campaign_file_key(campaign_id: &str, n: usize) -> String {
    format!("campaign-file:{campaign_id}#{n}")
}

/// Returns true if and only if `key` names a campaign's file ([`campaign_file_key`]).
pub fn is_campaign_file_key(key: &str) -> bool {
    key.starts_with("campaign-file:")
}

/// The outbox id of the message of `customer_id` in campaign `campaign_id`: the same recipient
/// always gets the same id, which is what makes handing it twice harmless.
pub fn message_id(campaign_id: &str, customer_id: &str) -> String {
    format!("campaign:{campaign_id}:{customer_id}")
}

/// Why a campaign is sent, as the seed lists them (it changes nothing in the run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    #[default]
    Promotion,
    Care,
    Engagement,
}

/// Hours without sends, in the shop's local time: buyers do not get broadcasts at night, and an
/// account that types at 3 a.m. looks like a bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    /// Minutes after local midnight when the quiet starts (21:00 = 1260).
    pub from_minute: u16,
    /// Minutes after local midnight when sending may resume (08:00 = 480). Equal to `from_minute`:
    /// no quiet hours.
    pub to_minute: u16,
    /// The shop's time zone, minutes east of UTC (Vietnam: 420).
    pub utc_offset_minutes: i32,
}

impl Default for QuietHours {
    /// 21:00 to 08:00, Vietnam time.
    fn default() -> Self {
        QuietHours {
            from_minute: 21 * 60,
            to_minute: 8 * 60,
            utc_offset_minutes: 420,
        }
    }
}

impl QuietHours {
    fn local_minute(&self, now_ms: Millis) -> u64 {
        let local = now_ms as i64 + i64::from(self.utc_offset_minutes) * MINUTE_MS as i64;
        (local.rem_euclid(DAY_MS as i64) as u64) / MINUTE_MS
    }

    /// Returns true if and only if `now_ms` falls in the quiet hours.
    pub fn is_quiet(&self, now_ms: Millis) -> bool {
        let (from, to) = (u64::from(self.from_minute), u64::from(self.to_minute));
        let m = self.local_minute(now_ms);
        match from.cmp(&to) {
            std::cmp::Ordering::Equal => false,
            // 01:00-05:00
            std::cmp::Ordering::Less => m >= from && m < to,
            // 21:00-08:00, across midnight
            std::cmp::Ordering::Greater => m >= from || m < to,
        }
    }

    /// The first minute at or after `now_ms` that is not quiet.
    pub fn next_allowed(&self, now_ms: Millis) -> Millis {
        if !self.is_quiet(now_ms) {
            return now_ms;
        }
        let m = self.local_minute(now_ms);
        let to = u64::from(self.to_minute);
        let wait_minutes = (to + 24 * 60 - m) % (24 * 60);
        let start_of_minute = now_ms - now_ms % MINUTE_MS;
        start_of_minute + wait_minutes * MINUTE_MS
    }
}

/// How fast a campaign may go, per account. The campaign can only be slower than the account's
/// own pacing ([`RunSettings::effective_caps`]), never faster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSettings {
    pub quiet: QuietHours,
    /// Recipients of one account handed and not yet finished: the outbox paces them, and a small
    /// number keeps a block from catching many queued messages.
    pub in_flight_per_account: u32,
    /// At most this many recipients handed per rolling hour, per account (`None`: the account's).
    pub per_hour: Option<u32>,
    /// At most this many per rolling 24 hours, per account (`None`: the account's).
    pub per_day: Option<u32>,
}

impl Default for RunSettings {
    /// Quiet 21:00–08:00; 2 in flight; at most 60 an hour and 300 a day per account: a campaign
    /// leaves room in the account's own limits (120 / 800) for the agent's conversations.
    fn default() -> Self {
        RunSettings {
            quiet: QuietHours::default(),
            in_flight_per_account: 2,
            per_hour: Some(60),
            per_day: Some(300),
        }
    }
}

impl RunSettings {
    /// The caps that apply: the lower of the campaign's and the account's, for each window. With
    /// the account's pacing off (benchmarks), only the campaign's own.
    pub fn effective_caps(&self, account: &Pacing) -> (Option<u32>, Option<u32>) {
        let lower = |a: Option<u32>, b: Option<u32>| match (a, b) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, None) => x,
            (None, y) => y,
        };
        if account.enabled {
            (
                lower(self.per_hour, account.per_hour),
                lower(self.per_day, account.per_day),
            )
        } else {
            (self.per_hour, self.per_day)
        }
    }
}

/// Why a recipient was not sent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The buyer wrote after the campaign started: the conversation is live again.
    Replied,
    /// On the do-not-message list.
    OptedOut,
    /// The campaign was cancelled before this recipient was handed.
    CampaignCancelled,
}

/// Where one recipient is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum RecipientState {
    /// Not handed to the outbox yet.
    Pending,
    /// In the outbox, not finished.
    Handed { at: Millis },
    /// The outbox confirmed it on the page.
    Sent { at: Millis },
    /// The outbox gave up (the agent may retry it in the outbox list).
    Failed { reason: FailReason, at: Millis },
    /// The outbox could not tell whether it went out: the agent decides in the outbox list.
    NeedsAgent { reason: FailReason, at: Millis },
    /// Cancelled in the outbox (by the agent, or because the buyer wrote or opted out).
    Cancelled { at: Millis },
    /// Never handed.
    Skipped { reason: SkipReason, at: Millis },
    /// Handed, and the outbox no longer knows the message (it forgets finished ones after a
    /// while): its outcome was not seen. Never handed again; the agent looks at the thread.
    Lost { at: Millis },
}

impl RecipientState {
    /// Returns true if and only if nothing more will happen to this recipient by itself. A send
    /// stopped by a block is not final: resuming the account queues it again.
    pub fn is_final(&self) -> bool {
        !matches!(
            self,
            RecipientState::Pending
                | RecipientState::Handed { .. }
                | RecipientState::Failed {
                    reason: FailReason::BlockedByPlatform,
                    ..
                }
        )
    }
}

/// One frozen recipient: who, where, and the exact message (rendered when the campaign started).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub customer_id: String,
    /// The buyer's name, for the progress list and the report.
    pub name: String,
    pub to: ThreadRef,
    /// The shop account the thread belongs to.
    #[serde(default)]
    pub account: Option<String>,
    pub text: String,
    /// Media library ids, in order.
    #[serde(default)]
    pub attachments: Vec<String>,
    pub state: RecipientState,
    /// Why the outbox cancelled it, when the campaign asked (buyer wrote, opted out).
    #[serde(default)]
    pub cancel_reason: Option<SkipReason>,
}

impl Recipient {
    /// The outbox message of this recipient in campaign `campaign_id`.
    pub fn new_item(&self, campaign_id: &str) -> NewItem {
        NewItem {
            id: message_id(campaign_id, &self.customer_id),
            to: self.to.clone(),
            account: self.account.clone(),
            text: self.text.clone(),
            attachments: self.attachments.clone(),
            not_before: None,
        }
    }

    fn account_key(&self) -> AccountKey {
        AccountKey {
            platform: self.to.platform,
            account: self.account.clone(),
        }
    }
}

/// Where the campaign is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum CampaignState {
    /// Being prepared: audience and content can change.
    Draft,
    /// Recipients frozen; starts at `at`.
    Scheduled {
        at: Millis,
    },
    Running,
    /// Stopped by the agent, or by a block on `account`.
    Paused {
        at: Millis,
        #[serde(default)]
        blocked: Option<AccountKey>,
    },
    /// Every recipient is final.
    Done {
        at: Millis,
    },
    Cancelled {
        at: Millis,
    },
}

/// Why a campaign action was refused. A refused action changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunError {
    /// The action does not apply in this state.
    WrongState { state: CampaignState },
    /// Starting with nobody to send to.
    NoRecipients,
    /// Two recipients for one customer (the same buyer would get it twice).
    DuplicateCustomer { customer_id: String },
    /// A message attaches an image the campaign did not send.
    MissingFile { media_id: String },
    /// The campaign's images could not be stored (the browser's storage refused them).
    FilesNotStored,
}

/// Counts for the progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub total: usize,
    pub sent: usize,
    /// Failed, waiting for the agent, cancelled or lost: the agent has something to look at.
    pub failed: usize,
    pub skipped: usize,
    /// Pending or handed.
    pub pending: usize,
}

/// A campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub goal: Goal,
    pub created_at: Millis,
    pub settings: RunSettings,
    pub state: CampaignState,
    /// When the recipients were frozen and the run began (replies after it skip).
    #[serde(default)]
    pub started_at: Option<Millis>,
    pub recipients: Vec<Recipient>,
    /// Hand times of the last 24 hours per account, for the caps.
    #[serde(default)]
    handed_log: Vec<(AccountKey, Millis)>,
}

impl Campaign {
    /// A new draft.
    pub fn draft(id: &str, name: &str, goal: Goal, settings: RunSettings, now_ms: Millis) -> Self {
        Campaign {
            id: id.to_owned(),
            name: name.to_owned(),
            goal,
            created_at: now_ms,
            settings,
            state: CampaignState::Draft,
            started_at: None,
            recipients: Vec::new(),
            handed_log: Vec::new(),
        }
    }

    /// Freezes `recipients` (each made `Pending`) and starts now, or at `at` if given and later.
    /// Only from `Draft`.
    pub fn start(
        &mut self,
        recipients: Vec<Recipient>,
        at: Option<Millis>,
        now_ms: Millis,
    ) -> Result<(), RunError> {
        if self.state != CampaignState::Draft {
            return Err(RunError::WrongState {
                state: self.state.clone(),
            });
        }
        if recipients.is_empty() {
            return Err(RunError::NoRecipients);
        }
        let mut seen = std::collections::HashSet::new();
        for r in &recipients {
            if !seen.insert(r.customer_id.as_str()) {
                return Err(RunError::DuplicateCustomer {
                    customer_id: r.customer_id.clone(),
                });
            }
        }
        self.recipients = recipients
            .into_iter()
            .map(|r| Recipient {
                state: RecipientState::Pending,
                cancel_reason: None,
                ..r
            })
            .collect();
        match at.filter(|&t| t > now_ms) {
            Some(t) => self.state = CampaignState::Scheduled { at: t },
            None => {
                self.state = CampaignState::Running;
                self.started_at = Some(now_ms);
            }
        }
        Ok(())
    }

    /// Starts a scheduled campaign whose time has come. Returns true if and only if it started.
    pub fn due(&mut self, now_ms: Millis) -> bool {
        match self.state {
            CampaignState::Scheduled { at } if at <= now_ms => {
                self.state = CampaignState::Running;
                self.started_at = Some(now_ms);
                true
            }
            _ => false,
        }
    }

    /// Pauses a running or scheduled campaign (the outbox keeps what it already has).
    pub fn pause(&mut self, now_ms: Millis) -> Result<(), RunError> {
        match self.state {
            CampaignState::Running | CampaignState::Scheduled { .. } => {
                if self.started_at.is_none() {
                    self.started_at = Some(now_ms);
                }
                self.state = CampaignState::Paused {
                    at: now_ms,
                    blocked: None,
                };
                Ok(())
            }
            _ => Err(RunError::WrongState {
                state: self.state.clone(),
            }),
        }
    }

    /// Resumes a paused campaign. After a block, the agent resumes the account in the outbox too.
    pub fn resume(&mut self) -> Result<(), RunError> {
        match self.state {
            CampaignState::Paused { .. } => {
                self.state = CampaignState::Running;
                Ok(())
            }
            _ => Err(RunError::WrongState {
                state: self.state.clone(),
            }),
        }
    }

    /// Cancels the campaign: pending recipients are skipped. Returns the outbox ids of handed
    /// messages the worker should cancel in the outbox (those not started yet are; the outbox
    /// refuses the others, which then finish and are recorded as usual).
    pub fn cancel(&mut self, now_ms: Millis) -> Result<Vec<String>, RunError> {
        if matches!(
            self.state,
            CampaignState::Done { .. } | CampaignState::Cancelled { .. }
        ) {
            return Err(RunError::WrongState {
                state: self.state.clone(),
            });
        }
        let mut to_cancel = Vec::new();
        for r in &mut self.recipients {
            match r.state {
                RecipientState::Pending => {
                    r.state = RecipientState::Skipped {
                        reason: SkipReason::CampaignCancelled,
                        at: now_ms,
                    };
                    // In the outbox already if the campaign was not saved after handing it.
                    to_cancel.push(message_id(&self.id, &r.customer_id));
                }
                RecipientState::Handed { .. } => {
                    r.cancel_reason = Some(SkipReason::CampaignCancelled);
                    to_cancel.push(message_id(&self.id, &r.customer_id));
                }
                _ => {}
            }
        }
        self.state = CampaignState::Cancelled { at: now_ms };
        Ok(to_cancel)
    }

    /// The buyer of `customer_id` wrote at `at`. If that is after the start, the recipient is
    /// skipped (a handed one once the outbox has cancelled it), and the outbox id is returned for
    /// the worker to cancel there (a pending one's too: see [`Campaign::reconcile`]).
    pub fn buyer_wrote(&mut self, customer_id: &str, at: Millis) -> Option<String> {
        let started = self.started_at?;
        if at <= started {
            return None;
        }
        self.skip(customer_id, SkipReason::Replied, at)
    }

    /// The customer is on the do-not-message list: skipped like [`Campaign::buyer_wrote`].
    pub fn opted_out(&mut self, customer_id: &str, now_ms: Millis) -> Option<String> {
        self.skip(customer_id, SkipReason::OptedOut, now_ms)
    }

    fn skip(&mut self, customer_id: &str, reason: SkipReason, at: Millis) -> Option<String> {
        let id = self.id.clone();
        let r = self
            .recipients
            .iter_mut()
            .find(|r| r.customer_id == customer_id)?;
        match r.state {
            // Pending as far as this campaign knows: its message may still be in the outbox (the
            // worker died after saving the outbox and before saving the campaign), so the worker
            // cancels it there too; the outbox refuses an id it does not have.
            RecipientState::Pending => {
                r.state = RecipientState::Skipped { reason, at };
                Some(message_id(&id, customer_id))
            }
            RecipientState::Handed { .. } => {
                r.cancel_reason = Some(reason);
                Some(message_id(&id, customer_id))
            }
            _ => None,
        }
    }

    /// Brings the recipients in line with the outbox as loaded (see the module docs): a pending
    /// recipient whose message is in the outbox is handed; a handed one whose message is gone
    /// without a verdict is lost.
    pub fn reconcile(&mut self, outbox: &Outbox, now_ms: Millis) {
        for r in &mut self.recipients {
            let id = message_id(&self.id, &r.customer_id);
            let known = outbox.item(&id).is_some();
            match r.state {
                RecipientState::Pending if known => {
                    r.state = RecipientState::Handed { at: now_ms };
                    self.handed_log.push((r.account_key(), now_ms));
                }
                RecipientState::Handed { .. } if !known => {
                    r.state = RecipientState::Lost { at: now_ms };
                }
                _ => {}
            }
        }
    }

    /// Copies the outbox's verdicts onto the handed recipients (and later ones onto recipients
    /// the agent retried or decided on in the outbox list). Pauses the campaign on a block.
    /// Finishes it when every recipient is final.
    pub fn observe(&mut self, outbox: &Outbox, now_ms: Millis) {
        let mut blocked: Option<AccountKey> = None;
        for r in &mut self.recipients {
            if matches!(
                r.state,
                RecipientState::Pending | RecipientState::Lost { .. }
            ) {
                continue;
            }
            let Some(item) = outbox.item(&message_id(&self.id, &r.customer_id)) else {
                continue;
            };
            // Skipped before its message left the outbox: it stays skipped unless the page says
            // it went out after all (it was typed before the cancel reached the outbox).
            if let RecipientState::Skipped { .. } = r.state {
                if let ItemState::Sent { at } = item.state {
                    r.state = RecipientState::Sent { at };
                }
                continue;
            }
            r.state = match &item.state {
                ItemState::Queued | ItemState::Sending { .. } | ItemState::NeedsCheck { .. } => {
                    match r.state {
                        RecipientState::Handed { at } => RecipientState::Handed { at },
                        _ => RecipientState::Handed { at: now_ms },
                    }
                }
                ItemState::Sent { at } => RecipientState::Sent { at: *at },
                ItemState::Failed { reason, at, .. } => {
                    if *reason == FailReason::BlockedByPlatform {
                        blocked = Some(r.account_key());
                    }
                    RecipientState::Failed {
                        reason: *reason,
                        at: *at,
                    }
                }
                ItemState::NeedsAgent { reason, at, .. } => RecipientState::NeedsAgent {
                    reason: *reason,
                    at: *at,
                },
                ItemState::Cancelled { at } => match r.cancel_reason.clone() {
                    Some(reason) => RecipientState::Skipped { reason, at: *at },
                    None => RecipientState::Cancelled { at: *at },
                },
            };
        }
        if let Some(account) = blocked {
            if matches!(self.state, CampaignState::Running) {
                self.state = CampaignState::Paused {
                    at: now_ms,
                    blocked: Some(account),
                };
            }
        }
        let running = matches!(
            self.state,
            CampaignState::Running | CampaignState::Paused { .. }
        );
        if running && self.recipients.iter().all(|r| r.state.is_final()) {
            self.state = CampaignState::Done { at: now_ms };
        }
    }

    /// The recipients that may be handed now, in the frozen order: the campaign is running, it
    /// is not quiet time, the account is not paused in the outbox, fewer than
    /// [`RunSettings::in_flight_per_account`] of its recipients are in the outbox unfinished, and
    /// the caps (the lower of the campaign's and the account's) leave room.
    pub fn next_to_hand(&self, outbox: &Outbox, now_ms: Millis) -> Vec<&Recipient> {
        if self.state != CampaignState::Running || self.settings.quiet.is_quiet(now_ms) {
            return Vec::new();
        }
        let pacing = &outbox.settings().pacing;
        let (per_hour, per_day) = self.settings.effective_caps(pacing);
        let mut chosen: Vec<&Recipient> = Vec::new();
        let mut counts: Vec<(AccountKey, u32, u32, u32)> = Vec::new(); // in flight, hour, day
        for r in &self.recipients {
            if r.state != RecipientState::Pending {
                continue;
            }
            let key = r.account_key();
            if outbox.paused(&key).is_some() {
                continue;
            }
            let at = match counts.iter().position(|c| c.0 == key) {
                Some(i) => i,
                None => {
                    let in_flight = self
                        .recipients
                        .iter()
                        .filter(|o| {
                            matches!(o.state, RecipientState::Handed { .. })
                                && o.account_key() == key
                        })
                        .count() as u32;
                    let since = |window: u64| {
                        self.handed_log
                            .iter()
                            .filter(|(k, t)| *k == key && now_ms.saturating_sub(*t) < window)
                            .count() as u32
                    };
                    counts.push((key.clone(), in_flight, since(HOUR_MS), since(DAY_MS)));
                    counts.len() - 1
                }
            };
            let c = &mut counts[at];
            let room = c.1 < self.settings.in_flight_per_account.max(1)
                && per_hour.is_none_or(|cap| c.2 < cap.max(1))
                && per_day.is_none_or(|cap| c.3 < cap.max(1));
            if room {
                c.1 += 1;
                c.2 += 1;
                c.3 += 1;
                chosen.push(r);
            }
        }
        chosen
    }

    /// Records that the messages of these customers are in the outbox (the outbox was saved).
    pub fn handed(&mut self, customer_ids: &[String], now_ms: Millis) {
        for r in &mut self.recipients {
            if r.state == RecipientState::Pending && customer_ids.contains(&r.customer_id) {
                r.state = RecipientState::Handed { at: now_ms };
                self.handed_log.push((r.account_key(), now_ms));
            }
        }
        self.handed_log
            .retain(|(_, t)| now_ms.saturating_sub(*t) < DAY_MS);
    }

    /// When the worker should look again without an outbox change: the end of the quiet hours,
    /// the scheduled start, or the oldest hand leaving the hourly window.
    pub fn next_wake(&self, now_ms: Millis) -> Option<Millis> {
        match self.state {
            CampaignState::Scheduled { at } => Some(at),
            CampaignState::Running => {
                if !self
                    .recipients
                    .iter()
                    .any(|r| r.state == RecipientState::Pending)
                {
                    return None;
                }
                if self.settings.quiet.is_quiet(now_ms) {
                    return Some(self.settings.quiet.next_allowed(now_ms));
                }
                self.handed_log
                    .iter()
                    .map(|(_, t)| t + HOUR_MS)
                    .filter(|&t| t > now_ms)
                    .min()
                    .or(Some(now_ms + MINUTE_MS))
            }
            _ => None,
        }
    }

    /// Counts for the progress bar.
    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            total: self.recipients.len(),
            ..Progress::default()
        };
        for r in &self.recipients {
            if !r.state.is_final() {
                p.pending += 1;
                continue;
            }
            match r.state {
                RecipientState::Pending | RecipientState::Handed { .. } => p.pending += 1,
                RecipientState::Sent { .. } => p.sent += 1,
                RecipientState::Skipped { .. } => p.skipped += 1,
                RecipientState::Failed { .. }
                | RecipientState::NeedsAgent { .. }
                | RecipientState::Cancelled { .. }
                | RecipientState::Lost { .. } => p.failed += 1,
            }
        }
        p
    }

    /// An estimate of the time left, from the pace the caps and the account's gap allow and the
    /// quiet hours ahead; `None` when nothing is left.
    pub fn time_left_ms(&self, pacing: &Pacing, now_ms: Millis) -> Option<u64> {
        let left = self.progress().pending as u64;
        if left == 0 {
            return None;
        }
        let accounts: std::collections::HashSet<AccountKey> = self
            .recipients
            .iter()
            .filter(|r| !r.state.is_final())
            .map(Recipient::account_key)
            .collect();
        let accounts = accounts.len().max(1) as u64;
        let gap = if pacing.enabled {
            pacing.min_gap_ms + pacing.jitter_ms / 2
        } else {
            0
        };
        let (per_hour, _) = self.settings.effective_caps(pacing);
        let by_cap = per_hour.map_or(0, |cap| HOUR_MS / u64::from(cap.max(1)));
        let per_message = gap.max(by_cap).max(1_000);
        let mut sending = left * per_message / accounts;
        // Walk forward through the days: sending time is spent only outside the quiet hours.
        let q = &self.settings.quiet;
        // A scheduled campaign sends nothing before its time.
        let start = match self.state {
            CampaignState::Scheduled { at } => at.max(now_ms),
            _ => now_ms,
        };
        let mut t = q.next_allowed(start);
        if q.from_minute == q.to_minute {
            return Some(t - now_ms + sending);
        }
        while sending > 0 {
            // Minutes until the next quiet start, in local time.
            let m = q.local_minute(t);
            let to_quiet = (u64::from(q.from_minute) + 24 * 60 - m) % (24 * 60);
            let awake = (to_quiet * MINUTE_MS).max(MINUTE_MS).min(sending);
            t += awake;
            sending -= awake;
            if sending > 0 {
                t = q.next_allowed(t);
            }
        }
        Some(t - now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Platform;

    /// 2026-12-07 10:00 in Vietnam (03:00 UTC).
    const MORNING: Millis = 1_796_612_400_000;

    #[test]
    fn quiet_hours_cross_midnight_in_local_time() {
        let q = QuietHours::default();
        assert!(!q.is_quiet(MORNING));
        let nine_pm = MORNING + 11 * HOUR_MS;
        assert!(q.is_quiet(nine_pm));
        assert!(q.is_quiet(nine_pm + 5 * HOUR_MS)); // 02:00
        let eight_am = MORNING + 22 * HOUR_MS;
        assert!(!q.is_quiet(eight_am));
        assert_eq!(q.next_allowed(nine_pm + 30 * MINUTE_MS), eight_am);
        let none = QuietHours {
            from_minute: 0,
            to_minute: 0,
            utc_offset_minutes: 420,
        };
        assert!(!none.is_quiet(nine_pm));
    }

    #[test]
    fn a_campaign_cannot_go_faster_than_its_account() {
        let s = RunSettings {
            per_hour: Some(500),
            per_day: None,
            ..RunSettings::default()
        };
        assert_eq!(s.effective_caps(&Pacing::default()), (Some(120), Some(800)));
        let slow = RunSettings::default();
        assert_eq!(
            slow.effective_caps(&Pacing::default()),
            (Some(60), Some(300))
        );
    }

    fn recipient(n: usize, account: &str) -> Recipient {
        Recipient {
            customer_id: format!("c{n}"),
            name: format!("Khách {n}"),
            to: ThreadRef {
                platform: Platform::Instagram,
                thread_id: format!("t{n}"),
            },
            account: Some(account.to_owned()),
            text: format!("Chào khách {n}"),
            attachments: Vec::new(),
            state: RecipientState::Pending,
            cancel_reason: None,
        }
    }

    #[test]
    fn start_refuses_nobody_and_the_same_customer_twice() {
        let mut c = Campaign::draft("k", "Sale", Goal::Promotion, RunSettings::default(), 0);
        assert_eq!(c.start(Vec::new(), None, 0), Err(RunError::NoRecipients));
        let twice = vec![recipient(1, "a"), recipient(1, "a")];
        assert!(matches!(
            c.start(twice, None, 0),
            Err(RunError::DuplicateCustomer { .. })
        ));
        assert_eq!(c.state, CampaignState::Draft);
    }

    #[test]
    fn hands_a_few_per_account_and_none_in_quiet_hours() {
        let mut c = Campaign::draft("k", "Sale", Goal::Promotion, RunSettings::default(), 0);
        let rs = (0..10)
            .map(|n| recipient(n, if n % 2 == 0 { "a" } else { "b" }))
            .collect();
        c.start(rs, None, MORNING).unwrap();
        let outbox = Outbox::default();
        let first: Vec<String> = c
            .next_to_hand(&outbox, MORNING)
            .iter()
            .map(|r| r.customer_id.clone())
            .collect();
        assert_eq!(first, ["c0", "c1", "c2", "c3"], "two per account");
        c.handed(&first, MORNING);
        assert!(c.next_to_hand(&outbox, MORNING).is_empty());
        assert!(c.next_to_hand(&outbox, MORNING + 11 * HOUR_MS).is_empty());
    }

    #[test]
    fn a_block_pauses_the_campaign_and_the_outbox_verdicts_are_copied() {
        use crate::outbox::{Outbox, Settings};
        use crate::SendOutcome;
        let mut outbox = Outbox::new(Settings {
            pacing: Pacing::disabled(),
            ..Settings::default()
        });
        let mut c = Campaign::draft("k", "Sale", Goal::Promotion, RunSettings::default(), 0);
        c.start(vec![recipient(1, "a"), recipient(2, "a")], None, MORNING)
            .unwrap();
        let ids: Vec<String> = c
            .next_to_hand(&outbox, MORNING)
            .iter()
            .map(|r| {
                outbox.enqueue(r.new_item("k"), MORNING).unwrap();
                r.customer_id.clone()
            })
            .collect();
        c.handed(&ids, MORNING);
        outbox.start("campaign:k:c1", MORNING, 0).unwrap();
        outbox
            .finish("campaign:k:c1", SendOutcome::Sent, MORNING + 1, 0)
            .unwrap();
        outbox.start("campaign:k:c2", MORNING + 2, 0).unwrap();
        let blocked = SendOutcome::Failed {
            reason: FailReason::BlockedByPlatform,
        };
        outbox
            .finish("campaign:k:c2", blocked, MORNING + 3, 0)
            .unwrap();
        c.observe(&outbox, MORNING + 4);
        assert!(matches!(c.recipients[0].state, RecipientState::Sent { .. }));
        assert!(matches!(
            c.recipients[1].state,
            RecipientState::Failed {
                reason: FailReason::BlockedByPlatform,
                ..
            }
        ));
        assert!(matches!(
            c.state,
            CampaignState::Paused {
                blocked: Some(_),
                ..
            }
        ));
        assert_eq!(
            c.progress(),
            Progress {
                total: 2,
                sent: 1,
                failed: 0,
                skipped: 0,
                // Waits for the account to be resumed: it will be queued again.
                pending: 1
            }
        );
        // The agent resumes the account: the outbox queues it again, the campaign follows.
        outbox.resume(&c.recipients[1].account_key());
        c.resume().unwrap();
        c.observe(&outbox, MORNING + 5);
        assert!(matches!(
            c.recipients[1].state,
            RecipientState::Handed { .. }
        ));
        assert_eq!(c.state, CampaignState::Running);
    }

    #[test]
    fn the_worker_wakes_at_the_end_of_quiet_hours_and_the_estimate_counts_the_nights() {
        let mut c = Campaign::draft("k", "Sale", Goal::Promotion, RunSettings::default(), 0);
        c.start((0..300).map(|n| recipient(n, "a")).collect(), None, MORNING)
            .unwrap();
        let night = MORNING + 12 * HOUR_MS; // 22:00
        assert_eq!(c.next_wake(night), Some(MORNING + 22 * HOUR_MS));
        // 300 at 60 an hour is 5 hours of sending: from 10:00 it ends before the quiet hours.
        let left = c.time_left_ms(&Pacing::default(), MORNING).unwrap();
        assert_eq!(left, 5 * HOUR_MS);
        // From 20:00: one hour today, the 11-hour night, then four more.
        let left = c
            .time_left_ms(&Pacing::default(), MORNING + 10 * HOUR_MS)
            .unwrap();
        assert_eq!(left, 16 * HOUR_MS);
        // Scheduled for tomorrow 10:00: the wait comes first.
        let mut later = Campaign::draft("k2", "Sale", Goal::Promotion, RunSettings::default(), 0);
        later
            .start(
                (0..300).map(|n| recipient(n, "a")).collect(),
                Some(MORNING + 24 * HOUR_MS),
                MORNING,
            )
            .unwrap();
        let left = later.time_left_ms(&Pacing::default(), MORNING).unwrap();
        assert_eq!(left, 24 * HOUR_MS + 5 * HOUR_MS);
    }

    #[test]
    fn a_buyer_who_writes_after_the_start_is_skipped() {
        let mut c = Campaign::draft("k", "Sale", Goal::Care, RunSettings::default(), 0);
        c.start(vec![recipient(1, "a"), recipient(2, "a")], None, MORNING)
            .unwrap();
        assert_eq!(c.buyer_wrote("c1", MORNING - 1), None, "before the start");
        assert_eq!(c.recipients[0].state, RecipientState::Pending);
        // Its id too: the outbox may have it if the campaign was not saved after handing it.
        assert_eq!(
            c.buyer_wrote("c1", MORNING + 1).as_deref(),
            Some("campaign:k:c1")
        );
        assert!(matches!(
            c.recipients[0].state,
            RecipientState::Skipped {
                reason: SkipReason::Replied,
                ..
            }
        ));
        c.handed(&["c2".to_owned()], MORNING);
        assert_eq!(
            c.buyer_wrote("c2", MORNING + 2).as_deref(),
            Some("campaign:k:c2"),
            "a handed one is cancelled in the outbox"
        );
    }
}
